/**
 * The scenario corpus: each case is one name in the e2e stack (test/e2e/stack/zones.sh, up.sh), judged
 * twice: by acme-preflight (which must predict Let's Encrypt, i.e. Boulder, per CA-RULES.md) and by a
 * real order at Pebble. `le` is the documented Let's Encrypt outcome; `pebble` is Pebble's own. Where
 * the two CAs differ (CA-RULES "Pebble differs from Boulder"), `differs` says why.
 */

export type CaseChallenge = 'http-01' | 'dns-01';
export type CaseVerdict = 'pass' | 'fail';

export interface LeExpectation {
  verdict: CaseVerdict;
  /** Finding codes acceptable as acme-preflight's first error (when failing). */
  codes?: string[];
  /** ACME problem type Let's Encrypt returns, without the urn prefix. */
  type?: string;
  /** Let's Encrypt's error text, matched against the first error's caMessage. */
  detail?: RegExp;
  /** Codes that must be among acme-preflight's findings (why it passes). */
  includes?: string[];
}

export interface PebbleExpectation {
  verdict: CaseVerdict;
  type?: string;
  detail?: RegExp;
}

export interface CorpusCase {
  id: string;
  title: string;
  challenge: CaseChallenge;
  /** The identifier ordered; `{tag}` is replaced by a per-run tag (names in the dynamic zone). */
  identifier: string;
  /**
   * DNS-01: TXT records to publish through RFC 2136 before validating, given the correct value.
   * `at` defaults to `_acme-challenge.<name>`; `{tag}` is replaced as in the identifier.
   */
  txt?: { at?: string; values: (correct: string) => (string | string[])[] };
  /** DNS-01: other records to add in the same update (presentation form; `{tag}` replaced). */
  extraRecords?: { name: string; type: string; data: string }[];
  le: LeExpectation;
  pebble: PebbleExpectation;
  /** Why Pebble's verdict or cause legitimately differs from Let's Encrypt's (CA-RULES last section). */
  differs?: string;
}

/** Pebble (Go's resolver through unbound) on any failed A/AAAA lookup: NXDOMAIN, no data, SERVFAIL. */
const RESOLVE_FAIL = /could not resolve URL/;

export interface PebbleCause {
  type: string;
  detail: RegExp;
}

/**
 * What Pebble reports for the cause behind each of acme-preflight's codes, per challenge. Used for
 * the cases where both CAs agree: acme-preflight's first error must name Pebble's cause. Pebble has
 * no `dns` or `caa` type (CA-RULES): its HTTP-01 resolver failures are `connection` problems, its
 * DNS-01 lookup failures `unauthorized`.
 */
