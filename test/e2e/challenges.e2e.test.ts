// dns-persist-01 and dns-account-01 with records in real BIND (the stack's update.test, inline-signed, and
// bogus.test with expired signatures). Debian's Pebble (2.4.0) offers neither challenge, so nothing here
// orders a certificate: the predictions are compared with the CA's rules (CA-RULES "DNS-PERSIST-01",
// "DNS-ACCOUNT-01"; Boulder va/dns_persist.go, va/dns.go) on records served by a real name server.
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { queryOnce } from '../../src/dns/transport.js';
import type { ServerEndpoint } from '../../src/dns/types.js';
import { txtValue } from '../../src/checks/dns01/value.js';
import { accountChallengeName } from '../../src/checks/dns01/account.js';
import { preflight } from '../../src/engine/preflight.js';
import { argsForProfile } from '../../src/config/profile.js';
import { cli } from '../cli/helpers.js';
import { corpusProfile, publishTxt } from './corpus/harness.js';
import { loadStackEnv } from './stackEnv.js';

const env = loadStackEnv();
const profile = corpusProfile(env);
const flags = [...argsForProfile(profile), '--trust-anchor', env.rootAnchor];
const providerEnv = {
  RFC2136_NAMESERVER: `${env.updateServer}:${env.dnsPort}`,
  RFC2136_TSIG_KEY: env.tsig.name,
  RFC2136_TSIG_SECRET: env.tsig.secret,
  RFC2136_TSIG_ALGORITHM: env.tsig.algorithm,
  RFC2136_TTL: '1',
};
const ACCOUNT = 'https://acme-v02.api.letsencrypt.org/acme/acct/12345';
const OTHER = 'https://acme-v02.api.letsencrypt.org/acme/acct/999';
const tag = (): string => randomBytes(4).toString('hex');
const servers: ServerEndpoint[] = [env.childNs1, env.childNs2].map((address) => ({
  address,
  port: env.dnsPort,
}));

/** The TXT records each authoritative server serves at name (one entry per record). */
async function served(name: string): Promise<string[][]> {
  return Promise.all(
    servers.map(async (s) => {
      const o = await queryOnce(s, { name, type: 'TXT' }, { rd: false, retries: 1, timeoutMs: 2000 });
      if (!o.ok) throw new Error(`${s.address}: ${o.failure.message}`);
      return o.response.answers.filter((r) => r.type === 'TXT').map(txtValue);
    }),
  );
}

