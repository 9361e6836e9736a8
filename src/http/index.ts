/** CA-faithful HTTP-01 fetch and TLS probes over pinned addresses. */
export * from './constants.js';
export {
  checkRedirect,
  parseTarget,
  targetPort,
  isRedirectStatus,
  type RedirectRule,
  type RedirectDecision,
  type FetchTarget,
} from './redirect.js';
export {
  fetchLikeCa,
  challengeUrl,
  problemForOutcome,
  attemptEvidence,
  type ResolveAddresses,
  type ResolvedAddresses,
  type Http01Result,
  type Http01Attempt,
  type Http01Problem,
  type FetchDeps,
  type FetchOptions,
  type ProblemType,
} from './fetch.js';
export {
  rawGet,
  ResponseReader,
  CONNECT_FAILURES,
  type RawOutcome,
  type RawRequest,
  type RawResponse,
} from './raw.js';
export { tlsHandshake, type TlsHandshakeRequest, type TlsHandshakeResult, type TlsOutcome } from './tls.js';
export { CDN_RANGES, cdnForAddress, cdnForHeaders, type CdnRanges } from './cdn-ranges.js';
