/** A real Redis for the queue tests (test/bench/redis-server.ts), and a skip when redis-server is missing. */
import { spawnSync } from 'node:child_process';
import { REDIS_SERVER } from '../bench/redis-server.js';

export { startRedis, freePort, type RedisServer } from '../bench/redis-server.js';

/** Why the queue tests cannot run here, or undefined when they can. */
export function redisMissing(): string | undefined {
  const r = spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' });
  return r.status === 0
    ? undefined
    : 'redis-server not found (apt-get install redis-server): queue tests skipped';
}

/** `describe`, or `describe.skip` with one clear line when redis-server is missing. */
export function describeWithRedis(name: string, fn: () => void): void {
  const missing = redisMissing();
  if (missing) {
    console.warn(missing);
    describe.skip(name, fn);
  } else describe(name, fn);
}
