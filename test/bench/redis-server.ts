/**
 * A real Redis for the queue tests and the benchmark: Debian's redis-server on a free loopback port, in a
 * temp dir, no snapshots unless asked (`persist`: an append-only file fsynced on every write, so a restart
 * keeps all). No jest here: the benchmark uses it too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = 'redis-server';

export interface RedisServer {
  port: number;
  url: string;
  /** The running server's process ID. */
  readonly pid: number | undefined;
  /** Stops it (SIGTERM: a clean shutdown that flushes the append-only file). */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startRedis(opts: { persist?: boolean; password?: string } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'queue-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  const args = (): string[] => [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    opts.persist ? 'yes' : 'no',
    ...(opts.persist ? ['--appendfsync', 'always'] : []),
    ...(opts.password ? ['--requirepass', opts.password] : []),
    '--loglevel',
    'notice',
  ];
  const launch = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const c = spawn(REDIS_SERVER, args(), { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let out = '';
      const timer = setTimeout(() => {
        c.kill('SIGKILL');
        reject(new Error(`redis-server did not start: ${out}`));
      }, 10_000);
      c.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/Ready to accept connections/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${out.slice(-500)}`));
      });
      c.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new Error(
            e.code === 'ENOENT'
              ? `${REDIS_SERVER} not found: install Debian's redis-server (listed in ci/e2e-packages.txt)`
              : `${REDIS_SERVER} did not start: ${e.message}`,
          ),
        );
      });
    });
  // A port found free may be taken before redis binds it: try a few.
  for (let i = 0; ; i++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (e) {
      if (i >= 2) throw e;
    }
  }
  const stop = async (): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid;
    },
    stop,
    start: launch,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
