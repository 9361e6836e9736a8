import type { CodeInfo } from './types.js';

export const PROPAGATION_CODES = [
  {
    code: 'PROPAGATION_STALE_CACHE',
    severity: 'warning',
    title: 'A public resolver still serves old data',
    description:
      "A public resolver's cached answer differs from what the authoritative servers now serve: the record changed recently. Validation may see the old data until the cached answer's TTL runs out.",
  },
  {
    code: 'PROPAGATION_RESOLVERS_DISAGREE',
    severity: 'warning',
    title: 'Public resolvers give different answers',
    description:
      'Public resolvers answer the same question differently and the authoritative servers give no single answer to compare with, so what the CA sees depends on which data its resolver holds.',
  },
  {
    code: 'PROPAGATION_RESOLVER_FAILED',
    severity: 'warning',
    title: 'A public resolver fails where the authoritative servers answer',
    description:
      'A public resolver timed out or returned an error (often SERVFAIL from DNSSEC validation or an unreachable nameserver) while the authoritative servers answer. Evidence only: the CA uses its own resolver, which may meet the same problem.',
  },
] as const satisfies readonly CodeInfo[];