export const PEBBLE_CAUSES: Record<string, Partial<Record<CaseChallenge, PebbleCause>>> = {
  DNS_NXDOMAIN: { 'http-01': { type: 'connection', detail: RESOLVE_FAIL } },
  DNS_NO_ADDRESS: { 'http-01': { type: 'connection', detail: RESOLVE_FAIL } },
  HTTP01_NO_ADDRESSES: { 'http-01': { type: 'connection', detail: RESOLVE_FAIL } },
  DNS_CNAME_DANGLING: { 'http-01': { type: 'connection', detail: RESOLVE_FAIL } },
  DNS_SERVFAIL: {
    'http-01': { type: 'connection', detail: RESOLVE_FAIL },
    'dns-01': { type: 'unauthorized', detail: /^Error retrieving TXT records for DNS challenge/ },
  },
  DNS_REFUSED: {
    'http-01': { type: 'connection', detail: RESOLVE_FAIL },
    'dns-01': { type: 'unauthorized', detail: /^Error retrieving TXT records for DNS challenge/ },
  },
  DNS_FAMILY_FAILED: { 'http-01': { type: 'connection', detail: RESOLVE_FAIL } },
  DELEGATION_ALL_LAME: {
    'http-01': { type: 'connection', detail: RESOLVE_FAIL },
    'dns-01': { type: 'unauthorized', detail: /^Error retrieving TXT records for DNS challenge/ },
  },
  DNSSEC_BOGUS_SIGNATURE_EXPIRED: {
    'http-01': { type: 'connection', detail: RESOLVE_FAIL },
    'dns-01': { type: 'unauthorized', detail: /^Error retrieving TXT records for DNS challenge/ },
  },
  HTTP01_CONNECTION_REFUSED: { 'http-01': { type: 'connection', detail: /connect: connection refused/ } },
  HTTP01_BAD_STATUS: {
    'http-01': { type: 'unauthorized', detail: /^Non-200 status code from HTTP: .* returned 404$/ },
  },
  HTTP01_CATCH_ALL: {
    'http-01': {
      type: 'unauthorized',
      detail: /^The key authorization file from the server did not match this challenge/,
    },
  },
  HTTP01_WRONG_BODY: {
    'http-01': {
      type: 'unauthorized',
      detail: /^The key authorization file from the server did not match this challenge/,
    },
  },
  HTTP01_REDIRECT_INVALID: { 'http-01': { type: 'connection', detail: /stopped after 10 redirects/ } },
  DNS01_LOOKUP_FAILED: {
    'dns-01': { type: 'unauthorized', detail: /^Error retrieving TXT records for DNS challenge/ },
  },
  DNS01_TXT_MISSING: {
    'dns-01': { type: 'unauthorized', detail: /^No TXT records found for DNS challenge/ },
  },
  DNS01_TXT_MISMATCH: {
    'dns-01': { type: 'unauthorized', detail: /^Correct value not found for DNS challenge/ },
  },
  DNS01_TXT_SPLIT: {
    'dns-01': { type: 'unauthorized', detail: /^Correct value not found for DNS challenge/ },
  },
  DNS01_TXT_QUOTED: {
    'dns-01': { type: 'unauthorized', detail: /^Correct value not found for DNS challenge/ },
  },
};

