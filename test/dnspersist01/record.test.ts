import {
  accountUriProblem,
  caTxtString,
  checkPersistRecord,
  normalizeIssuerDomainName,
  parsePersistRecord,
  persistName,
  persistRecordValue,
  zoneFileStrings,
} from '../../src/checks/dnspersist01/record.js';

const ACCOUNT = 'https://acme-v02.api.letsencrypt.org/acme/acct/1';

/** Every rule of the grammar (draft-ietf-acme-dns-persist §4.1, Boulder parseDNSPersistRecord's cases). */
const GRAMMAR: [
  string,
  string,
  { issuer?: string; account?: string; policy?: string; until?: number; error?: string },
][] = [
  ['valid record', `letsencrypt.org;accounturi=${ACCOUNT}`, { issuer: 'letsencrypt.org', account: ACCOUNT }],
  [
    'issuer upper case with trailing dot',
    `LETSENCRYPT.ORG.;accounturi=${ACCOUNT}`,
    { issuer: 'letsencrypt.org', account: ACCOUNT },
  ],
  [
    'another issuer is parsed',
    `other.example;accounturi=${ACCOUNT}`,
    { issuer: 'other.example', account: ACCOUNT },
  ],
  ['missing issuer', `;accounturi=${ACCOUNT}`, { error: 'empty issuer-domain-name' }],
  ['white space only issuer', ` \t;accounturi=${ACCOUNT}`, { error: 'empty issuer-domain-name' }],
  [
    'heavy white space around every part',
    `   letsencrypt.org   ;   accounturi   =   ${ACCOUNT}   ;   policy   =   wildcard   ;   persistUntil   =   4102444800   `,
    { issuer: 'letsencrypt.org', account: ACCOUNT, policy: 'wildcard', until: 4102444800 },
  ],
  [
    'tabs are WSP too',
    `letsencrypt.org\t;\taccounturi=${ACCOUNT}\t`,
    { issuer: 'letsencrypt.org', account: ACCOUNT },
  ],
  [
    'unknown tags ignored',
    `letsencrypt.org;accounturi=${ACCOUNT};bad tag=value;\nweird=\\x01337`,
    { issuer: 'letsencrypt.org', account: ACCOUNT },
  ],
  [
    'duplicate unknown tag ignored',
    `letsencrypt.org;accounturi=${ACCOUNT};foo=bar;foo=baz`,
    { issuer: 'letsencrypt.org', account: ACCOUNT },
  ],
  [
    'unknown tag with empty value ignored',
    `letsencrypt.org;accounturi=${ACCOUNT};foo=`,
    { issuer: 'letsencrypt.org', account: ACCOUNT },
  ],
  [
    '= allowed inside a value',
    `letsencrypt.org;accounturi=${ACCOUNT}?a=b`,
    { issuer: 'letsencrypt.org', account: `${ACCOUNT}?a=b` },
  ],
  [
    'parameter without =',
    `letsencrypt.org;accounturi=${ACCOUNT};invalidparam`,
    { issuer: 'letsencrypt.org', error: 'malformed parameter "invalidparam" should be tag=value pair' },
  ],
  [
    'empty tag',
    `letsencrypt.org;accounturi=${ACCOUNT};=abc`,
    { issuer: 'letsencrypt.org', error: 'malformed parameter "=abc", empty tag' },
  ],
  [
    'empty accounturi',
    'letsencrypt.org;accounturi=',
    { issuer: 'letsencrypt.org', error: 'empty value provided for mandatory accounturi' },
  ],
  [
    'missing accounturi',
    'letsencrypt.org;policy=wildcard',
    { issuer: 'letsencrypt.org', error: 'missing mandatory accounturi parameter' },
  ],
  [
    'issuer only',
    'letsencrypt.org',
    { issuer: 'letsencrypt.org', error: 'missing mandatory accounturi parameter' },
  ],
  [
    'space inside a value',
    `letsencrypt.org;accounturi=${ACCOUNT};policy=wild card`,
    { issuer: 'letsencrypt.org', error: 'malformed value "wild card" for tag "policy"' },
  ],
  [
    'non-ASCII value',
    `letsencrypt.org;accounturi=${ACCOUNT}é`,
    { issuer: 'letsencrypt.org', error: `malformed value "${ACCOUNT}é" for tag "accounturi"` },
  ],
  [
    'control character in an unknown tag value',
    `letsencrypt.org;accounturi=${ACCOUNT};x=a\u0001b`,
    { issuer: 'letsencrypt.org', error: 'malformed value' },
  ],
  [
    'non-numeric persistUntil',
    `letsencrypt.org;accounturi=${ACCOUNT};persistUntil=not-a-unix-timestamp`,
    { issuer: 'letsencrypt.org', error: 'malformed persistUntil timestamp "not-a-unix-timestamp"' },
  ],
  [
    'empty persistUntil',
    `letsencrypt.org;accounturi=${ACCOUNT};persistUntil=`,
    { issuer: 'letsencrypt.org', error: 'malformed persistUntil timestamp ""' },
  ],
  [
    'persistUntil beyond int64',
    `letsencrypt.org;accounturi=${ACCOUNT};persistUntil=9223372036854775808`,
    { issuer: 'letsencrypt.org', error: 'malformed persistUntil' },
  ],
  [
    'persistUntil with a sign (Go ParseInt)',
    `letsencrypt.org;accounturi=${ACCOUNT};persistUntil=+1721952000`,
    { issuer: 'letsencrypt.org', account: ACCOUNT, until: 1721952000 },
  ],
  [
    'negative persistUntil parses',
    `letsencrypt.org;accounturi=${ACCOUNT};persistUntil=-1`,
    { issuer: 'letsencrypt.org', account: ACCOUNT, until: -1 },
  ],
  [
    'ISO date is not a timestamp',
    `letsencrypt.org;accounturi=${ACCOUNT};persistUntil=2027-01-01`,
    { issuer: 'letsencrypt.org', error: 'malformed persistUntil' },
  ],
  [
    'trailing semicolon',
    `letsencrypt.org;accounturi=${ACCOUNT};`,
    { issuer: 'letsencrypt.org', error: 'empty parameter or trailing semicolon provided' },
  ],
  [
    'empty parameter in the middle',
    `letsencrypt.org;;accounturi=${ACCOUNT}`,
    { issuer: 'letsencrypt.org', error: 'empty parameter' },
  ],
  [
    'duplicate accounturi, case-insensitive',
    `letsencrypt.org;ACCOUNTURI=${ACCOUNT};accounturi=other`,
    { issuer: 'letsencrypt.org', error: 'duplicate parameter "accounturi"' },
  ],
  [
    'duplicate policy',
    `letsencrypt.org;accounturi=${ACCOUNT};policy=wildcard;Policy=wildcard`,
    { issuer: 'letsencrypt.org', error: 'duplicate parameter "Policy"' },
  ],
  [
    'duplicate persistUntil',
    `letsencrypt.org;accounturi=${ACCOUNT};persistUntil=1;PERSISTUNTIL=2`,
    { issuer: 'letsencrypt.org', error: 'duplicate parameter "PERSISTUNTIL"' },
  ],
  [
    'tag case-insensitive',
    `letsencrypt.org;AccountURI=${ACCOUNT};pOlIcY=wildcard`,
    { issuer: 'letsencrypt.org', account: ACCOUNT, policy: 'wildcard' },
  ],
  [
    'policy value kept as written',
    `letsencrypt.org;accounturi=${ACCOUNT};policy=WildCard`,
    { issuer: 'letsencrypt.org', account: ACCOUNT, policy: 'WildCard' },
  ],
  [
    'another issuer with a duplicate is still malformed',
    `other.example;accounturi=${ACCOUNT};accounturi=other`,
    { issuer: 'other.example', error: 'duplicate parameter "accounturi"' },
  ],
  [
    'valid persistUntil',
    `letsencrypt.org;accounturi=${ACCOUNT};persistUntil=1721952000`,
    { issuer: 'letsencrypt.org', account: ACCOUNT, until: 1721952000 },
  ],
  [
    'an SPF record is no issue-value',
    'v=spf1 include:_spf.example.com ~all',
    { error: 'malformed issuer-domain-name' },
  ],
  [
    'issuer with an underscore (STD3)',
    `lets_encrypt.org;accounturi=${ACCOUNT}`,
    { error: 'malformed issuer-domain-name' },
  ],
  [
    'IDN issuer to A-label',
    `LËTSENCRYPT.org;accounturi=${ACCOUNT}`,
    { issuer: 'xn--ltsencrypt-x7a.org', account: ACCOUNT },
  ],
];

