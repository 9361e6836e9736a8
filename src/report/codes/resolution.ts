import type { CodeInfo } from './types.js';

export const RESOLUTION_CODES = [
  {
    code: 'DNS_NXDOMAIN',
    severity: 'error',
    title: 'The name does not exist in DNS',
    acmeProblem: 'dns',
    description:
      'The authoritative servers answer NXDOMAIN for the name: the CA cannot find an address for it.',
  },
  {
    code: 'DNS_NO_ADDRESS',
    severity: 'error',
    title: 'The name has no A or AAAA record',
    acmeProblem: 'dns',
    description: 'The name exists but has neither an A nor an AAAA record, so the CA has nowhere to connect.',
  },
  {
    code: 'DNS_SERVFAIL',
    severity: 'error',
    title: 'The nameservers fail to answer for the name',
    acmeProblem: 'dns',
    description:
      "Every authoritative server failed (SERVFAIL, not authoritative or malformed): the CA's resolver returns SERVFAIL.",
  },
  {
    code: 'DNS_REFUSED',
    severity: 'error',
    title: 'The nameservers refuse to answer for the name',
    acmeProblem: 'dns',
    description:
      "The authoritative servers answer REFUSED (zone not loaded, or queries not allowed from outside): the CA's resolver gets no answer and returns SERVFAIL.",
  },
  {
    code: 'DNS_TIMEOUT',
    severity: 'error',
    title: 'The nameservers do not answer',
    acmeProblem: 'dns',
    description: 'No authoritative server answered in time: the CA reports a DNS timeout.',
  },
  {
    code: 'DNS_CNAME_DANGLING',
    severity: 'error',
    title: 'A CNAME points to a name that does not exist',
    acmeProblem: 'dns',
    description: 'The name is an alias whose target is NXDOMAIN (a removed CDN, load balancer or bucket).',
  },
  {
    code: 'DNS_CNAME_LOOP',
    severity: 'error',
    title: 'CNAME records form a loop',
    acmeProblem: 'dns',
    description:
      'Following the CNAME chain returns to a name already visited: no resolver can finish the lookup.',
  },
  {
    code: 'DNS_CNAME_CHAIN_TOO_LONG',
    severity: 'error',
    title: 'The CNAME chain is too long',
    acmeProblem: 'dns',
    description:
      "The chain has more CNAMEs than the CA's resolver follows (Unbound's max-query-restarts, 11), so the lookup ends in SERVFAIL.",
  },
  {
    code: 'DNS_NO_NAMESERVERS',
    severity: 'error',
    title: 'The zone has no reachable nameserver',
    acmeProblem: 'dns',
    description: "None of the zone's nameserver names resolves to an address.",
  },
  {
    code: 'DNS_FAMILY_FAILED',
    severity: 'warning',
    title: 'One address family fails to resolve',
    description:
      'The A or the AAAA lookup fails while the other works; the CA validates over the family that works, but other clients may not.',
  },
  {
    code: 'ADDRESS_RESERVED',
    severity: 'warning',
    title: 'The name has a reserved address the CA ignores',
    description:
      'Some of the addresses are private or special-purpose (RFC 1918, loopback, link-local...). The CA drops them and uses the others.',
  },
  {
    code: 'ADDRESS_ONLY_RESERVED',
    severity: 'error',
    title: 'The name resolves only to reserved addresses',
    acmeProblem: 'dns',
    description:
      'Every address is private or special-purpose. The CA refuses to connect to them, so HTTP-01 and TLS-ALPN-01 fail.',
  },
  {
    code: 'DNS_RESOLVED',
    severity: 'info',
    title: 'The name resolves',
    description: 'The addresses the CA would use, and the one it tries first.',
  },
] as const satisfies readonly CodeInfo[];
