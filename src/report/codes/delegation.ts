import type { CodeInfo } from './types.js';

export const DELEGATION_CODES = [
  {
    code: 'DELEGATION_ALL_LAME',
    severity: 'error',
    title: 'No authoritative server answers properly',
    acmeProblem: 'dns',
    description:
      "Every nameserver of the zone failed a question the CA asks (REFUSED, SERVFAIL, timeout, no AA bit or an upward referral), so the CA's resolver gets SERVFAIL or a timeout and validation fails with a dns problem.",
  },
  {
    code: 'DELEGATION_LAME_SERVER',
    severity: 'warning',
    title: 'A nameserver is lame',
    acmeProblem: 'dns',
    description:
      "One nameserver of the zone does not answer authoritatively. The CA's resolver retries the others, but if it hits the lame one first it may wait for a timeout and the lookup can fail.",
  },
  {
    code: 'DELEGATION_QUERY_TYPE_FAILS',
    severity: 'warning',
    title: 'A query type fails where the zone is served',
    acmeProblem: 'dns',
    description:
      "A nameserver answers the zone's SOA (and other questions) authoritatively but refuses, drops or fails one query type the CA asks, often CAA or AAAA (old software, a proxy or a firewall). An error when every server fails a type the CA reads; a warning for one server, which the CA's resolver may ask first.",
  },
  {
    code: 'DELEGATION_TCP_FAILS',
    severity: 'warning',
    title: 'A nameserver does not answer over TCP',
    acmeProblem: 'dns',
    description:
      "A nameserver answers over UDP but not over TCP (RFC 7766 requires both). The CA's resolver retries over TCP when a UDP answer is truncated (a large TXT, CAA or DNSSEC-signed set), and that lookup then fails.",
  },
  {
    code: 'DELEGATION_EDNS_UNSUPPORTED',
    severity: 'warning',
    title: 'A nameserver drops or mangles EDNS queries',
    acmeProblem: 'dns',
    description:
      "A nameserver answers a query without EDNS but drops one with an EDNS OPT record, or answers it FORMERR or another error (RFC 6891; Zonemaster EDNS tests). The CA's resolver sends EDNS on every query and, since DNS Flag Day 2019, takes a silent server for dead: an error when every server drops EDNS queries, a warning for one.",
  },
  {
    code: 'DELEGATION_DO_DROPPED',
    severity: 'warning',
    title: 'A nameserver drops queries with the DNSSEC OK bit',
    acmeProblem: 'dns',
    description:
      "A nameserver answers EDNS queries, but not those with the DO bit set (often a firewall or a DNS proxy). The CA's validating resolver sets DO on every query, so its lookups to that server time out: an error when every server drops them, a warning for one.",
  },
  {
    code: 'DELEGATION_EDNS_NO_BADVERS',
    severity: 'info',
    title: 'A nameserver ignores the EDNS version',
    description:
      'Asked with EDNS version 1, a nameserver answers as if it were version 0 (or not at all) instead of BADVERS (RFC 6891 §6.1.3; Zonemaster EDNS04). It does not affect the CA today, which sends version 0, but it will break resolvers once a new EDNS version is used.',
  },
  {
    code: 'DELEGATION_NS_MISMATCH',
    severity: 'warning',
    title: 'The NS set at the parent differs from the zone',
    description:
      "The nameservers listed at the registrar (the parent zone's referral) are not the ones the zone itself lists at its apex. Resolvers may use either set, so a stale or missing server is reached by some of them.",
  },
  {
    code: 'DELEGATION_NS_NO_ADDRESS',
    severity: 'warning',
    title: 'A nameserver name has no address',
    acmeProblem: 'dns',
    description:
      'A nameserver of the zone has no A or AAAA record (and no glue), so no resolver can ask it. When no nameserver has an address the zone cannot be resolved at all.',
  },
  {
    code: 'DELEGATION_SOA_SERIAL_MISMATCH',
    severity: 'warning',
    title: 'Nameservers serve different SOA serials',
    description:
      'The authoritative servers do not serve the same version of the zone: a change still propagating, or a secondary that stopped transferring from the primary. (Multi-provider setups may use unrelated serials.)',
  },
  {
    code: 'DELEGATION_SERVERS_DISAGREE',
    severity: 'warning',
    title: 'Authoritative servers give different answers',
    description:
      "The zone's nameservers answer the same question differently (a change still propagating, or a forgotten secondary). The CA asks one of them, so it may see either answer.",
  },
  {
    code: 'DELEGATION_SINGLE_NS',
    severity: 'warning',
    title: 'The zone has a single nameserver',
    description:
      'Only one nameserver serves the zone (RFC 1034 §4.1 and RFC 2182 ask for at least two): if it is down or slow, every lookup the CA makes fails.',
  },
  {
    code: 'DELEGATION_SAME_SUBNET',
    severity: 'warning',
    title: 'All nameservers share one network',
    description:
      'Every nameserver address lies in one IPv4 /24 (or IPv6 /48): one network outage or routing problem takes the whole zone down (RFC 2182 §3.1).',
  },
] as const satisfies readonly CodeInfo[];