describe('parsePersistRecord: the CA grammar', () => {
  it.each(GRAMMAR)('%s', (_name, record, want) => {
    const r = parsePersistRecord(record);
    if (want.error) {
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toContain(want.error);
      expect(r.ok ? undefined : r.issuer).toBe(want.issuer);
      return;
    }
    expect(r).toMatchObject({ ok: true, issuer: want.issuer, params: { accountUri: want.account } });
    if (r.ok) {
      expect(r.params.policy).toBe(want.policy ?? '');
      expect(r.params.persistUntil).toBe(want.until);
    }
  });
});

describe('normalizeIssuerDomainName (draft §9.2)', () => {
  it.each([
    ['EXAMPLE.com.', 'example.com'],
    // The draft's §9.2 example (üÑICODE -> xn--nicode-example-9jb) is self-inconsistent: Ñ folds to ñ, and
    // xn--nicode-example-9jb decodes to "énicode-example". These are what UTS #46 gives.
    ['ÜNICODE-example.com.', 'xn--nicode-example-fsb.com'],
    ['üÑICODE-example.com.', 'xn--icode-example-hkb8n.com'],
    ['letsencrypt.org', 'letsencrypt.org'],
  ])('%s -> %s', (raw, want) => {
    expect(normalizeIssuerDomainName(raw)).toEqual({ ok: true, name: want });
  });
  it.each(['-lets.org', 'lets-.org', 'ab--c.org', 'a b.org', '%41.org', 'x'.repeat(254)])(
    'refuses %s',
    (raw) => {
      expect(normalizeIssuerDomainName(raw).ok).toBe(false);
    },
  );
});

