import { judgeDnsPersist01, type PersistEvidence } from '../../src/checks/dnspersist01/judge.js';
import { accountChallengeName, accountLabel, judgeDnsAccount01Txt } from '../../src/checks/dns01/index.js';
import type { Lookup } from '../../src/dns/api.js';

const ACCOUNT = 'https://acme-v02.api.letsencrypt.org/acme/acct/12345';
const OTHER = 'https://acme-v02.api.letsencrypt.org/acme/acct/999';
const NOW = new Date('2026-12-02T08:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const opts = { issuerDomain: 'letsencrypt.org', accountUri: ACCOUNT, now: NOW };

function ev(
  identifier: string,
  records: string[],
  over: Partial<PersistEvidence['lookup']> = {},
): PersistEvidence {
  const name = `_validation-persist.${identifier.replace(/^\*\./, '')}`;
  return {
    identifier,
    name,
    lookup: { status: 'NOERROR', finalName: name, cnames: [], zone: 'example.com', ...over },
    records: records.map((r) => [r]),
    source: [
      {
        source: 'ns1.example.com (192.0.2.53:53)',
        query: `TXT ${name}`,
        answer: records.join(' ') || 'NOERROR',
      },
    ],
  };
}

const good = `letsencrypt.org; accounturi=${ACCOUNT}`;

/** Each finding, from the CA's rules: the verdict, the CA's problem type and its detail. */
const CASES: [
  string,
  PersistEvidence,
  { valid: boolean; codes: string[]; type?: string; detail?: string },
][] = [
  ['valid', ev('example.com', [good]), { valid: true, codes: ['PERSIST01_AUTHORISED'] }],
  [
    'NXDOMAIN: nothing published',
    ev('example.com', [], { status: 'NXDOMAIN' }),
    {
      valid: false,
      codes: ['PERSIST01_LOOKUP_FAILED'],
      type: 'dns',
      detail:
        'Retrieving TXT records for DNS-PERSIST-01 challenge: DNS problem: NXDOMAIN looking up TXT for _validation-persist.example.com - check that a DNS record exists for this domain',
    },
  ],
  [
    'SERVFAIL',
    ev('example.com', [], { status: 'SERVFAIL' }),
    { valid: false, codes: ['PERSIST01_LOOKUP_FAILED'], type: 'dns', detail: 'SERVFAIL looking up TXT' },
  ],
  [
    'timeout',
    ev('example.com', [], { status: 'TIMEOUT' }),
    {
      valid: false,
      codes: ['PERSIST01_LOOKUP_FAILED'],
      type: 'dns',
      detail: 'query timed out looking up TXT',
    },
  ],
  [
    'name exists, no TXT',
    ev('example.com', []),
    {
      valid: false,
      codes: ['PERSIST01_NO_RECORD'],
      type: 'unauthorized',
      detail: 'No TXT record found for DNS-PERSIST-01 challenge',
    },
  ],
  [
    'only for another CA',
    ev('example.com', [`sectigo.com; accounturi=${ACCOUNT}`]),
    {
      valid: false,
      codes: ['PERSIST01_OTHER_ISSUER'],
      type: 'unauthorized',
      detail: 'No valid TXT record found for DNS-PERSIST-01 challenge',
    },
  ],
  [
    'malformed for another CA is ignored',
    ev('example.com', [`sectigo.com; accounturi=${ACCOUNT};`]),
    {
      valid: false,
      codes: ['PERSIST01_OTHER_ISSUER'],
      type: 'unauthorized',
      detail: 'No valid TXT record found',
    },
  ],
  [
    'unreadable text is ignored',
    ev('example.com', ['v=spf1 -all']),
    {
      valid: false,
      codes: ['PERSIST01_OTHER_ISSUER'],
      type: 'unauthorized',
      detail: 'No valid TXT record found',
    },
  ],
  [
    'wrong account',
    ev('example.com', [`letsencrypt.org; accounturi=${OTHER}`]),
    {
      valid: false,
      codes: ['PERSIST01_ACCOUNT_MISMATCH'],
      type: 'unauthorized',
      detail: `Checking DNS-PERSIST-01 challenge TXT record with issuer-domain-name "letsencrypt.org": accounturi mismatch: expected "${ACCOUNT}", got "${OTHER}"`,
    },
  ],
  [
    'wildcard without policy',
    ev('*.example.com', [good]),
    {
      valid: false,
      codes: ['PERSIST01_WILDCARD_POLICY_MISSING'],
      type: 'unauthorized',
      detail: 'policy mismatch: expected "wildcard", got ""',
    },
  ],
  [
    'wildcard with policy',
    ev('*.example.com', [`${good}; policy=WILDCARD`]),
    { valid: true, codes: ['PERSIST01_AUTHORISED'] },
  ],
  [
    'policy=wildcard also covers the name itself',
    ev('example.com', [`${good}; policy=wildcard`]),
    { valid: true, codes: ['PERSIST01_AUTHORISED'] },
  ],
  [
    'expired persistUntil',
    ev('example.com', [`${good}; persistUntil=${NOW_S - 86400}`]),
    {
      valid: false,
      codes: ['PERSIST01_EXPIRED'],
      type: 'unauthorized',
      detail: 'validation time 2026-12-02T08:00:00Z is after persistUntil 2026-12-01T08:00:00Z',
    },
  ],
  [
    'persistUntil within 30 days',
    ev('example.com', [`${good}; persistUntil=${NOW_S + 10 * 86400}`]),
    { valid: true, codes: ['PERSIST01_AUTHORISED', 'PERSIST01_EXPIRING'] },
  ],
  [
    'persistUntil beyond 30 days',
    ev('example.com', [`${good}; persistUntil=${NOW_S + 40 * 86400}`]),
    { valid: true, codes: ['PERSIST01_AUTHORISED'] },
  ],
  [
    'malformed for this CA',
    ev('example.com', [`letsencrypt.org; accounturi=${ACCOUNT}; accounturi=${OTHER}`]),
    {
      valid: false,
      codes: ['PERSIST01_MALFORMED'],
      type: 'malformed',
      detail:
        'Parsing DNS-PERSIST-01 challenge TXT record with issuer-domain-name "letsencrypt.org": duplicate parameter "accounturi"',
    },
  ],
  [
    'malformed wins over unauthorized',
    ev('example.com', [`letsencrypt.org; accounturi=${OTHER}`, 'LetsEncrypt.org.; policy=wildcard']),
    {
      valid: false,
      codes: ['PERSIST01_MALFORMED', 'PERSIST01_ACCOUNT_MISMATCH', 'PERSIST01_SEVERAL_RECORDS'],
      type: 'malformed',
      detail: 'missing mandatory accounturi parameter',
    },
  ],
  [
    'several unauthorised records: every reason joined',
    ev('example.com', [`letsencrypt.org; accounturi=${OTHER}`, `${good}; persistUntil=0`]),
    {
      valid: false,
      codes: ['PERSIST01_ACCOUNT_MISMATCH', 'PERSIST01_EXPIRED', 'PERSIST01_SEVERAL_RECORDS'],
      type: 'unauthorized',
      detail: `accounturi mismatch: expected "${ACCOUNT}", got "${OTHER}"; Checking DNS-PERSIST-01 challenge TXT record with issuer-domain-name "letsencrypt.org": validation time`,
    },
  ],
  [
    'a malformed and a valid record: valid wins',
    ev('example.com', [`${good}; accounturi=${OTHER}`, good]),
    { valid: true, codes: ['PERSIST01_AUTHORISED', 'PERSIST01_SEVERAL_RECORDS'] },
  ],
  [
    'records for two CAs',
    ev('example.com', [`sectigo.com; accounturi=https://acme.sectigo.com/a/1`, good]),
    { valid: true, codes: ['PERSIST01_AUTHORISED', 'PERSIST01_SEVERAL_RECORDS'] },
  ],
  [
    'issuer written in upper case with a trailing dot',
    ev('example.com', [`LETSENCRYPT.ORG.;accounturi=${ACCOUNT}`]),
    { valid: true, codes: ['PERSIST01_AUTHORISED'] },
  ],
  [
    'CNAME followed',
    ev('example.com', [good], {
      finalName: 'example-com.persist.dnsprovider.net',
      cnames: ['example-com.persist.dnsprovider.net'],
    }),
    { valid: true, codes: ['PERSIST01_AUTHORISED'] },
  ],
];

describe('judgeDnsPersist01: every finding against the CA rules', () => {
  it.each(CASES)('%s', (_n, evidence, want) => {
    const j = judgeDnsPersist01(evidence, opts);
    expect(j.valid).toBe(want.valid);
    expect(j.findings.map((f) => f.code)).toEqual(want.codes);
    expect(j.problem?.type).toBe(want.type);
    if (want.detail) expect(j.problem?.detail).toContain(want.detail);
    for (const f of j.findings) {
      expect(f.evidence.length).toBeGreaterThan(0);
      expect(f.remediation.length).toBeGreaterThan(10);
      if (f.severity === 'error') {
        expect(f.caMessage).toBe(j.problem?.detail);
        expect(f.acmeProblem).toBe(`urn:ietf:params:acme:error:${j.problem?.type}`);
      }
    }
    expect(JSON.parse(JSON.stringify(evidence))).toEqual(evidence);
  });

  it('an account mismatch shows both URIs and the record to publish', () => {
    const [f] = judgeDnsPersist01(ev('example.com', [`letsencrypt.org; accounturi=${OTHER}`]), opts).findings;
    expect(f!.detail).toContain(OTHER);
    expect(f!.detail).toContain(ACCOUNT);
    expect(f!.remediation).toContain(
      `_validation-persist.example.com TXT "letsencrypt.org; accounturi=${ACCOUNT}"`,
    );
  });

  it('a wildcard remediation adds policy=wildcard', () => {
    const [f] = judgeDnsPersist01(ev('*.example.com', [good]), opts).findings;
    expect(f!.remediation).toContain(`"letsencrypt.org; accounturi=${ACCOUNT}; policy=wildcard"`);
  });

  it('the expiry warning names the date', () => {
    const f = judgeDnsPersist01(ev('example.com', [`${good}; persistUntil=${NOW_S + 10 * 86400}`]), opts)
      .findings[1];
    expect(f!.detail).toContain('2026-12-12T08:00:00Z');
    expect(f!.detail).toContain('10 days');
  });

  it('several records: says which one the CA accepts', () => {
    const j = judgeDnsPersist01(ev('example.com', [`sectigo.com; accounturi=x`, good]), opts);
    expect(j.authorising).toBe(1);
    expect(j.findings[1]!.detail).toContain('The CA accepts record 2');
  });

  it('a pass says it is proven', () => {
    expect(judgeDnsPersist01(ev('example.com', [good]), opts).findings[0]!.detail).toContain('proven');
  });

  it('the CNAME target is the record to change', () => {
    const e = ev('example.com', [`letsencrypt.org; accounturi=${OTHER}`], {
      finalName: 't.persist.example.net',
      cnames: ['t.persist.example.net'],
    });
    const [f] = judgeDnsPersist01(e, opts).findings;
    expect(f!.detail).toContain('(CNAME to t.persist.example.net)');
    expect(f!.remediation).toContain('t.persist.example.net TXT');
  });

  it('a server lacking the authorising record fails the CA from another perspective', () => {
    const e = {
      ...ev('example.com', [good]),
      servers: [
        { server: 'ns1.example.com', records: [[good]], answer: good },
        { server: 'ns2.example.com', records: [], answer: 'NOERROR, no TXT' },
      ],
    };
    const j = judgeDnsPersist01(e, opts);
    expect(j.findings.map((f) => f.code)).toEqual(['PERSIST01_AUTHORISED', 'PERSIST01_SERVERS_DISAGREE']);
    expect(j.findings[1]!.severity).toBe('error');
    expect(j.findings[1]!.caMessage).toBe(
      'During secondary validation: No TXT record found for DNS-PERSIST-01 challenge',
    );
  });

  it('every server serving it is no finding', () => {
    const e = {
      ...ev('example.com', [good]),
      servers: ['ns1', 'ns2'].map((s) => ({ server: s, records: [[good]], answer: good })),
    };
    expect(judgeDnsPersist01(e, opts).findings.map((f) => f.code)).toEqual(['PERSIST01_AUTHORISED']);
  });

  it('another CA issuer domain (--ca) judges its own records', () => {
    const j = judgeDnsPersist01(ev('example.com', [good, `sectigo.com; accounturi=${ACCOUNT}`]), {
      ...opts,
      issuerDomain: 'sectigo.com',
    });
    expect(j.valid).toBe(true);
    expect(j.authorising).toBe(1);
  });
});

describe('dns-account-01', () => {
  it('label: the draft and Boulder test vector', () => {
    // Boulder va/dns_test.go: https://example.com/acme/acct/ExampleAccount -> _ujmmovf2vn55tgye._acme-challenge
    expect(accountLabel('https://example.com/acme/acct/ExampleAccount')).toBe('ujmmovf2vn55tgye');
    expect(accountChallengeName('*.Example.com', 'https://example.com/acme/acct/ExampleAccount')).toBe(
      '_ujmmovf2vn55tgye._acme-challenge.example.com',
    );
  });

  it('unauthorized errors carry the account, dns errors do not', () => {
    const uri = 'https://example.com/acme/acct/ExampleAccount';
    const name = accountChallengeName('example.com', uri);
    const lookup = (status: Lookup['status'], txt: string[]): Lookup => ({
      name,
      type: 'TXT',
      status,
      records: txt.map((t) => ({ name, type: 'TXT', ttl: 60, class: 'IN', data: [Buffer.from(t)] }) as never),
      cnames: [],
      finalName: name,
      zone: 'example.com',
      exchanges: [],
    });
    const wrong = judgeDnsAccount01Txt(
      { identifier: 'example.com', name, lookup: lookup('NOERROR', ['a']) },
      'b'.repeat(43),
      uri,
    );
    expect(wrong.problem).toEqual({
      type: 'unauthorized',
      detail: `Incorrect TXT record "a" found at ${name} (account: "${uri}")`,
    });
    expect(wrong.findings[0]!.caMessage).toBe(wrong.problem!.detail);
    const none = judgeDnsAccount01Txt(
      { identifier: 'example.com', name, lookup: lookup('NOERROR', []) },
      'b',
      uri,
    );
    expect(none.problem!.detail).toBe(`No TXT record found at ${name} (account: "${uri}")`);
    const nx = judgeDnsAccount01Txt(
      { identifier: 'example.com', name, lookup: lookup('NXDOMAIN', []) },
      'b',
      uri,
    );
    expect(nx.problem!.type).toBe('dns');
    expect(nx.problem!.detail).not.toContain('account:');
    expect(nx.problem!.detail).toContain(`NXDOMAIN looking up TXT for ${name}`);
  });
});
