// ACME clients with acme-preflight's integrations against Pebble and BIND inside the e2e namespace:
// certbot with the manual hooks (DNS-01 through rfc2136, HTTP-01 through nginx's webroot), guard in
// front of certbot, lego's exec provider (default and RAW modes), the acme.sh dnsapi script,
// acme-client auto() with withPreflight (examples/acme-client.mjs) and the --acme-dry-run function.
// Needs a build first: npx tsc -p tsconfig.build.json (the CLI runs as node dist/...).
import https from 'node:https';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import acme from 'acme-client';
import { loadStackEnv } from './stackEnv.js';
import { acmeDryRun, formatDryRun } from '../../src/acme/dry-run.js';
import { createProvider } from '../../providers/registry.js';
import { withProfile } from '../../src/profile.js';

const run = promisify(execFile);
const env = loadStackEnv();
const root = resolve('.');
const tag = randomBytes(3).toString('hex');
const work = join(env.workdir, `integrations-${tag}`);

const cliEntry = join(root, 'dist/src/cli/main.js');
const CLI = `${process.execPath} ${cliEntry}`;

const rfc2136 = {
  RFC2136_NAMESERVER: env.updateServer,
  RFC2136_TSIG_KEY: env.tsig.name,
  RFC2136_TSIG_SECRET: env.tsig.secret,
  RFC2136_TSIG_ALGORITHM: env.tsig.algorithm,
};
const netFlags = [
  '--root-hints',
  `a.root-servers.test=${env.rootNs}`,
  '--trust-anchor',
  env.rootAnchor,
  '--resolver',
  'none',
  '--allow-address',
  '127.0.0.0/8',
  '--public-suffix',
  'test',
];
const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: work,
  XDG_STATE_HOME: join(work, 'state'),
  REQUESTS_CA_BUNDLE: env.pebble.caCert,
  LEGO_CA_CERTIFICATES: env.pebble.caCert,
  NODE_EXTRA_CA_CERTS: env.pebble.caCert,
  ...extra,
});

