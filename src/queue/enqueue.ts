/**
 * The producer side: `CheckQueue` adds check jobs and reads their results; `enqueueChecks()` is the
 * library's one call (a job per name, a stream of results as workers anywhere finish them).
 */
import { Queue, QueueEvents, type RedisOptions } from 'bullmq';
import { UsageError } from '../errors.js';
import { parseIdentifiers, type EvidenceKept } from '../engine/preflight.js';
import type { Challenge } from '../report/finding.js';
import type { IdentifierReport } from '../report/report.js';
import {
  DEFAULT_ATTEMPTS,
  DEFAULT_BACKOFF_MS,
  DEFAULT_PREFIX,
  DEFAULT_RESULT_TTL_S,
  QUEUE_NAME,
  jobIdFor,
  newRequestId,
  queueKeys,
  type CheckJobData,
  type CheckProgressData,
  type CheckResult,
} from './jobs.js';
import { ResultStore } from './results.js';
import { parseQueueUrl, redact } from './url.js';

export interface QueueConnectionOptions {
  /** `redis://[user:password@]host[:port][/db]`, or BullMQ connection options. */
  queue: string | RedisOptions;
  /** Redis key prefix shared by the fleet (default acme-preflight). */
  prefix?: string;
  /** Called with connection errors (redacted); the producer keeps retrying meanwhile. */
  onError?: (message: string) => void;
}

export interface JobOptions {
  /** Tries per job; only infrastructure errors are retried (default 3). */
  attempts?: number;
  /** First retry delay; doubles each retry (default 2000 ms). */
  backoffMs?: number;
}

export type QueueEvent =
  { type: 'progress'; jobId: string; progress: CheckProgressData } | { type: 'ended'; jobId: string };

/** Adds jobs and reads results; one per producer process (serve --queue holds one). */
export class CheckQueue {
  readonly queue: Queue;
  readonly results: ResultStore;
  readonly secrets: readonly string[];
  private events?: QueueEvents;
  private readonly listeners = new Set<(e: QueueEvent) => void>();
  private readonly connection: RedisOptions;
  private readonly prefix: string;
  private readonly onError: (e: Error) => void;

  constructor(opts: QueueConnectionOptions) {
    const target = typeof opts.queue === 'string' ? parseQueueUrl(opts.queue) : undefined;
    const connection = target?.connection ?? (opts.queue as RedisOptions);
    this.secrets = target?.secrets ?? (connection.password ? [String(connection.password)] : []);
    const onError = (e: Error): void => opts.onError?.(redact(e.message, this.secrets));
    const prefix = opts.prefix ?? DEFAULT_PREFIX;
    this.queue = new Queue(QUEUE_NAME, { connection: { ...connection }, prefix });
    this.queue.on('error', onError);
    this.results = new ResultStore(connection, queueKeys(prefix), onError);
    this.connection = connection;
    this.prefix = prefix;
    this.onError = onError;
  }

