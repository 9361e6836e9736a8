import { describe, expect, it } from '@jest/globals';
import { evaluateCaa, type CaaInput, type CaaLookup, type CaaReason } from '../../src/checks/caa/evaluate.js';
import { parseCaaValue } from '../../src/checks/caa/parse.js';
import { accountUriForms, caForDirectory, KNOWN_CAS } from '../../src/checks/caa/issuers.js';

const LE = 'letsencrypt.org';
const ACCT = 'https://acme-v02.api.letsencrypt.org/acme/acct/12345';

/** A record in the compact form "flags tag value". */
type R = [number, string, string];
const set = (name: string, records: R[] = [], status = 'NOERROR'): CaaLookup => ({
  name,
  status,
  records: records.map(([flags, tag, value]) => ({ flags, tag, value })),
  evidence: [{ source: 'ns1.test (127.0.0.1:53)', query: `CAA ${name}`, answer: status }],
});

/** The climb for www.example.com with records placed where given. */
function climb(at: Partial<Record<'www.example.com' | 'example.com' | 'com', R[] | string>>): CaaLookup[] {
  return (['www.example.com', 'example.com', 'com'] as const).map((n) => {
    const v = at[n];
    return typeof v === 'string' ? set(n, [], v) : set(n, v ?? []);
  });
}

interface Case {
  name: string;
  sets: CaaLookup[];
  wildcard?: boolean;
  method?: CaaInput['method'];
  accountUri?: string;
  issuerDomain?: string;
  allowed: boolean;
  reason: CaaReason;
  relevantName?: string;
}

