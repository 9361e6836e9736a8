/** Live status lines for long waits (stderr terminal only), and dns01 present's lines in the order of events. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { run } from '../../src/cli/run.js';
import type { CliIo } from '../../src/cli/io.js';
import { statusLine, STATUS_DELAY_MS, type Clock } from '../../src/cli/status.js';
import { progressPrinter } from '../../src/cli/dns01-run.js';
import { labFlags } from './helpers.js';

const ERASE = '\r\u001b[2K';

/** A clock moved by hand: advance(ms) fires the timers that fall due, in order. */
function manualClock(): Clock & { advance(ms: number): void } {
  let t = 0;
  const timers = new Set<{ ms: number; next: number; fn: () => void }>();
  return {
    now: () => t,
    every(ms, fn) {
      const timer = { ms, next: t + ms, fn };
      timers.add(timer);
      return { cancel: () => void timers.delete(timer) };
    },
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const due = [...timers].filter((x) => x.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        t = due.next;
        due.next += due.ms;
        due.fn();
      }
      t = end;
    },
  };
}

/** Real timers, time running `factor` times faster: a 2 s wait takes 2000/factor real ms. */
const fastClock = (factor: number): Clock => {
  const start = performance.now();
  return {
    now: () => (performance.now() - start) * factor,
    every: (ms, fn) => {
      const t = setInterval(fn, Math.max(1, ms / factor));
      return { cancel: () => clearInterval(t) };
    },
  };
};

const ttyIo = (clock: Clock, log: { text: string }): CliIo => ({
  out: (t) => void (log.text += t),
  err: (t) => void (log.text += t),
  isTTY: false,
  errIsTTY: true,
  errColumns: 100,
  clock,
  env: {},
});

describe('statusLine', () => {
  it('shows nothing for 2 s, then what is awaited, elapsed and the limit; erased at the end', () => {
    const clock = manualClock();
    const log = { text: '' };
    const wait = statusLine(ttyIo(clock, log)).begin('Checking example.com', 45_000);
    clock.advance(STATUS_DELAY_MS - 10);
    expect(log.text).toBe('');
    clock.advance(20);
    expect(log.text).toBe(`${ERASE}Checking example.com: 2 s of 45 s`);
    // Redrawn only when the text changes.
    clock.advance(500);
    expect(log.text).toBe(`${ERASE}Checking example.com: 2 s of 45 s`);
    wait.update('Checking 2 names (1 done)');
    clock.advance(1500);
    expect(log.text.endsWith(`${ERASE}Checking 2 names (1 done): 4 s of 45 s`)).toBe(true);
    wait.end();
    expect(log.text.endsWith(`4 s of 45 s${ERASE}`)).toBe(true);
    const after = log.text;
    clock.advance(10_000);
    expect(log.text).toBe(after);
  });

  it('a wait shorter than 2 s leaves no trace', () => {
    const clock = manualClock();
    const log = { text: '' };
    const wait = statusLine(ttyIo(clock, log)).begin('Checking example.com', 45_000);
    clock.advance(1900);
    wait.end();
    expect(log.text).toBe('');
  });

  it('draws nothing when stderr is not a terminal, or in JSON mode', () => {
    const clock = manualClock();
    const log = { text: '' };
    const notTty = { ...ttyIo(clock, log), errIsTTY: false };
    statusLine(notTty).begin('Checking example.com', 45_000);
    statusLine(ttyIo(clock, log), { json: true }).begin('Checking example.com', 45_000);
    clock.advance(10_000);
    expect(log.text).toBe('');
  });

  it('is never wider than the terminal (a wrapped line could not be erased)', () => {
    const clock = manualClock();
    const log = { text: '' };
    statusLine({ ...ttyIo(clock, log), errColumns: 30 }).begin('Checking ' + 'a'.repeat(80), 1000);
    clock.advance(3000);
    for (const drawn of log.text.split(ERASE).filter(Boolean)) expect(drawn.length).toBeLessThan(30);
  });
});