  /** Live progress and ends of every job (one event stream per producer, shared by its listeners). */
  subscribe(listener: (e: QueueEvent) => void): () => void {
    if (!this.events) {
      const ev = new QueueEvents(QUEUE_NAME, { connection: { ...this.connection }, prefix: this.prefix });
      ev.on('error', this.onError);
      const emit = (e: QueueEvent): void => this.listeners.forEach((l) => l(e));
      ev.on('progress', ({ jobId, data }) => {
        if (data && typeof data === 'object')
          emit({ type: 'progress', jobId, progress: data as CheckProgressData });
      });
      ev.on('completed', ({ jobId }) => emit({ type: 'ended', jobId }));
      ev.on('failed', ({ jobId }) => emit({ type: 'ended', jobId }));
      this.events = ev;
    }
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Adds the jobs (a job id already in the queue is left as it is: adding twice adds once). */
  async add(jobs: { id: string; data: CheckJobData }[], opts: JobOptions = {}): Promise<void> {
    for (let i = 0; i < jobs.length; i += 1000) {
      await this.queue.addBulk(
        jobs.slice(i, i + 1000).map(({ id, data }) => ({
          name: 'check',
          data,
          opts: {
            jobId: id,
            attempts: opts.attempts ?? DEFAULT_ATTEMPTS,
            backoff: { type: 'exponential', delay: opts.backoffMs ?? DEFAULT_BACKOFF_MS },
            // Finished jobs go when their results do; the result key is what readers use.
            removeOnComplete: { age: data.resultTtlS },
            removeOnFail: { age: data.resultTtlS },
          },
        })),
      );
    }
  }

  /** What a job is doing now: its state and live progress (undefined: no such job, or removed). */
  async state(
    jobId: string,
  ): Promise<{ state: string; data: CheckJobData; progress?: CheckProgressData } | undefined> {
    const job = await this.queue.getJob(jobId);
    if (!job) return undefined;
    const state = await job.getState();
    const p = job.progress;
    return {
      state,
      data: job.data as CheckJobData,
      ...(p && typeof p === 'object' ? { progress: p as CheckProgressData } : {}),
    };
  }

  async counts(): Promise<{ running: number; queued: number }> {
    const c = await this.queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
    return { running: c.active ?? 0, queued: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) };
  }

  /**
   * A job that failed without a result (it stalled more often than allowed, or vanished) still ends for
   * its readers: a failed result is written for it, once, like any other.
   */
  async settleLost(jobId: string, requestId: string, ttlS: number): Promise<void> {
    const job = await this.queue.getJob(jobId);
    const state = job ? await job.getState() : 'unknown';
    if (state !== 'failed' && state !== 'unknown') return;
    if (await this.results.get(jobId)) return;
    const now = Date.now();
    await this.results.writeOnce(
      {
        jobId,
        requestId,
        names: Array.isArray(job?.data?.names) ? job.data.names : [],
        status: 'failed',
        error: `The check could not run: ${job?.failedReason || 'the job is no longer in the queue'}`,
        progress: { done: 0, total: 0, finished: [] },
        createdAt: new Date(job?.timestamp ?? now).toISOString(),
        finishedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + ttlS * 1000).toISOString(),
        started: job?.attemptsStarted ?? 0,
        worker: '',
      },
      ttlS,
    );
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.queue.close(), this.results.close(), this.events?.close()]);
  }
}

export interface EnqueueChecksOptions extends QueueConnectionOptions, JobOptions {
  challenge?: Challenge;
  /** CAA issuer domain (default letsencrypt.org). */
  ca?: string;
  accountUri?: string;
  skip?: string[];
  /** Evidence kept in each stored report, as preflightStream() (default 'problems'). */
  evidence?: EvidenceKept;
  /** A name's check ends as failed, "timed out", after this long (default: its name deadline only). */
  timeoutMs?: number;
  /** Seconds results are kept in Redis (default 3600). */
  resultTtlS?: number;
  /** Your own id for this batch: enqueueing the same id and names again adds no job. Default: random. */
  requestId?: string;
}

/** One name's outcome from the queue. */
export interface QueuedCheckResult {
  jobId: string;
  /** The name as given. */
  name: string;
  status: 'done' | 'failed';
  /** The name's report (as `report.identifiers[0]` of preflight()) when done. */
  report?: IdentifierReport;
  error?: string;
  /** `host:pid` of the worker that wrote it, and how many times a worker started the job. */
  worker: string;
  started: number;
  finishedAt: string;
}

export interface EnqueuedChecks {
  requestId: string;
  /** One job per unique name, in the order given. */
  jobs: { id: string; name: string }[];
  /**
   * Each job's result once, in the order results were written, until every job has one. Results already
   * written are read first, so a reader may start late (within the results' time-to-live).
   */
  results(opts?: { signal?: AbortSignal; pollMs?: number }): AsyncGenerator<QueuedCheckResult, void>;
  close(): Promise<void>;
}