const cases: Case[] = [
  // Where the relevant set is.
  { name: 'no CAA anywhere', sets: climb({}), allowed: true, reason: 'NO_CAA' },
  {
    name: 'issue LE at the name',
    sets: climb({ 'www.example.com': [[0, 'issue', LE]] }),
    allowed: true,
    reason: 'AUTHORIZED',
    relevantName: 'www.example.com',
  },
  {
    name: 'relevant set at a parent',
    sets: climb({ 'example.com': [[0, 'issue', LE]] }),
    allowed: true,
    reason: 'AUTHORIZED',
    relevantName: 'example.com',
  },
  {
    name: 'set at the name hides a denying parent',
    sets: climb({ 'www.example.com': [[0, 'issue', LE]], 'example.com': [[0, 'issue', ';']] }),
    allowed: true,
    reason: 'AUTHORIZED',
    relevantName: 'www.example.com',
  },
  {
    name: 'denying set at the name hides an allowing parent',
    sets: climb({ 'www.example.com': [[0, 'issue', 'digicert.com']], 'example.com': [[0, 'issue', LE]] }),
    allowed: false,
    reason: 'FORBIDS_ISSUER',
    relevantName: 'www.example.com',
  },
  {
    name: 'NXDOMAIN below the TLD counts as empty',
    sets: climb({ 'www.example.com': 'NXDOMAIN', 'example.com': [[0, 'issue', LE]] }),
    allowed: true,
    reason: 'AUTHORIZED',
    relevantName: 'example.com',
  },
  {
    name: 'NXDOMAIN everywhere below, no CAA',
    sets: climb({ 'www.example.com': 'NXDOMAIN', 'example.com': 'NXDOMAIN' }),
    allowed: true,
    reason: 'NO_CAA',
  },
  {
    name: 'CAA at the TLD is honoured',
    sets: climb({ com: [[0, 'issue', 'other.ca']] }),
    allowed: false,
    reason: 'FORBIDS_ISSUER',
    relevantName: 'com',
  },
  // Fail-closed.
  {
    name: 'SERVFAIL at the name',
    sets: climb({ 'www.example.com': 'SERVFAIL', 'example.com': [[0, 'issue', LE]] }),
    allowed: false,
    reason: 'LOOKUP_FAILED',
  },
  {
    name: 'SERVFAIL at the relevant name itself',
    sets: climb({ 'example.com': 'SERVFAIL' }),
    allowed: false,
    reason: 'LOOKUP_FAILED',
  },
  {
    name: 'SERVFAIL above the relevant name is ignored',
    sets: climb({ 'www.example.com': [[0, 'issue', LE]], 'example.com': 'SERVFAIL' }),
    allowed: true,
    reason: 'AUTHORIZED',
    relevantName: 'www.example.com',
  },
  {
    name: 'SERVFAIL at the TLD with no CAA below fails',
    sets: climb({ com: 'SERVFAIL' }),
    allowed: false,
    reason: 'LOOKUP_FAILED',
  },
  {
    name: 'TIMEOUT fails closed',
    sets: climb({ 'example.com': 'TIMEOUT' }),
    allowed: false,
    reason: 'LOOKUP_FAILED',
  },
  {
    name: 'REFUSED fails closed',
    sets: climb({ 'www.example.com': 'REFUSED' }),
    allowed: false,
    reason: 'LOOKUP_FAILED',
  },
  {
    name: 'LAME delegation fails closed',
    sets: climb({ 'www.example.com': 'LAME' }),
    allowed: false,
    reason: 'LOOKUP_FAILED',
  },
  // Issuer domains.
  {
    name: 'another CA only',
    sets: climb({ 'example.com': [[0, 'issue', 'digicert.com']] }),
    allowed: false,
    reason: 'FORBIDS_ISSUER',
  },
  {
    name: 'another CA and LE',
    sets: climb({
      'example.com': [
        [0, 'issue', 'digicert.com'],
        [0, 'issue', LE],
      ],
    }),
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: '";" alone forbids every CA',
    sets: climb({ 'example.com': [[0, 'issue', ';']] }),
    allowed: false,
    reason: 'FORBIDS_ISSUER',
  },
  {
    name: '";" next to LE still allows LE',
    sets: climb({
      'example.com': [
        [0, 'issue', ';'],
        [0, 'issue', LE],
      ],
    }),
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'issuer domain is exact: subdomain does not match',
    sets: climb({ 'example.com': [[0, 'issue', 'x.letsencrypt.org']] }),
    allowed: false,
    reason: 'FORBIDS_ISSUER',
  },
  {
    name: 'issuer domain is case-sensitive as in Boulder',
    sets: climb({ 'example.com': [[0, 'issue', 'LetsEncrypt.org']] }),
    allowed: false,
    reason: 'FORBIDS_ISSUER',
  },
  {
    name: 'whitespace around the issuer domain is trimmed',
    sets: climb({ 'example.com': [[0, 'issue', ' \tletsencrypt.org ; ']] }),
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'issuer for another CA table entry',
    sets: climb({ 'example.com': [[0, 'issue', 'pki.goog']] }),
    issuerDomain: 'pki.goog',
    allowed: true,
    reason: 'AUTHORIZED',
  },
  // Tags.
  {
    name: 'tags are case-insensitive (ISSUE)',
    sets: climb({ 'example.com': [[0, 'ISSUE', 'digicert.com']] }),
    allowed: false,
    reason: 'FORBIDS_ISSUER',
  },
  {
    name: 'tags are case-insensitive (IssueWild)',
    sets: climb({
      'example.com': [
        [0, 'IssueWild', 'digicert.com'],
        [0, 'issue', LE],
      ],
    }),
    wildcard: true,
    method: 'dns-01',
    allowed: false,
    reason: 'ISSUEWILD_FORBIDS',
  },
  {
    name: 'only iodef: set is relevant but restricts nothing',
    sets: climb({
      'www.example.com': [[0, 'iodef', 'mailto:a@example.com']],
      'example.com': [[0, 'issue', ';']],
    }),
    allowed: true,
    reason: 'NO_RELEVANT_RECORDS',
    relevantName: 'www.example.com',
  },
  {
    name: 'critical iodef is understood',
    sets: climb({
      'example.com': [
        [128, 'iodef', 'mailto:a@example.com'],
        [0, 'issue', LE],
      ],
    }),
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'critical issuemail and issuevmc are understood',
    sets: climb({
      'example.com': [
        [128, 'issuemail', 'x.ca'],
        [128, 'issuevmc', 'x.ca'],
      ],
    }),
    allowed: true,
    reason: 'NO_RELEVANT_RECORDS',
  },
  {
    name: 'unknown tag, flag 128, denies',
    sets: climb({
      'example.com': [
        [128, 'tbs', 'x'],
        [0, 'issue', LE],
      ],
    }),
    allowed: false,
    reason: 'CRITICAL_UNKNOWN_TAG',
  },
  {
    name: 'unknown tag, flag 1, denies (Boulder)',
    sets: climb({
      'example.com': [
        [1, 'future', 'x'],
        [0, 'issue', LE],
      ],
    }),
    allowed: false,
    reason: 'CRITICAL_UNKNOWN_TAG',
  },
  {
    name: 'unknown tag, flag 2 is not critical',
    sets: climb({
      'example.com': [
        [2, 'future', 'x'],
        [0, 'issue', LE],
      ],
    }),
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'unknown non-critical tag alone',
    sets: climb({ 'example.com': [[0, 'future', 'x']] }),
    allowed: true,
    reason: 'NO_RELEVANT_RECORDS',
  },
  {
    name: 'critical tag above the relevant set is not seen',
    sets: climb({ 'www.example.com': [[0, 'issue', LE]], 'example.com': [[128, 'tbs', 'x']] }),
    allowed: true,
    reason: 'AUTHORIZED',
  },
  // issue vs issuewild.
  {
    name: 'non-wildcard ignores issuewild',
    sets: climb({
      'example.com': [
        [0, 'issuewild', ';'],
        [0, 'issue', LE],
      ],
    }),
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'non-wildcard with only issuewild is unrestricted',
    sets: climb({ 'example.com': [[0, 'issuewild', 'digicert.com']] }),
    allowed: true,
    reason: 'NO_RELEVANT_RECORDS',
  },
  {
    name: 'wildcard uses issue when no issuewild',
    sets: climb({ 'example.com': [[0, 'issue', LE]] }),
    wildcard: true,
    method: 'dns-01',
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'wildcard: issue forbids, no issuewild',
    sets: climb({ 'example.com': [[0, 'issue', 'digicert.com']] }),
    wildcard: true,
    method: 'dns-01',
    allowed: false,
    reason: 'FORBIDS_ISSUER',
  },
  {
    name: 'wildcard: issuewild allows though issue forbids',
    sets: climb({
      'example.com': [
        [0, 'issue', ';'],
        [0, 'issuewild', LE],
      ],
    }),
    wildcard: true,
    method: 'dns-01',
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'wildcard: issuewild ";" forbids though issue allows',
    sets: climb({
      'example.com': [
        [0, 'issue', LE],
        [0, 'issuewild', ';'],
      ],
    }),
    wildcard: true,
    method: 'dns-01',
    allowed: false,
    reason: 'ISSUEWILD_FORBIDS',
  },
  {
    name: 'wildcard with only iodef is unrestricted (Boulder #8032)',
    sets: climb({ 'example.com': [[0, 'iodef', 'mailto:a@example.com']] }),
    wildcard: true,
    method: 'dns-01',
    allowed: true,
    reason: 'NO_RELEVANT_RECORDS',
  },
  // accounturi (RFC 8657 §3).
  {
    name: 'accounturi matches',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; accounturi=${ACCT}`]] }),
    accountUri: ACCT,
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'accounturi in the ACMEv1 form of the same account',
    sets: climb({
      'example.com': [[0, 'issue', `${LE}; accounturi=https://acme-v01.api.letsencrypt.org/acme/reg/12345`]],
    }),
    accountUri: ACCT,
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'accounturi mismatch',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; accounturi=${ACCT}9`]] }),
    accountUri: ACCT,
    allowed: false,
    reason: 'ACCOUNTURI_MISMATCH',
  },
  {
    name: 'two accounturi params are unsatisfiable',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; accounturi=${ACCT}; accounturi=${ACCT}`]] }),
    accountUri: ACCT,
    allowed: false,
    reason: 'ACCOUNTURI_MISMATCH',
  },
  {
    name: 'accounturi without a known account',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; accounturi=${ACCT}`]] }),
    allowed: true,
    reason: 'ACCOUNTURI_UNVERIFIED',
  },
  {
    name: 'accounturi mismatch on one record, another record without it',
    sets: climb({
      'example.com': [
        [0, 'issue', `${LE}; accounturi=${ACCT}9`],
        [0, 'issue', LE],
      ],
    }),
    accountUri: ACCT,
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'parameter tags are matched as Boulder does (exact)',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; AccountURI=${ACCT}9`]] }),
    accountUri: ACCT,
    allowed: true,
    reason: 'AUTHORIZED',
  },
  // validationmethods (RFC 8657 §4).
  {
    name: 'validationmethods includes the method',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; validationmethods=dns-01,http-01`]] }),
    method: 'http-01',
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'validationmethods excludes the method',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; validationmethods=dns-01`]] }),
    method: 'http-01',
    allowed: false,
    reason: 'VALIDATIONMETHODS_EXCLUDES',
  },
  {
    name: 'validationmethods duplicated fails',
    sets: climb({
      'example.com': [[0, 'issue', `${LE}; validationmethods=http-01; validationmethods=http-01`]],
    }),
    method: 'http-01',
    allowed: false,
    reason: 'VALIDATIONMETHODS_EXCLUDES',
  },
  {
    name: 'validationmethods with an unknown method still matches a known one',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; validationmethods=foo-01,tls-alpn-01`]] }),
    method: 'tls-alpn-01',
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'validationmethods with an invalid label fails',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; validationmethods=http_01,http-01`]] }),
    method: 'http-01',
    allowed: false,
    reason: 'VALIDATIONMETHODS_EXCLUDES',
  },
  {
    name: 'accounturi and validationmethods both satisfied',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; accounturi=${ACCT}; validationmethods=dns-01`]] }),
    accountUri: ACCT,
    method: 'dns-01',
    allowed: true,
    reason: 'AUTHORIZED',
  },
  // Malformed values.
  {
    name: 'malformed parameter skips the only record',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; accounturi`]] }),
    allowed: false,
    reason: 'ONLY_MALFORMED',
  },
  {
    name: 'malformed record next to a good one',
    sets: climb({
      'example.com': [
        [0, 'issue', `${LE}; bad tag=x`],
        [0, 'issue', LE],
      ],
    }),
    allowed: true,
    reason: 'AUTHORIZED',
  },
  {
    name: 'value with a space inside a parameter value is malformed',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; policy=a b`]] }),
    allowed: false,
    reason: 'ONLY_MALFORMED',
  },
  {
    name: 'unknown parameters are ignored',
    sets: climb({ 'example.com': [[0, 'issue', `${LE}; policy=ev`]] }),
    allowed: true,
    reason: 'AUTHORIZED',
  },
];

describe('evaluateCaa', () => {
  it('has at least 35 cases', () => expect(cases.length).toBeGreaterThanOrEqual(35));

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const d = evaluateCaa({
      name: 'www.example.com',
      wildcard: c.wildcard ?? false,
      sets: c.sets,
      issuerDomain: c.issuerDomain ?? LE,
      method: c.method ?? 'http-01',
      ...(c.accountUri ? { accountUri: c.accountUri } : {}),
    });
    expect({ allowed: d.allowed, reason: d.reason }).toEqual({ allowed: c.allowed, reason: c.reason });
    if (c.relevantName) expect(d.relevantName).toBe(c.relevantName);
    expect(d.explanation.length).toBeGreaterThan(10);
  });

  it('names the failed lookup and keeps failures above the relevant name aside', () => {
    const failed = evaluateCaa({
      name: 'www.example.com',
      wildcard: false,
      sets: climb({ 'example.com': 'SERVFAIL', com: 'TIMEOUT' }),
      issuerDomain: LE,
      method: 'http-01',
    });
    expect(failed.failedLookup?.name).toBe('example.com');
    expect(failed.ignoredFailures).toEqual([]);
    const ignored = evaluateCaa({
      name: 'www.example.com',
      wildcard: false,
      sets: climb({ 'www.example.com': [[0, 'issue', LE]], 'example.com': 'SERVFAIL', com: 'TIMEOUT' }),
      issuerDomain: LE,
      method: 'http-01',
    });
    expect(ignored.allowed).toBe(true);
    expect(ignored.ignoredFailures.map((l) => l.name)).toEqual(['example.com', 'com']);
  });

  it('reports each chosen record with its outcome', () => {
    const d = evaluateCaa({
      name: 'example.com',
      wildcard: true,
      sets: [
        set('example.com', [
          [0, 'issue', LE],
          [0, 'issuewild', 'digicert.com'],
          [0, 'issuewild', `${LE}; validationmethods=http-01`],
        ]),
        set('com'),
      ],
      issuerDomain: LE,
      method: 'dns-01',
    });
    expect(d.chosenTag).toBe('issuewild');
    expect(d.records.map((r) => r.outcome)).toEqual(['issuer-mismatch', 'validationmethods-excludes']);
    expect(d.reason).toBe('VALIDATIONMETHODS_EXCLUDES');
    expect(d.criticalRecords).toEqual([]);
  });
});

describe('parseCaaValue', () => {
  it.each([
    ['letsencrypt.org', 'letsencrypt.org', []],
    [';', '', []],
    ['', '', []],
    ['letsencrypt.org;', 'letsencrypt.org', []],
    [
      'letsencrypt.org; accounturi=https://a/b=c',
      'letsencrypt.org',
      [{ tag: 'accounturi', value: 'https://a/b=c' }],
    ],
    [
      'ca.example;a=1;b=2',
      'ca.example',
      [
        { tag: 'a', value: '1' },
        { tag: 'b', value: '2' },
      ],
    ],
    ['ca.example; a=', 'ca.example', [{ tag: 'a', value: '' }]],
  ])('%j', (value, issuerDomain, parameters) => {
    expect(parseCaaValue(value)).toEqual({ ok: true, issuerDomain, parameters });
  });

  it.each([
    'ca.example; novalue',
    'ca.example; a-b=1',
    'ca.example; a=b c',
    'ca.example;;',
    'ca.example; a=1;',
  ])('refuses %j', (value) => {
    expect(parseCaaValue(value).ok).toBe(false);
  });
});

describe('known issuers', () => {
  it('maps directories to issuer domains', () => {
    expect(caForDirectory('https://acme-v02.api.letsencrypt.org/directory')?.issuerDomain).toBe(
      'letsencrypt.org',
    );
    expect(caForDirectory('https://acme.zerossl.com/v2/DV90')?.issuerDomain).toBe('sectigo.com');
    expect(caForDirectory('https://dv.acme-v02.api.pki.goog/directory')?.issuerDomain).toBe('pki.goog');
    expect(caForDirectory('https://localhost:14000/dir')).toBeUndefined();
    expect(caForDirectory('not a url')).toBeUndefined();
    expect(new Set(KNOWN_CAS.map((c) => c.issuerDomain)).size).toBe(KNOWN_CAS.length);
  });

  it("knows the equivalent forms of a Let's Encrypt account URL", () => {
    expect(accountUriForms(ACCT)).toEqual([ACCT, 'https://acme-v01.api.letsencrypt.org/acme/reg/12345']);
    expect(accountUriForms('https://ca.example/acct/1')).toEqual(['https://ca.example/acct/1']);
  });
});

describe('NXDOMAIN: empty below the TLD, an error for the TLD itself (Boulder bdns LookupCAA)', () => {
  const run = (sets: CaaLookup[]) =>
    evaluateCaa({ name: sets[0]!.name, wildcard: false, sets, issuerDomain: LE, method: 'dns-01' });

  it('an NXDOMAIN name under an existing TLD has no CAA', () => {
    const d = run(climb({ 'www.example.com': 'NXDOMAIN', 'example.com': 'NXDOMAIN' }));
    expect(d).toMatchObject({ allowed: true, reason: 'NO_CAA' });
  });

  it('NXDOMAIN for the TLD fails closed at the TLD', () => {
    const d = run([
      set('www.example.zz', [], 'NXDOMAIN'),
      set('example.zz', [], 'NXDOMAIN'),
      set('zz', [], 'NXDOMAIN'),
    ]);
    expect(d).toMatchObject({ allowed: false, reason: 'LOOKUP_FAILED', failedLookup: { name: 'zz' } });
  });

  it('a relevant set below stops the climb before the TLD', () => {
    const d = run([set('example.zz', [[0, 'issue', LE]]), set('zz', [], 'NXDOMAIN')]);
    expect(d).toMatchObject({ allowed: true, reason: 'AUTHORIZED' });
    expect(d.ignoredFailures.map((f) => f.name)).toEqual(['zz']);
  });
});
