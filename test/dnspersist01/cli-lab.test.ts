import { startLab, type Lab } from '../../src/lab/index.js';
import { preflight } from '../../src/engine/preflight.js';
import { applyPersistRecord, persistRecords } from '../../src/solve/persist-record.js';
import { present, verify } from '../../src/solve/dns01.js';
import { placeTxt } from '../../src/solve/place-txt.js';
import { RecordStore } from '../../src/solve/store.js';
import { hookSettings } from '../../src/cli/hooks/settings.js';
import { accountChallengeName } from '../../src/checks/dns01/account.js';
import { parsePersistUntil } from '../../src/cli/persist-record-run.js';
import { FakeLabProvider } from '../dns01/fake-provider.js';
import { cli, labFlags } from '../cli/helpers.js';

const ACCOUNT = 'https://acme-v02.api.letsencrypt.org/acme/acct/12345';
const OTHER = 'https://acme-v02.api.letsencrypt.org/acme/acct/999';
const scenario = (f: string): string => new URL(`../../fixtures/scenarios/${f}`, import.meta.url).pathname;

describe('check --challenge dns-persist-01 against the lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(scenario('dnspersist01-lab.yaml'));
  });
  afterAll(() => lab.stop());
  const flags = (): string[] => [...labFlags(lab), '--skip', 'propagation'];

  it.each(['dns-persist-01', 'dns-account-01'])(
    '%s without --account-uri is a usage error (exit 2)',
    async (c) => {
      const r = await cli(['check', 'valid.persist.test', '--challenge', c, ...flags()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--account-uri');
      expect(r.stdout).toBe('');
    },
  );

  it('the library refuses it too', async () => {
    await expect(
      preflight(['valid.persist.test'], { challenge: 'dns-persist-01', profile: lab.profile }),
    ).rejects.toThrow('accountUri');
  });

  it('a valid record passes (exit 0) and says it is proven', async () => {
    const r = await cli([
      'check',
      'valid.persist.test',
      '-c',
      'dns-persist-01',
      '--account-uri',
      ACCOUNT,
      '--format',
      'json',
      ...flags(),
    ]);
    expect(r.code).toBe(0);
    const id = JSON.parse(r.stdout).identifiers[0];
    expect(id.challenge).toBe('dns-persist-01');
    expect(id.verdict).toBe('pass');
    const ok = id.findings.find((f: { code: string }) => f.code === 'PERSIST01_AUTHORISED');
    expect(ok.detail).toContain('proven');
    // No address checks for a DNS challenge.
    expect(id.findings.some((f: { code: string }) => f.code.startsWith('DNS_RESOLVED'))).toBe(false);
  });

  it("another account's record fails (exit 1) with the CA's words and both URIs", async () => {
    const r = await cli([
      'check',
      'otheraccount.persist.test',
      '-c',
      'dns-persist-01',
      '--account-uri',
      ACCOUNT,
      '--format',
      'json',
      ...flags(),
    ]);
    expect(r.code).toBe(1);
    const f = JSON.parse(r.stdout).identifiers[0].findings[0];
    expect(f.code).toBe('PERSIST01_ACCOUNT_MISMATCH');
    expect(f.acmeProblem).toBe('urn:ietf:params:acme:error:unauthorized');
    expect(f.caMessage).toBe(
      `Checking DNS-PERSIST-01 challenge TXT record with issuer-domain-name "letsencrypt.org": accounturi mismatch: expected "${ACCOUNT}", got "${OTHER}"`,
    );
  });

  it('--ca changes the issuer the record must name', async () => {
    const r = await cli([
      'check',
      'otherca.persist.test',
      '-c',
      'dns-persist-01',
      '--account-uri',
      'https://acme.sectigo.com/v2/account/1',
      '--ca',
      'sectigo',
      ...flags(),
    ]);
    expect(r.code).toBe(0);
  });

  it('--provider does not apply to dns-persist-01', async () => {
    const r = await cli([
      'check',
      'valid.persist.test',
      '-c',
      'dns-persist-01',
      '--account-uri',
      ACCOUNT,
      '--provider',
      'rfc2136',
      ...flags(),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('persist-record');
  });

  it('a wildcard is allowed with dns-persist-01 and dns-account-01, not with http-01', async () => {
    for (const c of ['dns-persist-01', 'dns-account-01']) {
      const rep = await preflight(['*.wild.persist.test'], {
        challenge: c as never,
        accountUri: ACCOUNT,
        profile: lab.profile,
        skip: ['propagation'],
      });
      expect(rep.identifiers[0]!.findings.map((f) => f.code)).not.toContain('IDENT_WILDCARD_NEEDS_DNS01');
    }
    const http = await preflight(['*.wild.persist.test'], { challenge: 'http-01', profile: lab.profile });
    expect(http.identifiers[0]!.findings[0]!.code).toBe('IDENT_WILDCARD_NEEDS_DNS01');
  });

  it('an IP address cannot use either', async () => {
    const rep = await preflight(['192.0.2.1'], {
      challenge: 'dns-persist-01',
      accountUri: ACCOUNT,
      profile: lab.profile,
    });
    expect(rep.identifiers[0]!.findings.map((f) => f.code)).toContain('IDENT_IP_NEEDS_HTTP_OR_TLS');
  });
});

describe('persist-record', () => {
  it('prints the zone-file line and the bare value', async () => {
    const r = await cli(['persist-record', 'Example.com', '--account-uri', ACCOUNT]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `_validation-persist.example.com. 3600 IN TXT "letsencrypt.org; accounturi=${ACCOUNT}"\nvalue: letsencrypt.org; accounturi=${ACCOUNT}\n`,
    );
  });

  it('--wildcard, a *. name, --persist-until and --ca', async () => {
    const r = await cli([
      'persist-record',
      'a.example.com',
      '*.b.example.com',
      '--account-uri',
      ACCOUNT,
      '--persist-until',
      '2099-01-01',
      '--ca',
      'sectigo',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const { records } = JSON.parse(r.stdout);
    expect(records.map((x: { value: string }) => x.value)).toEqual([
      `sectigo.com; accounturi=${ACCOUNT}; persistUntil=4070908800`,
      `sectigo.com; accounturi=${ACCOUNT}; policy=wildcard; persistUntil=4070908800`,
    ]);
    const w = await cli(['persist-record', 'a.example.com', '--account-uri', ACCOUNT, '--wildcard']);
    expect(w.stdout).toContain('policy=wildcard');
  });

  it('a name and its wildcard share one record with policy=wildcard', () => {
    const rs = persistRecords(['example.com', '*.example.com'], { accountUri: ACCOUNT });
    expect(rs).toHaveLength(1);
    expect(rs[0]!.wildcard).toBe(true);
    expect(rs[0]!.identifiers).toEqual(['example.com', '*.example.com']);
  });

  it.each([
    [['persist-record', 'example.com'], '--account-uri'],
    [['persist-record', 'example.com', '--account-uri', 'https://x.example/a b'], 'printable ASCII'],
    [['persist-record', 'example.com', '--account-uri', 'not a url;'], '--account-uri'],
    [['persist-record', 'example.com', '--account-uri', 'ftp://x.example/1'], 'http(s)'],
    [
      ['persist-record', 'example.com', '--account-uri', ACCOUNT, '--persist-until', '2001-01-01'],
      'not in the future',
    ],
    [['persist-record', 'example.com', '--account-uri', ACCOUNT, '--persist-until', 'soon'], 'YYYY-MM-DD'],
    [['persist-record', 'example.com', '--account-uri', ACCOUNT, '--apply'], '--provider'],
    [['persist-record', '192.0.2.1', '--account-uri', ACCOUNT], 'DNS name'],
    [['persist-record', 'bad..name', '--account-uri', ACCOUNT], ''],
  ])('%j is a usage error', async (argv, msg) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(msg);
  });

  it('--persist-until forms', () => {
    expect(parsePersistUntil('2030-01-01')).toBe(1893456000);
    expect(parsePersistUntil('2030-01-01T12:00:00+02:00')).toBe(1893492000);
    expect(parsePersistUntil('1893456000')).toBe(1893456000);
  });
});

describe('persist-record --apply through a provider (lab)', () => {
  let lab: Lab;
  beforeEach(async () => {
    lab = await startLab(scenario('dnspersist01-lab.yaml'));
  });
  afterEach(() => lab.stop());

  it('creates exactly one record, waits for both servers, the CA would accept it; a second run creates nothing', async () => {
    const provider = new FakeLabProvider(lab, {
      servers: { 'ns1.persist.test': 0, 'ns2.persist.test': 150 },
    });
    const [record] = persistRecords(['fresh.persist.test'], { accountUri: ACCOUNT });
    const r = await applyPersistRecord(provider, record!, {
      profile: lab.profile,
      accountUri: ACCOUNT,
      timeoutMs: 5000,
    });
    expect(provider.calls).toEqual([`create _validation-persist.fresh.persist.test ${record!.value}`]);
    expect(r.created).toBe(true);
    expect(r.propagation?.complete).toBe(true);
    expect(r.propagation?.targets.map((t) => t.firstSeenMs !== undefined)).toEqual([true, true]);
    expect(r.judgement?.valid).toBe(true);
    expect(r.ok).toBe(true);
    const again = await applyPersistRecord(provider, record!, {
      profile: lab.profile,
      accountUri: ACCOUNT,
      timeoutMs: 5000,
    });
    expect(provider.calls).toHaveLength(1);
    expect(again.created).toBe(false);
    expect(again.ok).toBe(true);
    const check = await preflight(['fresh.persist.test'], {
      challenge: 'dns-persist-01',
      accountUri: ACCOUNT,
      profile: lab.profile,
      skip: ['propagation'],
    });
    expect(check.identifiers[0]!.verdict).toBe('pass');
  });

  it('a CNAME-delegated name gets the record at the target', async () => {
    lab.removeRecord(
      'ns1.persist-target.test',
      'cname-persist-test.persist-target.test. 300 IN TXT "letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/12345"',
    );
    const provider = new FakeLabProvider(lab, { servers: { 'ns1.persist-target.test': 0 } });
    const [record] = persistRecords(['cname.persist.test'], { accountUri: OTHER });
    const r = await applyPersistRecord(provider, record!, {
      profile: lab.profile,
      accountUri: OTHER,
      timeoutMs: 5000,
    });
    expect(r.effective).toBe('cname-persist-test.persist-target.test');
    expect(provider.calls).toEqual([`create cname-persist-test.persist-target.test ${record!.value}`]);
    expect(r.ok).toBe(true);
  });

  it('a record a server never gets is not reported served', async () => {
    const provider = new FakeLabProvider(lab, { servers: { 'ns1.persist.test': 0, 'ns2.persist.test': -1 } });
    const [record] = persistRecords(['lost.persist.test'], { accountUri: ACCOUNT });
    const r = await applyPersistRecord(provider, record!, {
      profile: lab.profile,
      accountUri: ACCOUNT,
      timeoutMs: 800,
    });
    expect(r.propagation?.complete).toBe(false);
    expect(r.ok).toBe(false);
  });
});

describe('dns-account-01 records through a provider (lab)', () => {
  let lab: Lab;
  beforeEach(async () => {
    lab = await startLab(scenario('dnsaccount01-lab.yaml'));
  });
  afterEach(() => lab.stop());
  const servers = { 'ns1.acct.test': 0, 'ns2.acct.test': 0 };
  const label = accountChallengeName('ready.acct.test', ACCOUNT);

  it('present and verify use the account label', async () => {
    const provider = new FakeLabProvider(lab, { servers });
    const value = 'e4poW-EBoq21JA9OrAOs8Izzml-1iB5kE5hWbN2FDkM';
    const p = await present(provider, 'ready.acct.test', value, {
      profile: lab.profile,
      accountUri: ACCOUNT,
      timeoutMs: 3000,
    });
    expect(p.fqdn).toBe(label);
    expect(provider.calls).toEqual([`create ${label} ${value}`]);
    const v = await verify('ready.acct.test', value, { profile: lab.profile, accountUri: ACCOUNT });
    expect(v.ok).toBe(true);
    const wrong = await verify('ready.acct.test', 'x'.repeat(43), {
      profile: lab.profile,
      accountUri: ACCOUNT,
    });
    expect(wrong.judgement.problem?.detail).toBe(
      `Incorrect TXT record "${value}" found at ${label} (account: "${ACCOUNT}")`,
    );
    // The plain dns-01 name stays empty.
    const plain = await verify('ready.acct.test', value, { profile: lab.profile });
    expect(plain.ok).toBe(false);
  });

  it('the hooks place at the label (an _acme-challenge fqdn from lego is rewritten)', async () => {
    const provider = new FakeLabProvider(lab, { servers });
    const s = hookSettings({ challenge: 'dns-account-01', 'account-uri': ACCOUNT }, {}, '/nonexistent');
    const r = await placeTxt(provider, '_acme-challenge.ready.acct.test', 'v1', {
      profile: lab.profile,
      store: new RecordStore(),
      timeoutMs: 3000,
      accountUri: s.accountUri,
    });
    expect(r.ok).toBe(true);
    expect(provider.calls).toEqual([`create ${label} v1`]);
  });

  it('hook settings: dns-account-01 needs the account URL, from the flag or the environment', () => {
    expect(() => hookSettings({ challenge: 'dns-account-01' }, {}, '/nonexistent')).toThrow(
      'ACME_PREFLIGHT_ACCOUNT_URI',
    );
    const s = hookSettings(
      {},
      { ACME_PREFLIGHT_CHALLENGE: 'dns-account-01', ACME_PREFLIGHT_ACCOUNT_URI: ACCOUNT },
      '/nonexistent',
    );
    expect(s.accountUri).toBe(ACCOUNT);
    expect(hookSettings({}, {}, '/nonexistent').accountUri).toBeUndefined();
  });

  it('check --provider with dns-account-01 places a test record at the label and removes it', async () => {
    const provider = new FakeLabProvider(lab, { servers });
    const rep = await preflight(['ready.acct.test'], {
      challenge: 'dns-account-01',
      accountUri: ACCOUNT,
      profile: lab.profile,
      skip: ['propagation'],
      dns01: { provider, propagationTimeoutMs: 3000 },
    });
    expect(rep.identifiers[0]!.findings.map((f) => f.code)).toContain('DNS01_TEST_RECORD_VISIBLE');
    expect(provider.calls[0]).toMatch(new RegExp(`^create ${label.replace(/\./g, '\\.')} `));
    expect(provider.calls[1]).toMatch(/^delete /);
  });

  it('dns01 verify --challenge dns-account-01 needs --account-uri', async () => {
    const r = await cli([
      'dns01',
      'verify',
      'ready.acct.test',
      '--expect',
      'x',
      '--challenge',
      'dns-account-01',
      ...labFlags(lab),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--account-uri');
  });
});
