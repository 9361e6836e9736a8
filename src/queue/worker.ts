/**
 * `startWorker()`: takes checks off the queue and runs `preflight()` for each, on this machine's network.
 * A check that completed is a result (whatever its findings); bad input is a result too, never retried;
 * only the infrastructure (DNS blocked, Redis gone) is retried. A worker that dies mid-check loses nothing:
 * its lock expires and BullMQ gives the job to another worker; the result key is written once.
 */
import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job, type RedisOptions } from 'bullmq';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { preflight, type EvidenceKept } from '../engine/preflight.js';
import { rememberedProbe, type RootProber } from '../engine/root-probe.js';
import { FAMILY_NAMES } from '../engine/registry.js';
import type { NetworkProfile } from '../profile.js';
import { CHALLENGE_TYPES } from '../report/finding.js';
import type { Report } from '../report/report.js';
import {
  DEFAULT_PREFIX,
  MAX_NAMES_PER_JOB,
  QUEUE_NAME,
  queueKeys,
  type CheckJobData,
  type CheckProgressData,
  type CheckResult,
} from './jobs.js';
import { ResultStore } from './results.js';
import { redact } from './url.js';

export interface StartWorkerOptions {
  connection: RedisOptions;
  /** Checks run at once by this worker (default 4). */
  concurrency?: number;
  /** The network checks use (default: the real internet's); never taken from a job. */
  profile?: NetworkProfile;
  /** Redis key prefix shared by the fleet (default acme-preflight). */
  prefix?: string;
  /** A job whose worker sent no heartbeat for this long is given to another worker (default 30 s). */
  stalledAfterMs?: number;
  /** One line per event worth an operator's eye; secrets are already redacted. */
  log?: (line: string) => void;
  /** Strings never to print (the Redis password). */
  secrets?: readonly string[];
}

export interface QueueWorker {
  /** `host:pid`, written into every result this worker stores. */
  readonly id: string;
  /** Resolves once connected to Redis and taking jobs. */
  ready(): Promise<void>;
  /** Stops taking jobs and waits for the running ones (force: abandon them to other workers). */
  close(force?: boolean): Promise<void>;
}

const jobSchema = z
  .object({
    requestId: z.string().min(1).max(200),
    names: z.array(z.string().min(1).max(300)).min(1).max(MAX_NAMES_PER_JOB),
    challenge: z.enum(CHALLENGE_TYPES as [string, ...string[]]),
    ca: z.string().min(1).max(253).optional(),
    accountUri: z.string().min(1).max(1000).optional(),
    skip: z
      .array(z.enum(FAMILY_NAMES as [string, ...string[]]))
      .max(FAMILY_NAMES.length)
      .optional(),
    evidence: z.enum(['all', 'problems', 'none']).optional(),
    timeoutMs: z.number().int().min(1000).max(3_600_000).optional(),
    resultTtlS: z
      .number()
      .int()
      .min(1)
      .max(30 * 86400),
    createdAt: z.string().max(40),
  })
  .strict();

class TimedOut extends Error {}

export async function startWorker(opts: StartWorkerOptions): Promise<QueueWorker> {
  const id = `${hostname()}:${process.pid}`;
  const secrets = opts.secrets ?? [];
  const log = throttled((line) => opts.log?.(redact(line, secrets)));
  const store = new ResultStore(opts.connection, queueKeys(opts.prefix ?? DEFAULT_PREFIX), (e) =>
    log(`redis: ${e.message}`),
  );
  const stalled = opts.stalledAfterMs ?? 30_000;
  const deps: Deps = { store, id, profile: opts.profile, probe: rememberedProbe() };
  const worker = new Worker<CheckJobData, { written: boolean }>(QUEUE_NAME, (job) => processJob(job, deps), {
    connection: { ...opts.connection },
    prefix: opts.prefix ?? DEFAULT_PREFIX,
    concurrency: opts.concurrency ?? 4,
    lockDuration: stalled,
    stalledInterval: stalled,
    maxStalledCount: 1,
    autorun: true,
  });
  worker.on('error', (e) => log(`queue: ${e.message}`));
  worker.on('failed', (job, e) => {
    if (job) log(`job ${job.id} failed (attempt ${job.attemptsMade}): ${e.message}`);
  });
  let closing: Promise<void> | undefined;
  let connected = false;
  const ready = worker.waitUntilReady().then(() => void (connected = true));
  ready.catch(() => undefined);
  return {
    id,
    ready: () => ready,
    close(force = false) {
      closing ??= (async () => {
        // Never connected (Redis away, wrong password): there is nothing to finish, so do not wait for it.
        await worker.close(force || !connected);
        await store.close();
      })();
      return closing;
    },
  };
}

interface Deps {
  store: ResultStore;
  id: string;
  profile?: NetworkProfile;
  /** One per worker: a passed root probe holds across jobs (each job is one preflight()). */
  probe: RootProber;
}

