import type { CodeInfo } from './types.js';

/**
 * DNSSEC as the CA's validating resolver sees it (Boulder bdns: a bogus chain reaches the VA as SERVFAIL,
 * "DNS problem: looking up A for X: DNSSEC: Bogus"). Insecure (unsigned) zones validate normally.
 */
export const DNSSEC_CODES = [
  {
    code: 'DNSSEC_BOGUS_SIGNATURE_EXPIRED',
    severity: 'error',
    title: 'DNSSEC signature expired',
    acmeProblem: 'dns',
    description:
      'An RRSIG on the validation path is past its expiration time, so validating resolvers answer SERVFAIL.',
  },
  {
    code: 'DNSSEC_BOGUS_SIGNATURE_NOT_YET_VALID',
    severity: 'error',
    title: 'DNSSEC signature not yet valid',
    acmeProblem: 'dns',
    description:
      'An RRSIG on the validation path has an inception time in the future (signer clock skew), so it is bogus.',
  },
  {
    code: 'DNSSEC_BOGUS_DS_MISMATCH',
    severity: 'error',
    title: 'DS at the parent matches no DNSKEY',
    acmeProblem: 'dns',
    description:
      'The parent zone publishes DS records, but none matches a DNSKEY the zone serves (stale DS after a key rollover or a provider change).',
  },
  {
    code: 'DNSSEC_BOGUS_DNSKEY_NOT_SIGNED_BY_DS_KEY',
    severity: 'error',
    title: 'DNSKEY set not signed by the key the DS names',
    acmeProblem: 'dns',
    description:
      'The DS matches a DNSKEY, but that key has not signed the DNSKEY RRset, so the chain of trust is broken.',
  },
  {
    code: 'DNSSEC_BOGUS_MISSING_RRSIG',
    severity: 'error',
    title: 'Signed zone serves an unsigned RRset',
    acmeProblem: 'dns',
    description: 'The zone is signed (its parent has a DS) but an RRset on the path comes without an RRSIG.',
  },
  {
    code: 'DNSSEC_BOGUS_ALGORITHM_MISMATCH',
    severity: 'error',
    title: 'DNSSEC algorithm mismatch',
    acmeProblem: 'dns',
    description:
      'The DS or RRSIG names an algorithm the zone has no DNSKEY for (often a half-finished algorithm rollover).',
  },
  {
    code: 'DNSSEC_BOGUS_SIGNATURE',
    severity: 'error',
    title: 'DNSSEC signature does not verify',
    acmeProblem: 'dns',
    description:
      'An RRSIG fails cryptographic verification: the data or keys changed after signing, or nameservers serve different signed copies.',
  },
  {
    code: 'DNSSEC_BOGUS_DENIAL',
    severity: 'error',
    title: 'Missing or wrong proof of non-existence',
    acmeProblem: 'dns',
    description:
      'A negative answer (NXDOMAIN, no data, or no DS) from a signed zone lacks a valid NSEC/NSEC3 proof.',
  },
  {
    code: 'DNSSEC_SIGNATURE_EXPIRING',
    severity: 'warning',
    title: 'DNSSEC signature expires soon',
    description:
      'An RRSIG on the validation path expires within the warning window; if the zone is not re-signed in time, lookups turn bogus.',
  },
  {
    code: 'DNSSEC_NSEC3_ITERATIONS',
    severity: 'warning',
    title: 'NSEC3 iterations above the validator limit',
    description:
      'The zone uses more NSEC3 iterations than RFC 9276 validators accept (150); its negative answers are treated as insecure.',
  },
  {
    code: 'DNSSEC_UNSUPPORTED_ALGORITHM',
    severity: 'info',
    title: 'DNSSEC algorithm not supported by validators',
    description:
      'The DS uses only algorithms or digests validators do not implement (or must not use), so the zone is treated as unsigned.',
  },
  {
    code: 'DNSSEC_INSECURE',
    severity: 'info',
    title: 'Zone is not DNSSEC-signed',
    description:
      'The parent proves there is no DS for the delegation, so answers are insecure; the CA validates them normally.',
  },
  {
    code: 'DNSSEC_INDETERMINATE',
    severity: 'warning',
    title: 'DNSSEC validation could not complete',
    description:
      'A query needed for validation failed (timeout, SERVFAIL, refused), so the chain could not be checked.',
  },
  {
    code: 'DNSSEC_RESOLVER_DISAGREES',
    severity: 'warning',
    title: 'A public validating resolver sees this answer differently',
    description:
      "A public resolver's view (AD bit; SERVFAIL without CD but an answer with CD means it finds the data bogus) differs from our own validation; the CA's resolver may side with it.",
  },
] as const satisfies readonly CodeInfo[];