describe('propagation progress', () => {
  const target = {
    server: { name: 'ns1.x.test', address: '127.0.0.1', port: 53 },
    kind: 'authoritative' as const,
    queries: 1,
  };
  it('a status line with the count and the limit between the event lines, erased before each', () => {
    const clock = manualClock();
    const log = { text: '' };
    const print = progressPrinter(ttyIo(clock, log), 120_000);
    print({ type: 'zone', zone: 'x.test', targets: [target, target] });
    print({ type: 'round', round: 0, asking: 2, pending: 2, elapsedMs: 0 });
    clock.advance(3000);
    expect(log.text).toContain(`${ERASE}Waiting for 2 servers of x.test to serve it (0/2): 3 s of 120 s`);
    print({ type: 'seen', target: { ...target, firstSeenMs: 3000 }, elapsedMs: 3000, seen: 1, total: 2 });
    expect(log.text).toContain(`120 s${ERASE}ns1.x.test 127.0.0.1:53 serves it after 3000 ms (1/2)\n`);
    clock.advance(1000);
    expect(log.text).toContain('(1/2): 4 s of 120 s');
    print({
      type: 'done',
      result: { fqdn: 'x', value: 'v', targets: [], complete: false, rounds: 3, elapsedMs: 4000 },
    });
    expect(log.text.endsWith(`${ERASE}Not visible everywhere: gave up after 4000 ms\n`)).toBe(true);
  });
});

describe('in the commands', () => {
  let lab: Lab;
  let dir: string;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/dns01-lab.yaml', { delayMs: 20 });
    dir = mkdtempSync(join(tmpdir(), 'status-'));
  });
  afterAll(async () => {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('check on a terminal shows the status line while it waits, and erases it before the report', async () => {
    const log = { text: '' };
    const code = await run(
      ['check', 'good.dns01.test', '-c', 'dns-01', ...labFlags(lab)],
      ttyIo(fastClock(100), log),
    );
    expect(code).toBe(0);
    expect(log.text).toMatch(
      new RegExp(`${ERASE.replace('[', '\\[')}Checking good\\.dns01\\.test: \\d+ s of 45 s`),
    );
    // Erased before the report: the report starts on a clean line.
    const report = log.text.lastIndexOf(ERASE) + ERASE.length;
    expect(log.text.slice(report)).toMatch(/^\S/);
    expect(log.text.slice(report)).toContain('good.dns01.test');
  }, 30_000);

  it('check --format json never draws one', async () => {
    const log = { text: '' };
    await run(
      ['check', 'good.dns01.test', '-c', 'dns-01', '--format', 'json', ...labFlags(lab)],
      ttyIo(fastClock(100), log),
    );
    expect(log.text).not.toContain('\r');
    expect(() => JSON.parse(log.text)).not.toThrow();
  }, 30_000);

  it('dns01 present prints "Created" before the wait and its outcome', async () => {
    const log = { text: '' };
    const io = { ...ttyIo(fastClock(1), log), errIsTTY: false };
    const code = await run(
      [
        'dns01',
        'present',
        'good.dns01.test',
        'never-published-value',
        '--provider',
        'exec',
        '--propagation-timeout',
        '0.5',
        '--state-file',
        join(dir, 'state.json'),
        ...labFlags(lab),
      ],
      { ...io, env: { EXEC_PATH: '/bin/true' } },
    );
    expect(code).toBe(1);
    const created = log.text.indexOf('Created _acme-challenge.good.dns01.test TXT "never-published-value"');
    const watching = log.text.indexOf('Watching ');
    const gaveUp = log.text.indexOf('Not visible everywhere');
    expect(created).toBeGreaterThanOrEqual(0);
    expect(watching).toBeGreaterThan(created);
    expect(gaveUp).toBeGreaterThan(watching);
  }, 30_000);
});
