import type { CodeInfo } from './types.js';

export const DNS01_CODES = [
  {
    code: 'DNS01_TXT_MISSING',
    severity: 'error',
    title: 'No TXT record at the _acme-challenge name',
    acmeProblem: 'unauthorized',
    description:
      'The CA finds no TXT record at _acme-challenge.<name> (after following CNAMEs), so DNS-01 validation fails.',
  },
  {
    code: 'DNS01_TXT_MISMATCH',
    severity: 'error',
    title: 'The TXT record does not hold the expected value',
    acmeProblem: 'unauthorized',
    description:
      'TXT records exist at _acme-challenge.<name> but none equals the expected base64url SHA-256 digest exactly.',
  },
  {
    code: 'DNS01_LOOKUP_FAILED',
    severity: 'error',
    title: 'The TXT lookup for the _acme-challenge name fails',
    acmeProblem: 'dns',
    description:
      "The CA's resolver gets NXDOMAIN, SERVFAIL or a timeout for the TXT question, which is a `dns` problem.",
  },
  {
    code: 'DNS01_TXT_QUOTED',
    severity: 'error',
    title: 'The TXT value carries literal quote characters',
    acmeProblem: 'unauthorized',
    description:
      'The value was entered with quotes that became part of the data ("\\"abc\\""), so it no longer matches.',
  },
  {
    code: 'DNS01_TXT_SPLIT',
    severity: 'error',
    title: 'The TXT value is split into strings wrongly',
    acmeProblem: 'unauthorized',
    description:
      'The record holds the value in several strings with added characters (e.g. spaces); the CA joins strings with no separator.',
  },
  {
    code: 'DNS01_TXT_DOUBLED_NAME',
    severity: 'error',
    title: 'The TXT record sits under a doubled name',
    acmeProblem: 'unauthorized',
    description:
      'The record was created as _acme-challenge.<name>.<zone> because the control panel appended the zone to a full name.',
  },
  {
    code: 'DNS01_TXT_STALE',
    severity: 'warning',
    title: 'Old TXT values are left at the _acme-challenge name',
    description:
      'Values from earlier validations are still published. Harmless for the CA, but clutter, and some providers cap the number of TXT records.',
  },
  {
    code: 'DNS01_SERVERS_DISAGREE',
    severity: 'warning',
    title: 'The authoritative servers disagree on the TXT records',
    acmeProblem: 'unauthorized',
    description:
      'Not every authoritative server serves the same TXT set; the CA (from several perspectives) may ask one that lacks the value.',
  },
  {
    code: 'DNS01_TXT_FOUND',
    severity: 'info',
    title: 'The expected TXT value is published',
    description: 'A TXT record equal to the expected value is served at the _acme-challenge name.',
  },
  {
    code: 'DNS01_LOOKUP_OK',
    severity: 'info',
    title: 'The _acme-challenge name can be looked up',
    description:
      'The TXT question for _acme-challenge.<name> gets an authoritative answer, so a record placed there can be seen.',
  },
  {
    code: 'DNS01_CNAME_DELEGATED',
    severity: 'info',
    title: 'The _acme-challenge name is delegated by CNAME',
    description:
      'The _acme-challenge name is an alias (acme-dns style); the CA follows it, so the TXT record must be placed at the target.',
  },
  {
    code: 'DNS01_CNAME_DANGLING',
    severity: 'error',
    title: 'The _acme-challenge CNAME points nowhere',
    acmeProblem: 'dns',
    description:
      "The alias target's domain does not exist or its nameservers fail, so the CA's TXT lookup fails.",
  },
  {
    code: 'DNS01_WRONG_PROVIDER',
    severity: 'error',
    title: 'The DNS provider is not the one the world sees',
    acmeProblem: 'unauthorized',
    description:
      "The provider's nameservers for the zone differ from the delegation: records created there are invisible to the CA.",
  },
  {
    code: 'DNS01_PROVIDER_FAILED',
    severity: 'error',
    title: 'The DNS provider could not create the TXT record',
    description: 'The provider API refused or failed the TXT record creation.',
  },
  {
    code: 'DNS01_TEST_RECORD_VISIBLE',
    severity: 'info',
    title: 'A test TXT record reached every authoritative server',
    description:
      'A test value placed through the provider was served by every authoritative server; times are per server.',
  },
  {
    code: 'DNS01_PROPAGATION_TIMEOUT',
    severity: 'error',
    title: 'The TXT record did not reach every authoritative server in time',
    acmeProblem: 'unauthorized',
    description:
      'At least one authoritative server still did not serve the placed value when the wait ended; the CA may ask that server.',
  },
  {
    code: 'DNS01_CLEANUP_FAILED',
    severity: 'warning',
    title: 'The test TXT record could not be removed',
    description:
      'Deleting the record created for the test failed; remove it with `acme-preflight dns01 cleanup --stale`.',
  },
] as const satisfies readonly CodeInfo[];