interface Ran {
  code: number;
  out: string;
}
async function sh(file: string, args: string[], extra: Record<string, string> = {}): Promise<Ran> {
  try {
    const r = await run(file, args, { env: childEnv(extra), cwd: work, maxBuffer: 16 << 20 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` };
  }
}

/** TXT values BIND's update server holds at name, without quotes. */
async function txtAt(name: string): Promise<string[]> {
  const { stdout } = await run('dig', ['+norec', '+short', `@${env.updateServer}`, name, 'TXT']);
  return stdout
    .split('\n')
    .map((l) => l.trim().replace(/^"|"$/g, ''))
    .filter(Boolean);
}

const storedRecords = (): unknown[] => {
  const p = join(work, 'state', 'acme-preflight', 'records.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { records: unknown[] }).records : [];
};

const certbot = (name: string, dir: string, args: string[], extra: Record<string, string> = {}) =>
  sh(
    'certbot',
    [
      'certonly',
      '--manual',
      ...args,
      '-d',
      name,
      '--server',
      env.pebble.directoryUrl,
      '--agree-tos',
      '-m',
      'admin@example.org',
      '--non-interactive',
      '--config-dir',
      join(dir, 'config'),
      '--work-dir',
      join(dir, 'work'),
      '--logs-dir',
      join(dir, 'logs'),
    ],
    extra,
  );

const certFor = (dir: string, name: string): string =>
  readFileSync(join(dir, 'config', 'live', name, 'cert.pem'), 'utf8');

beforeAll(() => {
  mkdirSync(work, { recursive: true });
  const network = [
    'network:',
    `  rootHints: [a.root-servers.test=${env.rootNs}]`,
    `  trustAnchor: ${env.rootAnchor}`,
    '  resolvers: []',
    '  allowAddresses: [127.0.0.0/8]',
    '  publicSuffixes: [test]',
    '  timeout: 2',
  ].join('\n');
  writeFileSync(join(work, 'net.yml'), `${network}\n`);
  writeFileSync(join(work, 'dns.yml'), `provider: rfc2136\n${network}\n`);
  acme.axios.defaults.httpsAgent = new https.Agent({ ca: readFileSync(env.pebble.caCert) });
  acme.setLogger(() => undefined);
});

describe('certbot with the hooks', () => {
  it('issues by DNS-01 through rfc2136, and cleanup leaves no record', async () => {
    const name = `cb-${tag}.${env.updateZone}`;
    const cfg = join(work, 'dns.yml');
    const r = await certbot(
      name,
      join(work, 'certbot-dns'),
      [
        '--preferred-challenges',
        'dns',
        '--manual-auth-hook',
        `${CLI} hook certbot-auth --config ${cfg}`,
        '--manual-cleanup-hook',
        `${CLI} hook certbot-cleanup --config ${cfg}`,
      ],
      rfc2136,
    );
    expect(r.out).toContain('Visible everywhere');
    expect(r.code).toBe(0);
    expect(certFor(join(work, 'certbot-dns'), name)).toContain('BEGIN CERTIFICATE');
    expect(await txtAt(`_acme-challenge.${name}`)).toEqual([]);
    expect(storedRecords()).toEqual([]);
  }, 60_000);

  it('issues by HTTP-01 through the webroot, and cleanup removes the token file', async () => {
    const name = `good.web.test`;
    const before = readdirSync(join(env.webroot, '.well-known', 'acme-challenge')).sort();
    const r = await certbot(name, join(work, 'certbot-http'), [
      '--preferred-challenges',
      'http',
      '--manual-auth-hook',
      `${CLI} hook certbot-auth --config ${join(work, 'net.yml')} --webroot ${env.webroot}`,
      '--manual-cleanup-hook',
      `${CLI} hook certbot-cleanup --config ${join(work, 'net.yml')}`,
    ]);
    expect(r.out).toContain('serves the HTTP-01 token from every address');
    expect(r.code).toBe(0);
    expect(certFor(join(work, 'certbot-http'), name)).toContain('BEGIN CERTIFICATE');
    expect(readdirSync(join(env.webroot, '.well-known', 'acme-challenge')).sort()).toEqual(before);
  }, 60_000);
});

describe('guard', () => {
  it('stops certbot for a broken name before it starts (no order, no certbot log)', async () => {
    const dir = join(work, 'guard-broken');
    const r = await sh(process.execPath, [
      cliEntry,
      'guard',
      'www.bogus.test',
      '--config',
      join(work, 'net.yml'),
      '--',
      'certbot',
      'certonly',
      '--webroot',
      '-w',
      env.webroot,
      '-d',
      'www.bogus.test',
      '--server',
      env.pebble.directoryUrl,
      '--agree-tos',
      '-m',
      'admin@example.org',
      '--non-interactive',
      '--config-dir',
      join(dir, 'config'),
      '--work-dir',
      join(dir, 'work'),
      '--logs-dir',
      join(dir, 'logs'),
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/DNSSEC/);
    expect(r.out).toContain('not running certbot');
    expect(existsSync(join(dir, 'logs'))).toBe(false);
  }, 30_000);

  it('runs certbot for a good name and passes its exit status through', async () => {
    const dir = join(work, 'guard-good');
    const r = await sh(process.execPath, [
      cliEntry,
      'guard',
      'www.web.test',
      '--config',
      join(work, 'net.yml'),
      '--webroot',
      env.webroot,
      '--',
      'certbot',
      'certonly',
      '--webroot',
      '-w',
      env.webroot,
      '-d',
      'www.web.test',
      '--server',
      env.pebble.directoryUrl,
      '--agree-tos',
      '-m',
      'admin@example.org',
      '--non-interactive',
      '--config-dir',
      join(dir, 'config'),
      '--work-dir',
      join(dir, 'work'),
      '--logs-dir',
      join(dir, 'logs'),
    ]);
    expect(r.out).toContain('Successfully received certificate');
    expect(r.code).toBe(0);
  }, 60_000);
});

describe('lego exec provider', () => {
  const lego = (name: string, extra: Record<string, string>) =>
    sh(
      'lego',
      [
        '--server',
        env.pebble.directoryUrl,
        '--accept-tos',
        '--email',
        'admin@example.org',
        '--path',
        join(work, `lego-${name}`),
        '--dns',
        'exec',
        '--dns.resolvers',
        `${env.resolver}:53`,
        '-d',
        name,
        'run',
      ],
      {
        ...rfc2136,
        EXEC_PATH: join(root, 'contrib/lego/acme-preflight-exec'),
        ACME_PREFLIGHT_CMD: CLI,
        ACME_PREFLIGHT_CONFIG: join(work, 'dns.yml'),
        ...extra,
      },
    );

  it.each([
    ['default', {}],
    ['RAW', { EXEC_MODE: 'RAW' }],
  ])(
    'issues by DNS-01 in %s mode',
    async (mode, extra) => {
      const name = `lego-${mode.toLowerCase()}-${tag}.${env.updateZone}`;
      const r = await lego(name, extra);
      expect(r.out).toContain('Visible everywhere');
      expect(r.out).toContain('Server responded with a certificate');
      expect(r.code).toBe(0);
      expect(await txtAt(`_acme-challenge.${name}`)).toEqual([]);
    },
    60_000,
  );
});

describe('acme.sh dnsapi script', () => {
  it('dns_preflight_add places the value on every server; dns_preflight_rm removes it', async () => {
    const fqdn = `_acme-challenge.acmesh-${tag}.${env.updateZone}`;
    const value = `acmesh-${tag}-value`;
    const vars = {
      ...rfc2136,
      PREFLIGHT_PROVIDER: 'rfc2136',
      PREFLIGHT_CMD: CLI,
      PREFLIGHT_ARGS: netFlags.join(' '),
    };
    const script = join(root, 'contrib/acme.sh/dns_preflight.sh');
    const add = await sh('sh', ['-c', `. ${script}; dns_preflight_add ${fqdn} ${value}`], vars);
    expect(add.out).toContain('Visible everywhere');
    expect(add.code).toBe(0);
    expect(await txtAt(fqdn)).toEqual([value]);
    const rm = await sh('sh', ['-c', `. ${script}; dns_preflight_rm ${fqdn} ${value}`], vars);
    expect(rm.code).toBe(0);
    expect(await txtAt(fqdn)).toEqual([]);
  }, 30_000);
});

describe('acme-client with withPreflight', () => {
  it('examples/acme-client.mjs issues a wildcard and its base by DNS-01', async () => {
    const name = `ac-${tag}.${env.updateZone}`;
    const out = join(work, 'acme-client');
    mkdirSync(out, { recursive: true });
    const r = await sh(
      process.execPath,
      [
        join(root, 'examples/acme-client.mjs'),
        '--directory',
        env.pebble.directoryUrl,
        '--provider',
        'rfc2136',
        '--lab-root',
        env.rootNs,
        '--out',
        out,
        name,
        `*.${name}`,
      ],
      rfc2136,
    );
    expect(r.out).toContain(`Issued for ${name}`);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'cert.pem'), 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(await txtAt(`_acme-challenge.${name}`)).toEqual([]);
  }, 60_000);

  it('the example refuses to contact any CA without --directory', async () => {
    const r = await sh(process.execPath, [
      join(root, 'examples/acme-client.mjs'),
      '--provider',
      'rfc2136',
      'x.test',
    ]);
    expect(r.code).toBe(2);
    expect(r.out).toContain('usage');
  });
});

describe('--acme-dry-run (acmeDryRun)', () => {
  const profile = withProfile({
    rootHints: [{ name: 'a.root-servers.test', address: env.rootNs }],
    trustAnchors: [],
    publicResolvers: [],
    allowAddresses: ['127.0.0.0/8'],
    extraPublicSuffixes: ['test'],
    acmeDirectory: env.pebble.directoryUrl,
  });

  it("reports Pebble's verdict beside ours and leaves no valid authorization", async () => {
    const provider = await createProvider('rfc2136', rfc2136);
    const dnsName = `dry-${tag}.${env.updateZone}`;
    const r = await acmeDryRun([dnsName], { provider, profile, propagationTimeoutMs: 10_000 });
    expect(r.error).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.identifiers).toEqual([
      expect.objectContaining({
        identifier: dnsName,
        challenge: 'dns-01',
        placed: true,
        ca: 'valid',
        finalStatus: 'deactivated',
      }),
    ]);
    expect(formatDryRun(r)).toContain('The CA would issue');
    expect(await txtAt(`_acme-challenge.${dnsName}`)).toEqual([]);

    // Asked again, the CA itself says the authorization is no longer valid.
    const client = new acme.Client({
      directoryUrl: env.pebble.directoryUrl,
      accountKey: await acme.crypto.createPrivateKey(),
    });
    await client.createAccount({ termsOfServiceAgreed: true });
    const order = await client.createOrder({ identifiers: [{ type: 'dns', value: dnsName }] });
    const [fresh] = await client.getAuthorizations(order);
    expect(fresh!.status).toBe('pending');
    await client.deactivateAuthorization(fresh!);
  }, 60_000);

  it("puts Pebble's refusal beside our own diagnosis for a name that fails", async () => {
    const r = await acmeDryRun(['good.web.test', 'notfound.web.test'], { webroot: env.webroot, profile });
    expect(r.ok).toBe(false);
    const bad = r.identifiers.find((i) => i.identifier === 'notfound.web.test')!;
    expect(bad.placed).toBe(false);
    expect(bad.placeError).toContain('HTTP01_BAD_STATUS');
    expect(bad.ca).toBe('invalid');
    expect(bad.problem?.type).toBe('unauthorized');
    const good = r.identifiers.find((i) => i.identifier === 'good.web.test')!;
    expect(good).toMatchObject({ placed: true, ca: 'valid', finalStatus: 'deactivated' });
    expect(formatDryRun(r)).toMatch(/notfound\.web\.test: ours: not ready: .*; CA: invalid \(unauthorized/);
  }, 60_000);
});
