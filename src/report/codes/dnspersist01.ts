import type { CodeInfo } from './types.js';

/** dns-persist-01 as the CA judges it (draft-ietf-acme-dns-persist, Boulder va/dns_persist.go). */
export const DNSPERSIST01_CODES = [
  {
    code: 'PERSIST01_AUTHORISED',
    severity: 'info',
    title: 'The standing record authorises this account',
    description:
      'A well-formed record at _validation-persist.<name> names this CA and this account (and policy=wildcard for a wildcard, and no past persistUntil). This is the record the CA reads, so the outcome is proven, not predicted.',
  },
  {
    code: 'PERSIST01_LOOKUP_FAILED',
    severity: 'error',
    title: 'The TXT lookup for the _validation-persist name fails',
    acmeProblem: 'dns',
    description:
      "The CA's resolver gets NXDOMAIN (no record was ever published there), SERVFAIL or a timeout for TXT _validation-persist.<name>: a `dns` problem.",
  },
  {
    code: 'PERSIST01_NO_RECORD',
    severity: 'error',
    title: 'No TXT record at the _validation-persist name',
    acmeProblem: 'unauthorized',
    description:
      'The name exists but holds no TXT record: `No TXT record found for DNS-PERSIST-01 challenge`.',
  },
  {
    code: 'PERSIST01_OTHER_ISSUER',
    severity: 'error',
    title: 'The _validation-persist records are for other CAs',
    acmeProblem: 'unauthorized',
    description:
      "TXT records exist, but none names this CA's issuer domain (after normalisation) or none can be read as an issue-value; the CA ignores them all: `No valid TXT record found for DNS-PERSIST-01 challenge`.",
  },
  {
    code: 'PERSIST01_MALFORMED',
    severity: 'error',
    title: 'The record for this CA is malformed',
    acmeProblem: 'malformed',
    description:
      'A record naming this CA breaks the grammar: no or empty accounturi, a duplicate accounturi/policy/persistUntil, an empty parameter or trailing `;`, a parameter without `=`, a value with a space, control or non-ASCII character, or a persistUntil that is not a decimal integer. Malformed records for this CA win over every other failure.',
  },
  {
    code: 'PERSIST01_ACCOUNT_MISMATCH',
    severity: 'error',
    title: 'The record authorises another ACME account',
    acmeProblem: 'unauthorized',
    description:
      'The accounturi of the record for this CA is not exactly the account URL (compared byte for byte, no case folding): `accounturi mismatch`.',
  },
  {
    code: 'PERSIST01_WILDCARD_POLICY_MISSING',
    severity: 'error',
    title: 'A wildcard needs policy=wildcard in the record',
    acmeProblem: 'unauthorized',
    description:
      'For *.<name> the record must carry policy=wildcard (any letter case); without it, or with another value, it authorises only <name> itself: `policy mismatch`.',
  },
  {
    code: 'PERSIST01_EXPIRED',
    severity: 'error',
    title: 'The record is past its persistUntil',
    acmeProblem: 'unauthorized',
    description:
      'persistUntil (Unix seconds) lies before the validation time, so the record no longer authorises anything: `validation time ... is after persistUntil ...`.',
  },
  {
    code: 'PERSIST01_EXPIRING',
    severity: 'warning',
    title: 'The record stops authorising within 30 days',
    description:
      'persistUntil falls within 30 days: renewals after that date fail unless the record is renewed. The date is in the finding.',
  },
  {
    code: 'PERSIST01_SEVERAL_RECORDS',
    severity: 'info',
    title: 'Several records at the _validation-persist name',
    description:
      'More than one TXT record is published; the CA accepts the first one for this CA that authorises. The finding says which one that is and why each other one is ignored or fails.',
  },
  {
    code: 'PERSIST01_SERVERS_DISAGREE',
    severity: 'error',
    title: 'Not every authoritative server serves the authorising record',
    acmeProblem: 'unauthorized',
    description:
      'Some nameservers of the zone lack the record that authorises; the CA asks from several perspectives and fails on a server without it.',
  },
] as const satisfies readonly CodeInfo[];