/**
 * Enqueues a check per name (names are parsed first: a bad one throws UsageError and nothing is added).
 * Workers (`acme-preflight worker`, or startWorker()) on any machine run them with their own network.
 */
export async function enqueueChecks(
  names: readonly string[],
  opts: EnqueueChecksOptions,
): Promise<EnqueuedChecks> {
  const ids = parseIdentifiers(names);
  const requestId = opts.requestId ?? newRequestId();
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(requestId))
    throw new UsageError('requestId must be 1 to 100 letters, digits, - or _');
  const unique = [...new Map(ids.map((i) => [i.value, i])).values()];
  const ttl = opts.resultTtlS ?? DEFAULT_RESULT_TTL_S;
  const createdAt = new Date().toISOString();
  const jobs = unique.map((i) => ({ id: jobIdFor(requestId, i.value), name: i.input }));
  const q = new CheckQueue(opts);
  try {
    await q.add(
      jobs.map((j) => ({
        id: j.id,
        data: {
          requestId,
          names: [j.name],
          challenge: opts.challenge ?? 'http-01',
          ...(opts.ca ? { ca: opts.ca } : {}),
          ...(opts.accountUri ? { accountUri: opts.accountUri } : {}),
          ...(opts.skip?.length ? { skip: opts.skip } : {}),
          evidence: opts.evidence ?? 'problems',
          ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
          resultTtlS: ttl,
          createdAt,
        },
      })),
      opts,
    );
  } catch (e) {
    await q.close();
    throw e;
  }
  return {
    requestId,
    jobs,
    results: (r = {}) => readResults(q, requestId, jobs, ttl, r),
    close: () => q.close(),
  };
}

/** How long no new result may arrive before the pending jobs are looked at (a lost job must end too). */
const IDLE_SWEEP_MS = 15_000;

async function* readResults(
  q: CheckQueue,
  requestId: string,
  jobs: { id: string; name: string }[],
  ttlS: number,
  opts: { signal?: AbortSignal; pollMs?: number },
): AsyncGenerator<QueuedCheckResult, void> {
  const pending = new Map(jobs.map((j) => [j.id, j.name]));
  let offset = 0;
  let lastNew = Date.now();
  while (pending.size > 0) {
    opts.signal?.throwIfAborted();
    let ids: string[];
    let results: (CheckResult | undefined)[];
    try {
      ids = await q.results.doneSince(requestId, offset);
      results = await Promise.all(ids.filter((id) => pending.has(id)).map((id) => q.results.get(id)));
    } catch {
      // Redis away (restarting): the results are still there when it is back.
      await sleep(1000, opts.signal);
      continue;
    }
    offset += ids.length;
    const mine = ids.filter((id) => pending.has(id));
    for (const [i, r] of results.entries()) {
      const id = mine[i]!;
      const name = pending.get(id)!;
      pending.delete(id);
      if (r) yield toQueued(r, name);
    }
    if (ids.length > 0) lastNew = Date.now();
    else if (Date.now() - lastNew > IDLE_SWEEP_MS) {
      lastNew = Date.now();
      // Read the list from its start again: a Redis that lost its data starts it anew.
      offset = 0;
      for (const id of [...pending.keys()].slice(0, 200)) await q.settleLost(id, requestId, ttlS);
    } else await sleep(opts.pollMs ?? 100, opts.signal);
  }
}

function toQueued(r: CheckResult, name: string): QueuedCheckResult {
  return {
    jobId: r.jobId,
    name,
    status: r.status,
    ...(r.report?.identifiers[0] ? { report: r.report.identifiers[0] } : {}),
    ...(r.error ? { error: r.error } : {}),
    worker: r.worker,
    started: r.started,
    finishedAt: r.finishedAt,
  };
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
