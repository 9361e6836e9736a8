/** What a queued check is (job data), what it leaves behind (its result), and where both live in Redis. */
import { createHash, randomBytes } from 'node:crypto';
import type { EvidenceKept } from '../engine/preflight.js';
import type { Challenge } from '../report/finding.js';
import type { Report } from '../report/report.js';

/** The BullMQ queue every producer and worker of one Redis shares (one `--prefix` per fleet). */
export const QUEUE_NAME = 'checks';
export const DEFAULT_PREFIX = 'acme-preflight';
/** Names one job may hold: one ACME order's worth. */
export const MAX_NAMES_PER_JOB = 100;
/** How long results (and finished jobs) are kept by default. */
export const DEFAULT_RESULT_TTL_S = 3600;
/** Tries per job: the first run and two retries, only for errors of the infrastructure. */
export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 2000;

export interface CheckJobData {
  /** The request this job belongs to (a serve check id, or the enqueueChecks() call). */
  requestId: string;
  names: string[];
  challenge: Challenge;
  ca?: string;
  accountUri?: string;
  skip?: string[];
  /** Evidence kept in the stored report (default 'problems'; serve keeps 'all'). */
  evidence?: EvidenceKept;
  /** The check ends as failed, "timed out", after this long. */
  timeoutMs?: number;
  /** Seconds the result is kept. */
  resultTtlS: number;
  createdAt: string;
}

export interface CheckProgressData {
  done: number;
  total: number;
  finished: { identifier: string; verdict: Report['verdict'] }[];
}

/** A job's outcome, written once (SET NX) by whichever worker finished it first. */
export interface CheckResult {
  jobId: string;
  requestId: string;
  names: string[];
  challenge?: Challenge;
  ca?: string;
  accountUri?: string;
  skip?: string[];
  status: 'done' | 'failed';
  report?: Report;
  /** Why a failed check has no report: bad input, timed out, could not run after its retries. */
  error?: string;
  progress: CheckProgressData;
  createdAt: string;
  finishedAt: string;
  expiresAt: string;
  /** How many times a worker started this job (more than 1 after a retry or a dead worker). */
  started: number;
  /** `host:pid` of the worker that wrote it. */
  worker: string;
}

/** An id nobody can guess (a permalink's only key). */
export const newRequestId = (): string => randomBytes(16).toString('base64url');

/**
 * One job per name of a request: the same request and name always give the same job id, so enqueueing
 * again adds nothing and the result is keyed once. Hashed: a name may hold ':' (IPv6), which BullMQ refuses.
 */
export const jobIdFor = (requestId: string, name: string): string =>
  `${requestId}.${createHash('sha256').update(name).digest('base64url').slice(0, 22)}`;

export interface QueueKeys {
  result(jobId: string): string;
  /** The job ids of a request in the order their results were written (each once). */
  done(requestId: string): string;
}

export const queueKeys = (prefix: string): QueueKeys => ({
  result: (jobId) => `${prefix}:${QUEUE_NAME}:result:${jobId}`,
  done: (requestId) => `${prefix}:${QUEUE_NAME}:done:${requestId}`,
});