describe('checkPersistRecord (Boulder checkDNSPersistRecord)', () => {
  const now = new Date('2026-12-02T08:00:00Z');
  const sec = Math.floor(now.getTime() / 1000);
  const p = (over: Partial<{ accountUri: string; policy: string; persistUntil: number }> = {}) => ({
    accountUri: ACCOUNT,
    policy: '',
    unknownTags: [],
    ...over,
  });
  it.each<[string, ReturnType<typeof p>, boolean, string | undefined]>([
    ['valid non-wildcard', p(), false, undefined],
    ['valid wildcard', p({ policy: 'wildcard' }), true, undefined],
    ['policy case-insensitive', p({ policy: 'wIlDcArD' }), true, undefined],
    ['other policy is absent for a non-wildcard', p({ policy: 'notwildcard' }), false, undefined],
    ['future persistUntil', p({ persistUntil: sec + 3600 }), false, undefined],
    ['persistUntil equal to now still valid', p({ persistUntil: sec }), false, undefined],
    [
      'accounturi mismatch',
      p({ accountUri: 'https://acme-v02.api.letsencrypt.org/acme/acct/2' }),
      false,
      'accounturi',
    ],
    ['accounturi differs in case only', p({ accountUri: ACCOUNT.toUpperCase() }), false, 'accounturi'],
    ['wildcard without policy', p(), true, 'policy'],
    ['wildcard with another policy', p({ policy: 'notwildcard' }), true, 'policy'],
    ['expired persistUntil', p({ persistUntil: sec - 1 }), false, 'persistUntil'],
    ['negative persistUntil', p({ persistUntil: -1 }), false, 'persistUntil'],
  ])('%s', (_n, params, wildcard, reason) => {
    const r = checkPersistRecord(params, ACCOUNT, wildcard, now);
    expect(r.ok ? undefined : r.reason).toBe(reason);
  });
  it('says both account URIs and the times as the CA does', () => {
    const r = checkPersistRecord(p({ accountUri: 'x', persistUntil: 0 }), ACCOUNT, false, now);
    expect(r).toMatchObject({ error: `accounturi mismatch: expected "${ACCOUNT}", got "x"` });
    const t = checkPersistRecord(p({ persistUntil: 0 }), ACCOUNT, false, now);
    expect(t).toMatchObject({
      error: 'validation time 2026-12-02T08:00:00Z is after persistUntil 1970-01-01T00:00:00Z',
    });
  });
});

describe('record text', () => {
  it('the CA sees TXT bytes as miekg/dns presents them', () => {
    expect(caTxtString(Buffer.from('a"b\\c\td\u00e9'))).toBe('a\\"b\\\\c\\009d\\195\\169');
  });
  it('a tab in the bytes is therefore no white space to the CA', () => {
    const r = parsePersistRecord(caTxtString(Buffer.from(`letsencrypt.org;\taccounturi=${ACCOUNT}`)));
    expect(r).toMatchObject({ ok: false, error: 'missing mandatory accounturi parameter' });
  });
  it('the printed value parses back to an authorising record', () => {
    for (const wildcard of [false, true]) {
      const v = persistRecordValue({
        issuerDomain: 'letsencrypt.org',
        accountUri: ACCOUNT,
        wildcard,
        persistUntil: 4102444800,
      });
      const r = parsePersistRecord(v);
      expect(r.ok && checkPersistRecord(r.params, ACCOUNT, wildcard, new Date()).ok).toBe(true);
    }
  });
  it('zone-file strings are split at 255 octets and escaped', () => {
    const long = 'a'.repeat(300) + '"';
    const s = zoneFileStrings(long);
    expect(s).toBe(`"${'a'.repeat(255)}" "${'a'.repeat(45)}\\""`);
  });
  it('names', () => {
    expect(persistName('*.Example.COM.')).toBe('_validation-persist.example.com');
  });
  it('account URIs that cannot be put in a record', () => {
    expect(accountUriProblem(ACCOUNT)).toBeUndefined();
    expect(accountUriProblem('https://x/a b')).toContain('" "');
    expect(accountUriProblem('https://x/a;b')).toContain('";"');
    expect(accountUriProblem('')).toBeDefined();
  });
});
