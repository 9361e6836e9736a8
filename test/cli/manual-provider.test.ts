/** The manual provider from the command line: on a terminal it shows the record and waits for Enter. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { run } from '../../src/cli/run.js';
import type { CliIo } from '../../src/cli/io.js';
import { labFlags } from './helpers.js';

const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

describe('dns01 present --provider manual', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/basic.yaml', import.meta.url).pathname);
  });
  afterAll(() => lab.stop());

  const argv = () => [
    'dns01',
    'present',
    'www.good.test',
    'manual-value-1',
    '--provider',
    'manual',
    '--no-wait',
    '--state-file',
    '/nonexistent-dir/never-written.json',
    ...labFlags(lab),
  ];

  it('on a terminal: prints the record, waits for Enter, then goes on', async () => {
    let stderr = '';
    let pressed = false;
    let printedBeforeEnter = '';
    const io: CliIo = {
      out: () => undefined,
      err: (t) => void (stderr += t),
      isTTY: true,
      env: { HOME: '/nonexistent' },
      waitForEnter: async () => {
        printedBeforeEnter = stderr;
        await new Promise((r) => setTimeout(r, 50));
        pressed = true;
      },
    };
    await run(argv(), io);
    expect(printedBeforeEnter).toContain('_acme-challenge.www.good.test. 120 IN TXT "manual-value-1"');
    expect(printedBeforeEnter).toContain('Press Enter');
    expect(pressed).toBe(true);
  });

  it('without a terminal: one clear line, exit 2, nothing waited for', async () => {
    let stderr = '';
    const io: CliIo = { out: () => undefined, err: (t) => void (stderr += t), isTTY: false, env: {} };
    const code = await run(argv(), io);
    expect(code).toBe(2);
    expect(stderr).toMatch(/Manual: needs a terminal/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  // A real pseudo-terminal (util-linux's script, on every Debian): the process sees a TTY on stdin and stderr.
  it('in a real pseudo-terminal the Enter key is what lets it continue', async () => {
    const cmd = [process.execPath, MAIN, ...argv()].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const sawPrompt = await new Promise<boolean>((resolve) => {
      const giveUp = setTimeout(() => (clearInterval(poll), resolve(false)), 15_000);
      const poll = setInterval(() => {
        if (!out.includes('Press Enter')) return;
        clearInterval(poll);
        clearTimeout(giveUp);
        resolve(true);
      }, 20);
    });
    expect(existsSync(MAIN)).toBe(true);
    expect(sawPrompt).toBe(true);
    // Still waiting: it has not gone on without the key.
    await new Promise((r) => setTimeout(r, 300));
    expect(child.exitCode).toBeNull();
    child.stdin.write('\r');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(out).toContain('_acme-challenge.www.good.test. 120 IN TXT "manual-value-1"');
    expect(code).not.toBeNull();
  }, 30_000);
});
