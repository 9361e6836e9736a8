/**
 * A lookup the CA's validating resolver finds bogus reaches the CA as SERVFAIL (CA-RULES "Resolution"), so
 * no other family may call it fine: their "works" findings for that lookup give way to the DNSSEC error,
 * which already carries the CA's message. Pure, over the bundle's DNSSEC evidence.
 */
import type { Finding, FindingCode } from '../report/finding.js';
import type { DnssecEvidence } from '../checks/dnssec/gather.js';
import type { EvidenceBundle } from './evidence.js';

/** Findings that say the CA's lookup of this type works, by the type they rest on. */
const FINE_BY_TYPE: Record<string, readonly FindingCode[]> = {
  TXT: ['DNS01_LOOKUP_OK', 'DNS01_TXT_FOUND', 'DNS01_TEST_RECORD_VISIBLE', 'PERSIST01_AUTHORISED'],
  CAA: ['CAA_AUTHORIZED', 'CAA_NO_RELEVANT_RECORDS', 'CAA_NONE'],
  ADDRESS: ['DNS_RESOLVED', 'HTTP01_OK', 'TLSALPN01_READY', 'TLSALPN01_VALID'],
};

/** The lookup types the chain makes unusable for the CA: TXT, CAA, and ADDRESS when no family is left. */
export function bogusLookupTypes(ev: DnssecEvidence): Set<string> {
  const out = new Set<string>();
  const address = ev.lookups.filter((l) => l.type === 'A' || l.type === 'AAAA');
  for (const l of ev.lookups)
    if (l.result.status === 'bogus' && l.type !== 'A' && l.type !== 'AAAA') out.add(l.type);
  // The CA needs one address family: the name is unusable only if every family is bogus or empty.
  const usable = address.some(
    (l) =>
      l.result.status === 'insecure' ||
      l.result.status === 'indeterminate' ||
      (l.result.status === 'secure' && l.result.records.length > 0),
  );
  if (address.length > 0 && address.some((l) => l.result.status === 'bogus') && !usable) out.add('ADDRESS');
  return out;
}

export function withoutBogusSuccess(findings: Finding[], bundle: EvidenceBundle): Finding[] {
  const got = Object.prototype.hasOwnProperty.call(bundle, 'dnssec') ? bundle['dnssec'] : undefined;
  if (!got || !('evidence' in got)) return findings;
  const types = bogusLookupTypes(got.evidence as DnssecEvidence);
  if (types.size === 0) return findings;
  const drop = new Set<string>([...types].flatMap((t) => FINE_BY_TYPE[t] ?? []));
  return findings.filter((f) => !drop.has(f.code));
}

/**
 * Every server of the zone drops what the CA's resolver always sends (EDNS, the DO bit): our own lookups,
 * sent without DO, may still work, but the CA gets no answer, so nothing it reads there is called fine.
 */
const UNREACHABLE_TO_CA: ReadonlySet<FindingCode> = new Set([
  'DELEGATION_EDNS_UNSUPPORTED',
  'DELEGATION_DO_DROPPED',
]);

export function withoutUnreachableSuccess(findings: Finding[]): Finding[] {
  if (!findings.some((f) => f.severity === 'error' && UNREACHABLE_TO_CA.has(f.code))) return findings;
  const drop = new Set<string>(Object.values(FINE_BY_TYPE).flat());
  return findings.filter((f) => !drop.has(f.code));
}
