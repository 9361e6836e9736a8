/** acme-preflight's library API. */
export {
  preflight,
  preflightStream,
  parseIdentifiers,
  DEFAULT_ISSUER_DOMAIN,
  type PreflightOptions,
  type PreflightStreamOptions,
  type PreflightProgress,
  type StreamedReport,
  type EvidenceKept,
} from './engine/preflight.js';
export { defaultProfile, withProfile, type NetworkProfile } from './profile.js';
export type { Finding, Evidence, Severity, Verdict, Challenge } from './report/finding.js';
export { SCHEMA_VERSION, EXIT, type Report, type IdentifierReport } from './report/report.js';
export { allCodes, codeInfo, isFindingCode, type CodeInfo, type FindingCode } from './report/catalogue.js';
export { renderText } from './report/render/text.js';
export { renderJson } from './report/render/json.js';
export { renderMarkdown, escapeMarkdown } from './report/render/markdown.js';
export type { Identifier } from './identifiers.js';
export { UsageError } from './errors.js';
export {
  withPreflight,
  PreflightChallengeError,
  type WithPreflightOptions,
  type PreflightChallengeFns,
  type AcmeAuthorization,
  type AcmeChallenge,
} from './acme/with-preflight.js';
export {
  acmeDryRun,
  formatDryRun,
  type AcmeDryRunOptions,
  type DryRunResult,
  type DryRunIdentifier,
} from './acme/dry-run.js';
export { createProvider, listProviders } from '../providers/registry.js';
export type { DnsProvider, RecordHandle } from '../providers/types.js';
export { RecordStore } from './solve/store.js';
export {
  persistRecords,
  applyPersistRecord,
  type PersistRecord,
  type PersistRecordOptions,
  type ApplyPersistOptions,
  type AppliedPersistRecord,
} from './solve/persist-record.js';
export { accountLabel, accountChallengeName } from './checks/dns01/account.js';
export {
  enqueueChecks,
  startWorker,
  parseQueueUrl,
  type EnqueueChecksOptions,
  type EnqueuedChecks,
  type QueuedCheckResult,
  type StartWorkerOptions,
  type QueueWorker,
} from './queue/index.js';