async function processJob(job: Job<CheckJobData>, deps: Deps): Promise<{ written: boolean }> {
  const jobId = job.id!;
  // A retry after the result was written (the worker died just after): nothing left to do.
  if (await deps.store.get(jobId)) return { written: false };
  const parsed = jobSchema.safeParse(job.data);
  if (!parsed.success) {
    const why = parsed.error.issues[0];
    const message = `Bad job: ${why ? `${why.path.join('.') || 'data'}: ${why.message}` : 'invalid data'}`;
    await writeFailure(job, deps, message, emptyProgress(0));
    throw new UnrecoverableError(message);
  }
  const data = parsed.data as CheckJobData;
  const progress = emptyProgress(new Set(data.names).size);
  let report: Report;
  try {
    report = await runCheck(job, data, deps, progress);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError) {
      await writeFailure(job, deps, `Bad input: ${message}`, progress);
      throw new UnrecoverableError(message);
    }
    if (e instanceof TimedOut) return { written: await writeFailure(job, deps, message, progress) };
    // The infrastructure: retried with backoff; the last try leaves a failed result for the readers.
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1))
      await writeFailure(job, deps, `The check could not run: ${message}`, progress).catch(() => false);
    throw e;
  }
  const written = await deps.store.writeOnce(
    { ...resultBase(job, deps, progress), status: 'done', report: keepEvidence(report, data.evidence) },
    data.resultTtlS,
  );
  return { written };
}

async function runCheck(
  job: Job<CheckJobData>,
  data: CheckJobData,
  { profile, probe }: Deps,
  progress: CheckProgressData,
): Promise<Report> {
  const abort = new AbortController();
  const limit = data.timeoutMs;
  const timer =
    limit === undefined
      ? undefined
      : setTimeout(
          () => abort.abort(new TimedOut(`The check timed out after ${Math.round(limit / 1000)} s.`)),
          limit,
        );
  try {
    return await preflight(data.names, {
      ...(profile ? { profile } : {}),
      challenge: data.challenge,
      ca: data.ca,
      accountUri: data.accountUri,
      skip: data.skip,
      signal: abort.signal,
      probeRoot: probe,
      onProgress: (p) => {
        progress.done = p.done;
        progress.total = p.total;
        progress.finished.push({ identifier: p.identifier, verdict: p.verdict });
        // Live progress for serve's page; a lost update is harmless (the result has the final state).
        if (data.names.length > 1) job.updateProgress(structuredClone(progress)).catch(() => undefined);
      },
    });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** The request's options as the job gave them, when they are what they should be (kept for serve's view). */
function request(data: Partial<CheckJobData> | undefined): Partial<CheckResult> {
  const ok = jobSchema.safeParse(data);
  if (!ok.success) return {};
  const d = ok.data as CheckJobData;
  return {
    challenge: d.challenge,
    ...(d.ca ? { ca: d.ca } : {}),
    ...(d.accountUri ? { accountUri: d.accountUri } : {}),
    ...(d.skip ? { skip: d.skip } : {}),
  };
}

const emptyProgress = (total: number): CheckProgressData => ({ done: 0, total, finished: [] });

function resultBase(job: Job<CheckJobData>, deps: Deps, progress: CheckProgressData) {
  const now = Date.now();
  const ttl = typeof job.data?.resultTtlS === 'number' ? job.data.resultTtlS : 3600;
  return {
    jobId: job.id!,
    requestId: String(job.data?.requestId ?? job.id),
    names: Array.isArray(job.data?.names) ? job.data.names.slice(0, MAX_NAMES_PER_JOB).map(String) : [],
    ...request(job.data),
    progress,
    createdAt: String(job.data?.createdAt ?? new Date(job.timestamp).toISOString()),
    finishedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttl * 1000).toISOString(),
    started: job.attemptsStarted ?? job.attemptsMade + 1,
    worker: deps.id,
  };
}

function writeFailure(
  job: Job<CheckJobData>,
  deps: Deps,
  error: string,
  progress: CheckProgressData,
): Promise<boolean> {
  const result: CheckResult = { ...resultBase(job, deps, progress), status: 'failed', error };
  const ttl = typeof job.data?.resultTtlS === 'number' ? job.data.resultTtlS : 3600;
  return deps.store.writeOnce(result, ttl);
}

/** As preflightStream(): what the caller did not ask for is not stored (default: problems keep evidence). */
function keepEvidence(report: Report, keep: EvidenceKept = 'problems'): Report {
  if (keep === 'all') return report;
  const trim = (f: Report['orderFindings'][number]) =>
    keep === 'none' || f.severity === 'info' ? { ...f, evidence: [] } : f;
  return {
    ...report,
    orderFindings: report.orderFindings.map(trim),
    identifiers: report.identifiers.map((i) => ({ ...i, findings: i.findings.map(trim) })),
  };
}

/** The same line at most once per 10 s: a Redis outage is reported, not repeated every second. */
function throttled(out: (line: string) => void): (line: string) => void {
  const last = new Map<string, number>();
  return (line) => {
    const now = Date.now();
    if ((last.get(line) ?? 0) > now - 10_000) return;
    if (last.size > 100) last.clear();
    last.set(line, now);
    out(line);
  };
}
