/** Checks on a BullMQ queue in Redis: producers enqueue, workers on any number of machines run them. */
export {
  enqueueChecks,
  CheckQueue,
  type EnqueueChecksOptions,
  type EnqueuedChecks,
  type QueuedCheckResult,
  type QueueConnectionOptions,
  type JobOptions,
} from './enqueue.js';
export { startWorker, type StartWorkerOptions, type QueueWorker } from './worker.js';
export { parseQueueUrl, redact, type QueueTarget } from './url.js';
export {
  jobIdFor,
  newRequestId,
  queueKeys,
  DEFAULT_PREFIX,
  DEFAULT_RESULT_TTL_S,
  MAX_NAMES_PER_JOB,
  QUEUE_NAME,
  type CheckJobData,
  type CheckResult,
  type CheckProgressData,
} from './jobs.js';
