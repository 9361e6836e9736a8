/** A real Redis for the queue tests (test/bench/redis-server.ts); a missing redis-server fails them, never skips. */
export { startRedis, freePort, type RedisServer } from '../bench/redis-server.js';
