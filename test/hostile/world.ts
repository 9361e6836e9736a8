/**
 * A small hostile internet on loopback for the table-driven hostile suite: a lab root and `test` zone
 * (127.19.0.1, 127.19.0.2) that delegate to hostile DNS servers, plus hostile HTTP and TLS listeners, all
 * on addresses under 127.19.0.0/16. Every TCP connect and UDP send is traced so a test can prove that
 * nothing outside the world was contacted.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import ipaddr from 'ipaddr.js';
import { expect, jest } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { scenarioSchema } from '../../src/lab/scenario.js';
import type { NetworkProfile } from '../../src/profile.js';
import type { Report } from '../../src/report/report.js';
import { renderText } from '../../src/report/render/text.js';
import { renderMarkdown } from '../../src/report/render/markdown.js';
import { renderJson } from '../../src/report/render/json.js';
import { annotate } from '../../src/github/action.js';
import { hostileDns, type Script } from './servers.js';

export const ROOT = '127.19.0.1';
export const TEST_NS = '127.19.0.2';

export interface Target {
  proto: 'tcp' | 'udp';
  host: string;
  port: number;
}

/**
 * Records the destination of every TCP connect and every UDP send by the code under test (the loopback
 * guard of test/setup still runs after it). Sends from sockets bound to a specific address are the
 * world's own servers replying, and are left out.
 */
export function traceSockets(): { targets(): Target[]; restore(): void } {
  const targets: Target[] = [];
  const connect = net.Socket.prototype.connect;
  const send = dgram.Socket.prototype.send;
  const c = jest.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (
    this: net.Socket,
    ...args: unknown[]
  ) {
    // net.connect() hands Socket#connect its normalised arguments as one array.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    if (typeof first === 'number')
      targets.push({ proto: 'tcp', host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first });
    else if (first && typeof first === 'object' && !('path' in first)) {
      const o = first as { host?: string; port?: number };
      targets.push({ proto: 'tcp', host: String(o.host ?? 'localhost'), port: Number(o.port) });
    }
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as never);
  const u = jest.spyOn(dgram.Socket.prototype, 'send').mockImplementation(function (
    this: dgram.Socket,
    ...args: unknown[]
  ) {
    let bound = '';
    try {
      bound = this.address().address;
    } catch {
      // not bound yet: a client socket
    }
    if (bound === '' || bound === '0.0.0.0' || bound === '::') {
      // send(msg, [offset, length,] port, address, cb)
      const i = args.findIndex((x, j) => j > 0 && typeof x === 'string');
      targets.push({ proto: 'udp', host: String(args[i]), port: Number(args[i - 1]) });
    }
    return (send as (...a: unknown[]) => void).apply(this, args);
  } as never);
  return {
    targets: () => [...targets],
    restore: () => {
      c.mockRestore();
      u.mockRestore();
    },
  };
}

const canonical = (a: string): string => (ipaddr.isValid(a) ? ipaddr.process(a).toString() : a);

/** Destinations that are not one of the world's own listening addresses. */
export function forbidden(targets: Iterable<Target>, world: readonly string[]): Target[] {
  const own = new Set(world.map(canonical));
  return [...targets].filter((t) => !own.has(canonical(t.host)));
}

export interface HostileServer {
  address: string;
  /** Runs for every UDP datagram (DNS) received. */
  udp?: Script;
  /** Runs for every TCP connection accepted on the DNS port. */
  tcp?: (c: net.Socket) => void;
}

export interface WorldOptions {
  /** Records of the `test` zone (delegations and glue to the hostile servers, plain names). */
  records: string[];
  dns?: HostileServer[];
  /** Listeners on the world's HTTP port, one per address. */
  http?: { address: string; onConn: (c: net.Socket) => void }[];
  /** Listeners on the world's TLS port, one per address. */
  tls?: { address: string; onConn: (c: net.Socket) => void }[];
}

export interface World {
  lab: Lab;
  profile: NetworkProfile;
  /** Every address the world listens on. */
  addresses: string[];
  stop(): Promise<void>;
}

