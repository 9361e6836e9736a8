/**
 * One cause, one error: when every nameserver of the name's zone fails (or none has an address, or every
 * one fails a query type the CA asks), each of
 * the CA's lookups in it fails the same way, and each family would report it as its own error. The first
 * of them (registry order: the CA's first error) stays the error; the others become notes that point to it.
 * Pure.
 */
import type { Finding, FindingCode } from '../report/finding.js';

/** Findings that say the zone's servers give the CA nothing at all. */
const ZONE_DEAD: ReadonlySet<FindingCode> = new Set([
  'DELEGATION_ALL_LAME',
  'DELEGATION_QUERY_TYPE_FAILS',
  'DELEGATION_EDNS_UNSUPPORTED',
  'DELEGATION_DO_DROPPED',
  'DNS_NO_NAMESERVERS',
]);

/** Lookup failures that follow from a dead zone, whichever family noticed them. */
const CONSEQUENCES: ReadonlySet<FindingCode> = new Set([
  'DNS_SERVFAIL',
  'DNS_REFUSED',
  'DNS_TIMEOUT',
  'DNS_NO_NAMESERVERS',
  'DNS01_LOOKUP_FAILED',
  'CAA_LOOKUP_FAILED',
  'PERSIST01_LOOKUP_FAILED',
  'DELEGATION_ALL_LAME',
  'DELEGATION_QUERY_TYPE_FAILS',
  'DELEGATION_NS_NO_ADDRESS',
  'DELEGATION_EDNS_UNSUPPORTED',
  'DELEGATION_DO_DROPPED',
  'DNSSEC_INDETERMINATE',
]);

const deadZone = (f: Finding): boolean =>
  f.severity === 'error' &&
  (ZONE_DEAD.has(f.code) || (f.code === 'DELEGATION_NS_NO_ADDRESS' && f.severity === 'error'));

export function oneErrorPerCause(findings: Finding[]): Finding[] {
  if (!findings.some(deadZone)) return findings;
  const root = findings.find((f) => f.severity === 'error' && CONSEQUENCES.has(f.code));
  if (!root) return findings;
  return findings.map((f) => {
    if (f === root || f.severity === 'info' || !CONSEQUENCES.has(f.code)) return f;
    // NXDOMAIN is an answer, not a dead server: it has a cause of its own.
    if (/NXDOMAIN/.test(f.caMessage ?? '')) return f;
    const note: Finding = {
      ...f,
      severity: 'info',
      title: `${f.title} (follows from ${root.code})`,
      detail: `Follows from ${root.code} (${root.title}): ${f.detail}`,
      remediation: `Fix ${root.code} first: ${root.remediation}`,
    };
    delete note.acmeProblem;
    delete note.caMessage;
    return note;
  });
}