/** A removal reaches the secondary by NOTIFY and IXFR: poll until every server agrees (bounded). */
async function servedOnce(name: string, want: string[][], timeoutMs = 10_000): Promise<string[][]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const got = await served(name);
    if (JSON.stringify(got) === JSON.stringify(want) || Date.now() > until) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Removes what a test published, so reruns start clean (test cleanup, not the tool's). */
async function remove(names: string[]): Promise<void> {
  const lines = [
    `server ${env.updateServer}`,
    `zone ${env.updateZone}`,
    ...names.map((n) => `update delete ${n}.`),
    'send',
    '',
  ];
  await new Promise<void>((resolve, reject) => {
    const child = execFile('nsupdate', ['-t', '5', '-k', env.tsig.keyFile], (e) =>
      e ? reject(e) : resolve(),
    );
    child.stdin?.end(lines.join('\n'));
  });
}

const check = (names: string[], challenge: 'dns-persist-01' | 'dns-account-01', accountUri = ACCOUNT) =>
  preflight(names, { challenge, accountUri, profile });

describe('persist-record --apply with the rfc2136 provider, then check', () => {
  const name = `persist-${tag()}.${env.updateZone}`;
  const at = `_validation-persist.${name}`;
  afterAll(() => remove([at]));

  it('creates exactly one record, reports it served everywhere, and check --challenge dns-persist-01 passes', async () => {
    const r = await cli(
      [
        'persist-record',
        name,
        '--account-uri',
        ACCOUNT,
        '--provider',
        'rfc2136',
        '--apply',
        '--format',
        'json',
        ...flags,
      ],
      providerEnv,
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.standing).toBe(true);
    const [res] = out.results;
    expect(res.created).toBe(true);
    expect(res.propagation.complete).toBe(true);
    expect(res.propagation.targets.length).toBeGreaterThanOrEqual(2);
    expect(res.propagation.targets.every((t: { firstSeenMs?: number }) => t.firstSeenMs !== undefined)).toBe(
      true,
    );
    expect(res.judgement.valid).toBe(true);
    expect(r.stdout).not.toContain(env.tsig.secret);
    const value = `letsencrypt.org; accounturi=${ACCOUNT}`;
    expect(await served(at)).toEqual([[value], [value]]);

    const c = await cli([
      'check',
      name,
      '--challenge',
      'dns-persist-01',
      '--account-uri',
      ACCOUNT,
      '--format',
      'json',
      ...flags,
    ]);
    const report = JSON.parse(c.stdout);
    expect(
      report.identifiers[0].findings.filter((f: { severity: string }) => f.severity === 'error'),
    ).toEqual([]);
    expect(report.identifiers[0].findings.map((f: { code: string }) => f.code)).toContain(
      'PERSIST01_AUTHORISED',
    );
    expect(c.code).toBe(0);
  });

  it('a second --apply creates nothing: still one record', async () => {
    const r = await cli(
      ['persist-record', name, '--account-uri', ACCOUNT, '--provider', 'rfc2136', '--apply', ...flags],
      providerEnv,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing created');
    expect(r.stdout).toContain('standing record');
    expect((await served(at)).map((s) => s.length)).toEqual([1, 1]);
  });
});

describe('dns-persist-01 predictions on records served by BIND agree with the CA rules', () => {
  const t = tag();
  const n = (label: string): string => `${label}-${t}.${env.updateZone}`;
  const rec = (label: string): string => `_validation-persist.${n(label)}`;
  const good = `letsencrypt.org; accounturi=${ACCOUNT}`;
  const published: string[] = [];
  beforeAll(async () => {
    const records = [
      { name: rec('valid'), values: [good] },
      { name: rec('account'), values: [`letsencrypt.org; accounturi=${OTHER}`] },
      { name: rec('wild'), values: [good] },
      { name: rec('wildok'), values: [`${good}; policy=wildcard`] },
      { name: rec('expired'), values: [`${good}; persistUntil=1700000000`] },
      { name: rec('malformed'), values: [`${good}; accounturi=${OTHER}`] },
      { name: rec('otherca'), values: ['sectigo.com; accounturi=https://acme.sectigo.com/v2/account/1'] },
      {
        name: rec('split'),
        values: [['letsencrypt.org; accounturi=https://acme-v02.api.letsencrypt.org', '/acme/acct/12345']],
      },
      { name: `target-${t}.${env.updateZone}`, values: [good] },
    ];
    const extra = [{ name: rec('cname'), type: 'CNAME', data: `target-${t}.${env.updateZone}.` }];
    await publishTxt(env, records, extra);
    published.push(...records.map((r) => r.name), ...extra.map((x) => x.name));
  });
  afterAll(() => remove(published));

  it.each([
    ['valid', 'pass', undefined, undefined],
    ['account', 'fail', 'PERSIST01_ACCOUNT_MISMATCH', 'unauthorized'],
    ['*.wild', 'fail', 'PERSIST01_WILDCARD_POLICY_MISSING', 'unauthorized'],
    ['*.wildok', 'pass', undefined, undefined],
    ['expired', 'fail', 'PERSIST01_EXPIRED', 'unauthorized'],
    ['malformed', 'fail', 'PERSIST01_MALFORMED', 'malformed'],
    ['otherca', 'fail', 'PERSIST01_OTHER_ISSUER', 'unauthorized'],
    ['split', 'pass', undefined, undefined],
    ['cname', 'pass', undefined, undefined],
    ['none', 'fail', 'PERSIST01_LOOKUP_FAILED', 'dns'],
  ])('%s: %s %s', async (label, verdict, code, type) => {
    const id = label.startsWith('*.') ? `*.${n(label.slice(2))}` : n(label);
    const report = await check([id], 'dns-persist-01');
    const i = report.identifiers[0]!;
    const errors = i.findings.filter((f) => f.severity === 'error');
    expect(i.verdict === 'fail' ? 'fail' : 'pass').toBe(verdict);
    if (code) {
      expect(errors[0]?.code).toBe(code);
      expect(errors[0]?.acmeProblem).toBe(`urn:ietf:params:acme:error:${type}`);
    } else expect(errors).toEqual([]);
  });

  it('a bogus DNSSEC chain (bogus.test, signatures expired) fails the _validation-persist lookup', async () => {
    const report = await check(['bogus.test'], 'dns-persist-01');
    const bogus = report.identifiers[0]!.findings.find((f) => f.code.startsWith('DNSSEC_BOGUS'));
    expect(bogus?.severity).toBe('error');
    expect(
      report.identifiers[0]!.findings.some((f) => f.caMessage?.includes('_validation-persist.bogus.test')),
    ).toBe(true);
  });
});

describe('dns-account-01 through dns01 present|verify|cleanup with the rfc2136 provider', () => {
  const name = `acct-${tag()}.${env.updateZone}`;
  const label = accountChallengeName(name, ACCOUNT);
  // Always one that starts with '-' (one real value in 64 does): it once read as flags and exited 2.
  const value = `-${randomBytes(32).toString('base64url').slice(0, 42)}`;
  afterAll(() => remove([label]));

  it('the record goes to the account label, verify passes there, cleanup removes it', async () => {
    const state = `${env.workdir}/acct-${tag()}.json`;
    const acct = ['--challenge', 'dns-account-01', '--account-uri', ACCOUNT, ...flags];
    const p = await cli(
      ['dns01', 'present', name, value, '--provider', 'rfc2136', '--state-file', state, ...acct],
      providerEnv,
    );
    expect(p.code).toBe(0);
    expect(p.stdout).toContain(label);
    expect(await served(label)).toEqual([[value], [value]]);
    expect(await served(`_acme-challenge.${name}`)).toEqual([[], []]);
    const v = await cli(['dns01', 'verify', name, '--expect', value, ...acct]);
    expect(v.code).toBe(0);
    const wrong = await cli([
      'dns01',
      'verify',
      name,
      '--expect',
      'x'.repeat(43),
      '--format',
      'json',
      ...acct,
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain(`(account: \\"${ACCOUNT}\\")`);
    const report = await check([name], 'dns-account-01');
    expect(report.identifiers[0]!.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const c = await cli(
      ['dns01', 'cleanup', name, '--provider', 'rfc2136', '--state-file', state, ...acct],
      providerEnv,
    );
    expect(c.code).toBe(0);
    expect(c.stdout).toContain(`Removed ${label}`);
    expect(await servedOnce(label, [[], []])).toEqual([[], []]);
  });
});
