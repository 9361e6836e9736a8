/** The DnsClient every check shares: cache with in-flight dedup, a global concurrency limit, counters. */
import { setMaxListeners } from 'node:events';
import type { DnsClient } from './api.js';
import type { NetworkProfile } from '../profile.js';
import type { QueryOptions, QueryOutcome, ServerEndpoint } from './types.js';
import { normalizeName } from './names.js';
import { queryOnce, serverLabel, type TransportOptions } from './transport.js';
import { BoundedMap } from './bounded.js';

/**
 * Answers a run keeps. Every question to a server is asked once while its answer is among the most recent
 * this many (what many names share is read often and stays); beyond that a very large run (10,000 names
 * and more) lets each name's own answers go, so its memory stays bounded. A name checked again after
 * thousands of others may then be asked again.
 */
// Measured on 10,000 names: 16,384 answers (and the resolver's memos at 4,096) held some 15 MB more live
// than a quarter of that, and V8 lets the heap grow to about four times what is live before it collects;
// the same queries were sent. Halved again on 2026-12-04 (and the memos): 10,000 names sent 41,609 queries
// against 41,604 and peaked 15 to 30 MB lower. A 100-name order needs about 560.
export const MAX_CACHED_ANSWERS = 4096;

export type QueryFn = (
  server: ServerEndpoint,
  q: { name: string; type: string },
  opts: TransportOptions,
) => Promise<QueryOutcome>;

/** A counting semaphore: at most `limit` tasks run at once. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    // No async wrapper: this runs once per query, and each await is a promise and a microtask.
    if (this.active < this.limit) return this.start(task);
    return new Promise<void>((r) => this.waiting.push(r)).then(() => this.start(task));
  }

  private start<T>(task: () => Promise<T>): Promise<T> {
    this.active++;
    const done = (): void => {
      this.active--;
      this.waiting.shift()?.();
    };
    let p: Promise<T>;
    try {
      p = task();
    } catch (e) {
      done();
      return Promise.reject(e);
    }
    return p.finally(done);
  }
}

export function cacheKey(server: ServerEndpoint, name: string, type: string, opts: QueryOptions): string {
  // One template literal: this runs for every question, cache hits included.
  return `${serverLabel(server)}|${normalizeName(name)}|${type.toUpperCase()}|${opts.rd ? 'rd' : ''},${opts.cd ? 'cd' : ''},${opts.dnssec ? 'do' : ''},${opts.tcp ? 'tcp' : ''},${opts.udpPayload ?? ''},${opts.ednsVersion ?? ''}`;
}

export interface CachingClientOptions {
  /** Replaces the wire transport (tests). */
  queryFn?: QueryFn;
  /** Bound on the answers kept (default MAX_CACHED_ANSWERS). */
  maxCachedAnswers?: number;
}

export class CachingDnsClient implements DnsClient {
  /** Questions put on the wire (cache hits and shared in-flight promises not counted). */
  sent = 0;
  /** Messages put on the wire, retries and TCP fallbacks included. */
  packets = 0;
  /** Questions sent per server, keyed "address:port". */
  readonly perServer = new Map<string, number>();
  private readonly cache: BoundedMap<string, Promise<QueryOutcome>>;
  /** Ends every query still waiting when the run is over (hedged queries nobody needs any more). */
  private readonly abort = new AbortController();
  private readonly limiter: Limiter;
  private readonly queryFn: QueryFn;

  constructor(
    private readonly profile: NetworkProfile,
    options: CachingClientOptions = {},
  ) {
    this.limiter = new Limiter(Math.max(1, profile.concurrency));
    this.cache = new BoundedMap(options.maxCachedAnswers ?? MAX_CACHED_ANSWERS);
    this.queryFn = options.queryFn ?? queryOnce;
    // Every query in flight listens for the end of the run.
    setMaxListeners(0, this.abort.signal);
  }

  /** Abandons every query in flight and refuses new ones: the run has its answer, or is out of time. */
  close(reason = 'the run ended'): void {
    if (!this.abort.signal.aborted) this.abort.abort(new Error(reason));
  }

  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  query(server: ServerEndpoint, name: string, type: string, opts: QueryOptions = {}): Promise<QueryOutcome> {
    const key = cacheKey(server, name, type, opts);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const label = serverLabel(server);
    const p = this.limiter.run(() => {
      if (this.abort.signal.aborted) {
        const reason = (this.abort.signal.reason as Error).message;
        return Promise.resolve<QueryOutcome>({
          ok: false,
          failure: {
            server: label,
            question: { name: normalizeName(name), type: type.toUpperCase() },
            kind: 'aborted',
            message: `not asked: ${reason}`,
            rttMs: 0,
          },
        });
      }
      this.sent++;
      this.perServer.set(label, (this.perServer.get(label) ?? 0) + 1);
      return this.queryFn(
        server,
        { name, type },
        {
          timeoutMs: this.profile.timeouts.dnsQueryMs,
          retries: this.profile.timeouts.dnsRetries,
          ...opts,
          signal: this.abort.signal,
          onSend: () => this.packets++,
        },
      );
    });
    this.cache.set(key, p);
    return p;
  }

  /** Questions sent to one server ("address:port" or an endpoint). */
  sentTo(server: ServerEndpoint | string): number {
    return this.perServer.get(typeof server === 'string' ? server : serverLabel(server)) ?? 0;
  }
}
