/** DNSSEC validator: public API. */
export { validateChain, expiringSignatures } from './chain.js';
export type {
  ChainResult,
  ChainOptions,
  DnssecFetch,
  FetchResponse,
  BogusReason,
  BogusCode,
  InsecureReason,
  SignatureInfo,
  ZoneKeys,
} from './chain.js';
export { parseTrustAnchors, parseAnchorLine, readTrustAnchorFile, type TrustAnchor } from './anchors.js';
export {
  verifyRrsig,
  keyTag,
  dsDigest,
  dsMatches,
  parseDnskey,
  parseDs,
  publicKeyFrom,
  serialToDate,
  isSupportedAlgorithm,
  ALG,
} from './verify.js';
export type { VerifyResult, VerifyFailure, VerifyInput } from './verify.js';
export {
  canonicalRdata,
  canonicalRR,
  compareNames,
  signedData,
  parseRrsig,
  labelCount,
  MAX_RRSET_RECORDS,
} from './canonical.js';
export {
  parseRR,
  parseRRHex,
  encodeRR,
  fromDnsRecord,
  toDnsRecord,
  nameToWire,
  wireToName,
  type WireRR,
} from './wire.js';
export {
  NSEC3_MAX_ITERATIONS,
  nsec3Hash,
  proveNameErrorNsec3,
  proveNoDataNsec3,
  type DenialResult,
} from './nsec3.js';
export { proveNameErrorNsec, proveNoDataNsec, nsecCovers } from './nsec.js';
export { makeResolverFetch, type ResolverFetchOptions } from './fetch.js';