/** Short timeouts so a whole table runs in seconds; the per-name deadline bounds every row. */
export const NAME_DEADLINE_MS = 4000;
export const TIMEOUTS = {
  dnsQueryMs: 500,
  dnsRetries: 1,
  httpDialMs: 400,
  httpTotalMs: 1500,
  nameDeadlineMs: NAME_DEADLINE_MS,
};

const soa = (z: string): string => `${z}. 300 IN SOA ns.${z}. hostmaster.${z}. 1 7200 3600 1209600 300`;

async function listenAll(
  entries: { address: string; onConn: (c: net.Socket) => void }[],
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const servers: net.Server[] = [];
  const conns = new Set<net.Socket>();
  let chosen = port;
  for (const e of entries) {
    const s = net.createServer((c) => {
      conns.add(c);
      c.on('close', () => conns.delete(c));
      c.on('error', () => undefined);
      e.onConn(c);
    });
    servers.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(chosen, e.address, () => resolve());
    });
    chosen = (s.address() as net.AddressInfo).port;
  }
  return {
    port: chosen,
    close: async () => {
      for (const c of conns) c.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

export async function startWorld(opts: WorldOptions): Promise<World> {
  const lab = await startLab(
    scenarioSchema.parse({
      servers: [
        { name: 'a.root', address: ROOT, zones: ['.'] },
        { name: 'ns.test', address: TEST_NS, zones: ['test'] },
      ],
      zones: {
        '.': {
          records: [
            '. 300 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300',
            '. 300 IN NS a.root.',
            `a.root. 300 IN A ${ROOT}`,
            'test. 300 IN NS ns.test.',
            `ns.test. 300 IN A ${TEST_NS}`,
          ],
        },
        test: {
          records: [soa('test'), 'test. 300 IN NS ns.test.', `ns.test. 300 IN A ${TEST_NS}`, ...opts.records],
        },
      },
      web: [],
    }),
  );
  const closers: (() => Promise<void>)[] = [];
  const addresses = [ROOT, TEST_NS];
  try {
    for (const h of opts.dns ?? []) {
      addresses.push(h.address);
      if (h.udp) {
        const s = await hostileDns(h.udp, h.address, lab.port);
        closers.push(() => s.close());
      }
      if (h.tcp) {
        const s = await listenAll([{ address: h.address, onConn: h.tcp }], lab.port);
        closers.push(() => s.close());
      }
    }
    const web = await listenAll(opts.http ?? [], 0);
    closers.push(() => web.close());
    const tls = await listenAll(opts.tls ?? [], 0);
    closers.push(() => tls.close());
    for (const e of [...(opts.http ?? []), ...(opts.tls ?? [])]) addresses.push(e.address);
    const profile: NetworkProfile = {
      ...lab.profile,
      publicResolvers: [],
      // Unused ports when a world has no listeners of that kind: a connect there is refused at once.
      httpPort: web.port || 9,
      tlsPort: tls.port || 9,
      timeouts: { ...lab.profile.timeouts, ...TIMEOUTS },
    };
    return {
      lab,
      profile,
      addresses,
      stop: async () => {
        await Promise.all(closers.map((c) => c()));
        await lab.stop();
      },
    };
  } catch (e) {
    await Promise.all(closers.map((c) => c()));
    await lab.stop();
    throw e;
  }
}

/**
 * Runs the tasks at most n at a time. The rows' timing (500 ms DNS timeouts, a 400 ms-late server) must
 * hold on a loaded two-core machine too: a hundred rows at once made the slow ones time out at random.
 */
export async function inPool<T>(tasks: (() => Promise<T>)[], n = 8): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return out;
}

/** What one row cost: wall time and heap growth. */
export interface Cost<T> {
  value: T;
  ms: number;
  heapGrowth: number;
}

export async function measure<T>(run: () => Promise<T>): Promise<Cost<T>> {
  const heap = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const value = await run();
  return { value, ms: performance.now() - t0, heapGrowth: process.memoryUsage().heapUsed - heap };
}

/** Anything that ends a line, moves the cursor or changes text direction (see forged-output.test.ts). */
export const UNSAFE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Every renderer's output for a report, one string per line-oriented rendering. */
export function renderings(report: Report): Record<string, string> {
  const notes: string[] = [];
  const core = {
    error: (m: string | Error, p?: { title?: string }) => void notes.push(`${p?.title}|${String(m)}`),
    warning: (m: string | Error, p?: { title?: string }) => void notes.push(`${p?.title}|${String(m)}`),
  };
  annotate(core, report);
  return {
    text: renderText(report, { colour: false }),
    'text -v': renderText(report, { colour: false, verbose: true }),
    markdown: renderMarkdown(report),
    json: renderJson(report),
    annotations: notes.map((n) => n.replace('\n', ' ')).join('\n'),
  };
}

/** The report ends in findings, not a crash: no stack trace, no "undefined", no unsafe character in any rendering. */
export function expectWellFormed(report: Report, forged?: string): void {
  for (const [, out] of Object.entries(renderings(report))) {
    expect(out).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(out).not.toMatch(/\bundefined\b|\bNaN\b|\[object Object\]/);
    for (const line of out.split('\n')) {
      expect(line).not.toMatch(UNSAFE);
      if (forged) expect(line.trimStart().startsWith(forged)).toBe(false);
    }
  }
}

export const MAIN = new URL('../../dist/src/cli/main.js', import.meta.url).pathname;

/**
 * Preloaded into the built CLI: records every TCP connect and UDP send target and, at exit, prints them
 * with the program's own peak RSS (VmHWM) on one stderr line starting HOSTILE_TRACE.
 */
const PRELOAD = `
import { readFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
const targets = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'number') targets.push({ proto: 'tcp', host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first });
  else if (first && typeof first === 'object' && !('path' in first)) targets.push({ proto: 'tcp', host: String(first.host ?? 'localhost'), port: Number(first.port) });
  return connect.apply(this, args);
};
const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function (...args) {
  const i = args.findIndex((x, j) => j > 0 && typeof x === 'string');
  targets.push({ proto: 'udp', host: String(args[i]), port: Number(args[i - 1]) });
  return send.apply(this, args);
};
// VmHWM is this program's own peak: getrusage's maxRSS also holds the parent's RSS at fork, kept across exec.
const peakKb = () => {
  try {
    const m = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {}
  return process.resourceUsage().maxRSS;
};
process.on('exit', () => {
  process.stderr.write('\\nHOSTILE_TRACE ' + JSON.stringify({ maxRssKb: peakKb(), targets }) + '\\n');
});
`;

export interface ChildRun {
  code: number | null;
  stdout: string;
  /** stderr without the trace line. */
  stderr: string;
  ms: number;
  /** Killed at killAfterMs: it did not end by itself. */
  killed: boolean;
  maxRssKb: number;
  targets: Target[];
}

/** Runs the built CLI (dist/) as a user would, with the trace preloaded; killed if it outlives killAfterMs. */
export async function builtCli(
  args: string[],
  killAfterMs: number,
  env: Record<string, string> = {},
): Promise<ChildRun> {
  const { spawn } = await import('node:child_process');
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(PRELOAD)}`, MAIN, ...args],
    { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', NO_COLOR: '1', ...env }, stdio: 'pipe' },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, killAfterMs);
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  clearTimeout(timer);
  const m = /\nHOSTILE_TRACE (.*)\n/.exec(stderr);
  const trace = m ? (JSON.parse(m[1]!) as { maxRssKb: number; targets: Target[] }) : undefined;
  return {
    code,
    stdout,
    stderr: stderr.replace(/\nHOSTILE_TRACE .*\n/, ''),
    ms: performance.now() - t0,
    killed,
    maxRssKb: trace?.maxRssKb ?? Number.NaN,
    targets: trace?.targets ?? [],
  };
}
