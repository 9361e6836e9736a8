/**
 * Results in Redis: one key per job, written once (SET NX) with a time-to-live, and a list per request of
 * the job ids in the order their results were written, which readers page through.
 */
import { RedisConnection, type RedisOptions } from 'bullmq';
import type { CheckResult, QueueKeys } from './jobs.js';

type Client = Awaited<RedisConnection['client']>;

const WRITE_ONCE = 'acmePreflightWriteResultOnce';
// Atomic: the result and its place in the request's list appear together, or (already written) neither.
const WRITE_ONCE_LUA = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  redis.call('RPUSH', KEYS[2], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  return 1
end
return 0`;

/** Result ids read per round trip when paging a request's list. */
const PAGE = 500;

export class ResultStore {
  private readonly conn: RedisConnection;
  private defined = false;

  constructor(
    connection: RedisOptions,
    private readonly keys: QueueKeys,
    onError: (e: Error) => void,
  ) {
    // Not a blocking connection: commands fail after ioredis's retries instead of waiting forever.
    this.conn = new RedisConnection({ ...connection }, { blocking: false });
    this.conn.on('error', onError);
  }

  private async client(): Promise<Client> {
    const c = await this.conn.client;
    if (!this.defined) {
      c.defineCommand(WRITE_ONCE, { numberOfKeys: 2, lua: WRITE_ONCE_LUA });
      this.defined = true;
    }
    return c;
  }

  /** Writes the result unless one is there already; true when this call wrote it. */
  async writeOnce(result: CheckResult, ttlS: number): Promise<boolean> {
    const c = await this.client();
    const args = [
      this.keys.result(result.jobId),
      this.keys.done(result.requestId),
      JSON.stringify(result),
      String(Math.max(1, Math.round(ttlS))),
      result.jobId,
    ];
    return Number(await c.runCommand(WRITE_ONCE, args)) === 1;
  }

  async get(jobId: string): Promise<CheckResult | undefined> {
    const raw = await (await this.client()).get(this.keys.result(jobId));
    return raw ? (JSON.parse(raw) as CheckResult) : undefined;
  }

  /** Job ids of a request whose results were written, from position `from` on (at most one page). */
  async doneSince(requestId: string, from: number): Promise<string[]> {
    return (await this.client()).lrange(this.keys.done(requestId), from, from + PAGE - 1);
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