export const CASES: CorpusCase[] = [
  // --- HTTP-01 ----------------------------------------------------------------------------------
  {
    id: 'http-good',
    title: 'HTTP-01: webroot vhost serves the key authorization',
    challenge: 'http-01',
    identifier: 'www.web.test',
    le: { verdict: 'pass', includes: ['HTTP01_OK'] },
    pebble: { verdict: 'pass' },
  },
  {
    id: 'http-nxdomain',
    title: 'HTTP-01: name does not exist (NXDOMAIN)',
    challenge: 'http-01',
    identifier: 'nope.web.test',
    le: {
      verdict: 'fail',
      codes: ['DNS_NXDOMAIN'],
      type: 'dns',
      detail: /^DNS problem: NXDOMAIN looking up A for nope\.web\.test - check that a DNS record exists/,
    },
    pebble: { verdict: 'fail', type: 'connection', detail: RESOLVE_FAIL },
  },
  {
    id: 'http-mx-only',
    title: 'HTTP-01: name has only an MX record, no address',
    challenge: 'http-01',
    identifier: 'mxonly.web.test',
    le: {
      verdict: 'fail',
      codes: ['DNS_NO_ADDRESS', 'HTTP01_NO_ADDRESSES'],
      type: 'dns',
      detail:
        /no valid A records found for mxonly\.web\.test; no valid AAAA records found for mxonly\.web\.test/,
    },
    pebble: { verdict: 'fail', type: 'connection', detail: RESOLVE_FAIL },
  },
  {
    id: 'http-dangling-cname',
    title: 'HTTP-01: CNAME to a name that does not exist',
    challenge: 'http-01',
    identifier: 'dangling.web.test',
    le: { verdict: 'fail', codes: ['DNS_CNAME_DANGLING', 'DNS_NXDOMAIN'], type: 'dns', detail: /NXDOMAIN/ },
    pebble: { verdict: 'fail', type: 'connection', detail: RESOLVE_FAIL },
  },
  {
    id: 'http-cname-chain',
    title: 'HTTP-01: CNAME chain across zones (signed web.test to unsigned good.test) to the webroot',
    challenge: 'http-01',
    identifier: 'chain.web.test',
    le: { verdict: 'pass', includes: ['HTTP01_OK'] },
    pebble: { verdict: 'pass' },
  },
  {
    id: 'http-insecure-alias',
    title: 'HTTP-01: CNAME inside an unsigned zone',
    challenge: 'http-01',
    identifier: 'alias.good.test',
    le: { verdict: 'pass', includes: ['HTTP01_OK'] },
    pebble: { verdict: 'pass' },
  },
  {
    id: 'http-reserved-only',
    title: 'HTTP-01: the only address is reserved (10.0.0.1)',
    challenge: 'http-01',
    identifier: 'private.web.test',
    le: {
      verdict: 'fail',
      codes: ['ADDRESS_ONLY_RESERVED', 'HTTP01_NO_ADDRESSES'],
      type: 'dns',
      detail: /no valid A records found for private\.web\.test/,
    },
    pebble: {
      verdict: 'fail',
      type: 'connection',
      detail: /dial tcp 10\.0\.0\.1:80: connect: network is unreachable/,
    },
    differs:
      'Pebble does not drop reserved addresses: it dials 10.0.0.1 and fails to connect (connection), where Boulder never connects (dns).',
  },
  {
    id: 'http-404',
    title: 'HTTP-01: the challenge path answers 404',
    challenge: 'http-01',
    identifier: 'notfound.web.test',
    le: {
      verdict: 'fail',
      codes: ['HTTP01_BAD_STATUS'],
      type: 'unauthorized',
      detail: /Invalid response from http:\/\/notfound\.web\.test\/\.well-known\/acme-challenge\/\S+: 404/,
    },
    pebble: {
      verdict: 'fail',
      type: 'unauthorized',
      detail: /^Non-200 status code from HTTP: .* returned 404$/,
    },
  },
  {
    id: 'http-catch-all',
    title: 'HTTP-01: a catch-all page answers 200 with the wrong body',
    challenge: 'http-01',
    identifier: 'catchall.web.test',
    le: {
      verdict: 'fail',
      codes: ['HTTP01_CATCH_ALL', 'HTTP01_WRONG_BODY'],
      type: 'unauthorized',
      detail: /The key authorization file from the server did not match this challenge/,
    },
    pebble: {
      verdict: 'fail',
      type: 'unauthorized',
      detail: /^The key authorization file from the server did not match this challenge/,
    },
  },
  {
    id: 'http-redirect-https',
    title: 'HTTP-01: 301 to https on 443 (certificate not verified), same webroot',
    challenge: 'http-01',
    identifier: 'redirect.web.test',
    le: { verdict: 'pass', includes: ['HTTP01_OK'] },
    pebble: { verdict: 'pass' },
  },
  {
    id: 'http-redirect-bad-port',
    title: 'HTTP-01: 302 to port 8080',
    challenge: 'http-01',
    identifier: 'badredirect.web.test',
    le: {
      verdict: 'fail',
      codes: ['HTTP01_REDIRECT_INVALID'],
      type: 'connection',
      detail: /Invalid port in redirect target\. Only ports 80 and 443 are supported, not 8080/,
    },
    pebble: {
      verdict: 'fail',
      type: 'connection',
      detail: /dial tcp 127\.0\.2\.4:8080: connect: connection refused/,
    },
    differs:
      'Pebble follows a redirect to any port, so it fails only because nothing listens on 8080; Boulder refuses the redirect itself.',
  },
  {
    id: 'http-redirect-303',
    title: 'HTTP-01: 303 See Other to the good vhost',
    challenge: 'http-01',
    identifier: 'seeother.web.test',
    le: {
      verdict: 'fail',
      codes: ['HTTP01_REDIRECT_INVALID'],
      type: 'connection',
      detail: /received disallowed redirect status code/,
    },
    pebble: { verdict: 'pass' },
    differs: "Boulder follows only 301, 302, 307 and 308; Pebble uses Go's defaults, which follow 303.",
  },
  {
    id: 'http-too-many-redirects',
    title: 'HTTP-01: an endless chain of distinct redirects',
    challenge: 'http-01',
    identifier: 'toomany.web.test',
    le: {
      verdict: 'fail',
      codes: ['HTTP01_REDIRECT_INVALID'],
      type: 'connection',
      detail: /Too many redirects/,
    },
    pebble: { verdict: 'fail', type: 'connection', detail: /stopped after 10 redirects/ },
  },
  {
    id: 'http-body-too-large',
    title: 'HTTP-01: key authorization followed by 100 newlines (body >= 128 bytes)',
    challenge: 'http-01',
    identifier: 'bigbody.web.test',
    le: { verdict: 'fail', codes: ['HTTP01_BODY_TOO_LARGE'], type: 'unauthorized' },
    pebble: { verdict: 'pass' },
    differs: 'Pebble has no 128-byte body limit and trims the trailing newlines.',
  },
  {
    id: 'http-trailing-whitespace',
    title: 'HTTP-01: key authorization followed by CR, LF and TAB',
    challenge: 'http-01',
    identifier: 'trailws.web.test',
    le: { verdict: 'pass', includes: ['HTTP01_OK'] },
    pebble: { verdict: 'pass' },
  },
  {
    id: 'http-trailing-spaces',
    title: 'HTTP-01: key authorization followed by spaces',
    challenge: 'http-01',
    identifier: 'trailsp.web.test',
    le: { verdict: 'pass', includes: ['HTTP01_OK'] },
    pebble: {
      verdict: 'fail',
      type: 'unauthorized',
      detail: /^The key authorization file from the server did not match this challenge/,
    },
    differs: 'Boulder trims all trailing whitespace; Pebble trims only CR, LF and TAB.',
  },
  {
    id: 'http-refused',
    title: 'HTTP-01: nothing listens on port 80',
    challenge: 'http-01',
    identifier: 'refused.web.test',
    le: {
      verdict: 'fail',
      codes: ['HTTP01_CONNECTION_REFUSED'],
      type: 'connection',
      detail: /Connection refused/,
    },
    pebble: {
      verdict: 'fail',
      type: 'connection',
      detail: /dial tcp 127\.0\.2\.9:80: connect: connection refused/,
    },
  },
  {
    id: 'http-caa-forbids',
    title: 'HTTP-01: CAA `0 issue "example.org"` on the parent (signed, NSEC3)',
    challenge: 'http-01',
    identifier: 'www.caa.test',
    le: {
      verdict: 'fail',
      codes: ['CAA_FORBIDS_ISSUER'],
      type: 'caa',
      detail: /CAA record for caa\.test prevents issuance/,
    },
    pebble: { verdict: 'pass' },
    differs: 'Pebble does not check CAA.',
  },
  {
    id: 'http-caa-letsencrypt-only',
    title: 'HTTP-01: CAA `0 issue "letsencrypt.org"`',
    challenge: 'http-01',
    identifier: 'leonly.web.test',
    le: { verdict: 'pass', includes: ['HTTP01_OK', 'CAA_AUTHORIZED'] },
    pebble: { verdict: 'pass' },
    differs:
      "Pebble does not check CAA: its pass says nothing about the record; Let's Encrypt passes because it is named.",
  },
  {
    id: 'http-dnssec-bogus',
    title: 'HTTP-01: DNSSEC-bogus zone (expired RRSIGs): the validating resolver answers SERVFAIL',
    challenge: 'http-01',
    identifier: 'www.bogus.test',
    le: {
      verdict: 'fail',
      codes: ['DNSSEC_BOGUS_SIGNATURE_EXPIRED', 'DNS_SERVFAIL', 'DNS_FAMILY_FAILED'],
      type: 'dns',
      detail:
        /^DNS problem: (SERVFAIL looking up A{1,4} for www\.bogus\.test|looking up A{1,4} for www\.bogus\.test: DNSSEC: Bogus)/,
    },
    pebble: { verdict: 'fail', type: 'connection', detail: RESOLVE_FAIL },
  },
  {
    id: 'http-lame-delegation',
    title: 'HTTP-01: lame delegation (the only name server does not serve the zone: REFUSED)',
    challenge: 'http-01',
    identifier: 'www.lame.test',
    le: {
      verdict: 'fail',
      codes: ['DNS_REFUSED', 'DELEGATION_ALL_LAME', 'DNS_FAMILY_FAILED'],
      type: 'dns',
      detail: /SERVFAIL looking up A{1,4} for www\.lame\.test/,
    },
    pebble: { verdict: 'fail', type: 'connection', detail: RESOLVE_FAIL },
  },
  // --- DNS-01 (records placed with nsupdate + TSIG in the inline-signed update.test) ---------------
  {
    id: 'dns-good',
    title: 'DNS-01: the correct TXT value',
    challenge: 'dns-01',
    identifier: 'd01-good-{tag}.update.test',
    txt: { values: (v) => [v] },
    le: { verdict: 'pass', includes: ['DNS01_TXT_FOUND'] },
    pebble: { verdict: 'pass' },
  },
  {
    id: 'dns-missing-nxdomain',
    title: 'DNS-01: no record placed (the name does not exist)',
    challenge: 'dns-01',
    identifier: 'd01-none-{tag}.update.test',
    le: {
      verdict: 'fail',
      codes: ['DNS01_LOOKUP_FAILED'],
      type: 'dns',
      detail: /^DNS problem: NXDOMAIN looking up TXT for _acme-challenge\.d01-none-\w+\.update\.test/,
    },
    pebble: {
      verdict: 'fail',
      type: 'unauthorized',
      detail: /^Error retrieving TXT records for DNS challenge/,
    },
  },
  {
    id: 'dns-missing-nodata',
    title: 'DNS-01: the record went one label too deep (_acme-challenge.<name> is an empty non-terminal)',
    challenge: 'dns-01',
    identifier: 'd01-deep-{tag}.update.test',
    txt: { at: 'x._acme-challenge.d01-deep-{tag}.update.test', values: (v) => [v] },
    le: {
      verdict: 'fail',
      codes: ['DNS01_TXT_MISSING'],
      type: 'unauthorized',
      detail: /^No TXT record found at _acme-challenge\.d01-deep-\w+\.update\.test/,
    },
    pebble: { verdict: 'fail', type: 'unauthorized', detail: /^No TXT records found for DNS challenge/ },
  },
  {
    id: 'dns-wrong-value',
    title: 'DNS-01: a TXT record with another value',
    challenge: 'dns-01',
    identifier: 'd01-wrong-{tag}.update.test',
    txt: { values: () => ['not-the-challenge-value'] },
    le: {
      verdict: 'fail',
      codes: ['DNS01_TXT_MISMATCH'],
      type: 'unauthorized',
      detail: /^Incorrect TXT record "not-the-challenge-value" found at _acme-challenge\.d01-wrong-/,
    },
    pebble: { verdict: 'fail', type: 'unauthorized', detail: /^Correct value not found for DNS challenge/ },
  },
  {
    id: 'dns-quoted-value',
    title: 'DNS-01: the value with literal quote characters around it',
    challenge: 'dns-01',
    identifier: 'd01-quoted-{tag}.update.test',
    txt: { values: (v) => [`"${v}"`] },
    le: {
      verdict: 'fail',
      codes: ['DNS01_TXT_QUOTED'],
      type: 'unauthorized',
      detail: /^Incorrect TXT record "\\"/,
    },
    pebble: { verdict: 'fail', type: 'unauthorized', detail: /^Correct value not found for DNS challenge/ },
  },
  {
    id: 'dns-split-records',
    title: 'DNS-01: the value split across two TXT records (records are never joined)',
    challenge: 'dns-01',
    identifier: 'd01-split-{tag}.update.test',
    txt: { values: (v) => [v.slice(0, 20), v.slice(20)] },
    le: {
      verdict: 'fail',
      // An RRset has no order: the judge tries every order of the records, so the split is named every run.
      codes: ['DNS01_TXT_SPLIT'],
      type: 'unauthorized',
      detail: /^Incorrect TXT record "[\w-]+" \(and 1 more\) found at _acme-challenge\.d01-split-/,
    },
    pebble: { verdict: 'fail', type: 'unauthorized', detail: /^Correct value not found for DNS challenge/ },
  },
  {
    id: 'dns-two-strings',
    title: 'DNS-01: the value as two character-strings of one record (joined with no separator)',
    challenge: 'dns-01',
    identifier: 'd01-strings-{tag}.update.test',
    txt: { values: (v) => [[v.slice(0, 20), v.slice(20)]] },
    le: { verdict: 'pass', includes: ['DNS01_TXT_FOUND'] },
    pebble: { verdict: 'fail', type: 'unauthorized', detail: /^Correct value not found for DNS challenge/ },
    differs:
      'Boulder joins the strings of one TXT record with no separator (CA-RULES "DNS-01"); Pebble does not (observed here, not in CA-RULES).',
  },
  {
    id: 'dns-caa-forbids',
    title: 'DNS-01: the correct value, but CAA `0 issue "example.org"` on the name',
    challenge: 'dns-01',
    identifier: 'd01-caa-{tag}.update.test',
    txt: { values: (v) => [v] },
    extraRecords: [{ name: 'd01-caa-{tag}.update.test', type: 'CAA', data: '0 issue "example.org"' }],
    le: {
      verdict: 'fail',
      codes: ['CAA_FORBIDS_ISSUER'],
      type: 'caa',
      detail: /CAA record for d01-caa-\w+\.update\.test prevents issuance/,
    },
    pebble: { verdict: 'pass' },
    differs: 'Pebble does not check CAA.',
  },
  {
    id: 'dns-stale-and-correct',
    title: 'DNS-01: an old value next to the correct one',
    challenge: 'dns-01',
    identifier: 'd01-stale-{tag}.update.test',
    txt: { values: (v) => ['old-value-from-an-earlier-run', v] },
    le: { verdict: 'pass', includes: ['DNS01_TXT_FOUND', 'DNS01_TXT_STALE'] },
    pebble: { verdict: 'pass' },
  },
  {
    id: 'dns-cname-delegation',
    title: 'DNS-01: _acme-challenge CNAME into another zone (web.test to update.test), value placed there',
    challenge: 'dns-01',
    identifier: 'delegated.web.test',
    txt: { at: 'delegated-target.update.test', values: (v) => [v] },
    le: { verdict: 'pass', includes: ['DNS01_TXT_FOUND'] },
    pebble: { verdict: 'pass' },
  },
  {
    id: 'dns-wildcard',
    title: 'DNS-01: wildcard name, record at _acme-challenge of the base name',
    challenge: 'dns-01',
    identifier: '*.wild-{tag}.update.test',
    txt: { values: (v) => [v] },
    le: { verdict: 'pass', includes: ['DNS01_TXT_FOUND'] },
    pebble: { verdict: 'pass' },
  },
  {
    id: 'dns-dnssec-bogus',
    title: 'DNS-01: _acme-challenge in a DNSSEC-bogus zone',
    challenge: 'dns-01',
    identifier: 'www.bogus.test',
    le: {
      verdict: 'fail',
      codes: ['DNSSEC_BOGUS_SIGNATURE_EXPIRED', 'DNS01_LOOKUP_FAILED', 'DNS_SERVFAIL'],
      type: 'dns',
      detail:
        /^DNS problem: (SERVFAIL looking up TXT for _acme-challenge\.www\.bogus\.test|looking up TXT for _acme-challenge\.www\.bogus\.test: DNSSEC: Bogus)/,
    },
    pebble: {
      verdict: 'fail',
      type: 'unauthorized',
      detail: /^Error retrieving TXT records for DNS challenge/,
    },
  },
  {
    id: 'dns-lame-delegation',
    title: 'DNS-01: _acme-challenge under a lame delegation',
    challenge: 'dns-01',
    identifier: 'www.lame.test',
    le: {
      verdict: 'fail',
      codes: ['DNS01_LOOKUP_FAILED', 'DELEGATION_ALL_LAME', 'DNS_REFUSED'],
      type: 'dns',
      detail: /SERVFAIL looking up TXT for _acme-challenge\.www\.lame\.test/,
    },
    pebble: {
      verdict: 'fail',
      type: 'unauthorized',
      detail: /^Error retrieving TXT records for DNS challenge/,
    },
  },
];
