/** certbot and lego hooks in-process against the lab, with an in-memory provider that edits it. */
import { mkdtempSync, mkdirSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { startLab, type Lab } from '../../src/lab/index.js';
import { hookCommand } from '../../src/cli/commands/hook.js';
import type { CommandContext } from '../../src/cli/context.js';
import { keyAuthorizationDigest } from '../../src/checks/dns01/value.js';
import { FakeLabProvider, type FakeProviderOptions } from '../dns01/fake-provider.js';
import { runModule, labFlags as labNet } from '../cli/helpers.js';

const NS1 = 'ns1.dns01.test';
const NS2 = 'ns2.dns01.test';
const V1 = 'AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK';
const V2 = '-BBBbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK';

describe('hooks', () => {
  let lab: Lab;
  let dir: string;
  let provider: FakeLabProvider;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/dns01-lab.yaml');
    dir = mkdtempSync(join(tmpdir(), 'hooks-'));
  });
  afterAll(async () => {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const served = (server: string, fqdn: string): string[] =>
    lab
      .records(server)
      .filter((r) => r.type === 'TXT' && r.name === fqdn)
      .map((r) => (r.data as Buffer[]).map((b) => b.toString()).join(''));

  const hook = (
    argv: string[],
    env: Record<string, string>,
    opts: FakeProviderOptions = { servers: { [NS1]: 0, [NS2]: 0 } },
  ) => {
    provider = new FakeLabProvider(lab, opts);
    const make = (ctx: CommandContext) =>
      hookCommand(ctx, { createProvider: async () => provider, cwd: dir });
    return runModule(
      make as never,
      ['hook', argv[0]!, ...labNet(lab), '--state-file', join(dir, 'state.json'), ...argv.slice(1)],
      {
        HOME: dir,
        ...env,
      },
    );
  };

  describe('certbot, DNS-01', () => {
    const name = 'a.prop.test';
    const fqdn = `_acme-challenge.${name}`;
    const vars = (v: string) => ({
      CERTBOT_DOMAIN: name,
      CERTBOT_VALIDATION: v,
      CERTBOT_REMAINING_CHALLENGES: '0',
      CERTBOT_ALL_DOMAINS: name,
    });

    it('auth returns once both servers serve the value (one late); cleanup removes only that value', async () => {
      const started = Date.now();
      const auth = await hook(['certbot-auth', '--provider', 'fake'], vars(V1), {
        servers: { [NS1]: 0, [NS2]: 700 },
      });
      expect(auth.code).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(700);
      expect(served(NS1, fqdn)).toEqual([V1]);
      expect(served(NS2, fqdn)).toEqual([V1]);
      expect(auth.stdout).toContain('acme-preflight-state ');
      expect(auth.stderr).toContain(`${NS2}`);

      // A second challenge for the same name (wildcard + base) adds a value next to it.
      const auth2 = await hook(['certbot-auth', '--provider', 'fake'], vars(V2));
      expect(auth2.code).toBe(0);
      expect(served(NS1, fqdn).sort()).toEqual([V1, V2].sort());
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { records: unknown[] };
      expect(state.records).toHaveLength(2);

      // A separate process: the handle comes from the state file.
      const clean = await hook(['certbot-cleanup'], {
        ...vars(V1),
        CERTBOT_AUTH_OUTPUT: auth.stdout,
        ACME_PREFLIGHT_PROVIDER: 'fake',
      });
      expect(clean.code).toBe(0);
      expect(provider.calls).toEqual([`delete ${fqdn} ${V1}`]);
      expect(served(NS1, fqdn)).toEqual([V2]);
      const clean2 = await hook(['certbot-cleanup', '--provider', 'fake'], vars(V2));
      expect(clean2.code).toBe(0);
      expect(served(NS1, fqdn)).toEqual([]);
      expect(served(NS2, fqdn)).toEqual([]);
      const after = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { records: unknown[] };
      expect(after.records).toHaveLength(0);
    });

    it('auth exits 1 naming the server that never serves it; cleanup still removes it', async () => {
      const auth = await hook(
        ['certbot-auth', '--provider', 'fake', '--propagation-timeout', '1'],
        vars(V1),
        {
          servers: { [NS1]: 0, [NS2]: -1 },
        },
      );
      expect(auth.code).toBe(1);
      expect(auth.stderr).toMatch(/not served by every authoritative server/);
      expect(auth.stderr).toMatch(/ns2\.dns01\.test.*not yet/);
      const clean = await hook(['certbot-cleanup', '--provider', 'fake'], vars(V1));
      expect(clean.code).toBe(0);
      expect(served(NS1, fqdn)).toEqual([]);
    });

    it('without a provider DNS-01 is a usage error; without certbot variables too', async () => {
      expect((await hook(['certbot-auth'], vars(V1))).code).toBe(2);
      expect((await hook(['certbot-auth', '--provider', 'fake'], {})).code).toBe(2);
    });
  });

  describe('lego exec', () => {
    const fqdn = '_acme-challenge.b.prop.test';
    it('default mode: present <fqdn.> <value> waits for every server; cleanup removes it', async () => {
      const p = await hook(
        ['lego', '--', 'present', `${fqdn}.`, V2],
        { ACME_PREFLIGHT_PROVIDER: 'fake' },
        { servers: { [NS1]: 0, [NS2]: 300 } },
      );
      expect(p.code).toBe(0);
      expect(served(NS2, fqdn)).toEqual([V2]);
      const c = await hook(['lego', '--', 'cleanup', `${fqdn}.`, V2], { ACME_PREFLIGHT_PROVIDER: 'fake' });
      expect(c.code).toBe(0);
      expect(served(NS1, fqdn)).toEqual([]);
    });

    it('RAW mode: computes the value from the key authorization', async () => {
      const keyAuth = 'tok-123.thumb-456';
      const env = { ACME_PREFLIGHT_PROVIDER: 'fake', EXEC_MODE: 'RAW' };
      const p = await hook(['lego', '--', 'present', '--', 'b.prop.test', 'tok-123', keyAuth], env);
      expect(p.code).toBe(0);
      expect(served(NS1, fqdn)).toEqual([keyAuthorizationDigest(keyAuth)]);
      const c = await hook(['lego', '--', 'cleanup', '--', 'b.prop.test', 'tok-123', keyAuth], env);
      expect(c.code).toBe(0);
      expect(served(NS1, fqdn)).toEqual([]);
    });

    it('exits non-zero with the reason when the record does not propagate', async () => {
      const p = await hook(
        ['lego', '--propagation-timeout', '0.5', '--', 'present', fqdn, V1],
        { ACME_PREFLIGHT_PROVIDER: 'fake' },
        {
          servers: { [NS1]: -1, [NS2]: -1 },
        },
      );
      expect(p.code).toBe(1);
      expect(p.stderr).toMatch(/not served by every authoritative server/);
      await hook(['lego', '--', 'cleanup', fqdn, V1], { ACME_PREFLIGHT_PROVIDER: 'fake' });
    });

    it('rejects calls it does not understand', async () => {
      expect((await hook(['lego', '--', 'present', fqdn], { ACME_PREFLIGHT_PROVIDER: 'fake' })).code).toBe(2);
    });

    it('honours EXEC_PROPAGATION_TIMEOUT and EXEC_POLLING_INTERVAL as lego users set them', async () => {
      const env = {
        ACME_PREFLIGHT_PROVIDER: 'fake',
        EXEC_PROPAGATION_TIMEOUT: '1',
        EXEC_POLLING_INTERVAL: '0.4',
      };
      const t0 = Date.now();
      const p = await hook(['lego', '--', 'present', fqdn, V1], env, { servers: { [NS1]: -1, [NS2]: -1 } });
      const took = Date.now() - t0;
      expect(p.code).toBe(1);
      // lego's 1 s, not the tool's own 120 s default; rounds 0.4 s apart (0, 0.4, 0.8). The second counts
      // from the hook's start (the CNAME lookup before placement included), so placement to give-up is
      // a little under it.
      expect(took).toBeLessThan(10_000);
      const after = Number(/not served by every authoritative server after (\d+) ms/.exec(p.stderr)?.[1]);
      expect(after).toBeGreaterThanOrEqual(800);
      expect(after).toBeLessThanOrEqual(1000);
      expect(p.stderr).toMatch(/ns1\.dns01\.test .*\[[3-4] queries\]/);
      await hook(['lego', '--', 'cleanup', fqdn, V1], { ACME_PREFLIGHT_PROVIDER: 'fake' });
      const bad = await hook(['lego', '--', 'present', fqdn, V1], { ...env, EXEC_POLLING_INTERVAL: 'soon' });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('EXEC_POLLING_INTERVAL must be a number of seconds');
    });
  });

  describe('certbot, HTTP-01', () => {
    let server: Server;
    let port: number;
    const webroot = () => join(dir, 'www');
    beforeAll(async () => {
      server = createServer((req, res) => {
        void readFile(join(webroot(), decodeURIComponent(req.url ?? '/').replace(/\.\./g, ''))).then(
          (b) => res.end(b),
          () => {
            res.statusCode = 404;
            res.end('not found');
          },
        );
      });
      // missing.dns01.test has A 127.0.0.10 in the lab.
      await new Promise<void>((r) => server.listen(0, '127.0.0.10', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const vars = {
      CERTBOT_DOMAIN: 'missing.dns01.test',
      CERTBOT_VALIDATION: 'tokHTTP.thumb',
      CERTBOT_TOKEN: 'tokHTTP',
    };
    const file = () => join(webroot(), '.well-known', 'acme-challenge', 'tokHTTP');

    it('auth writes the token and proves it is served; cleanup removes it', async () => {
      mkdirSync(webroot(), { recursive: true });
      const auth = await hook(['certbot-auth', '--webroot', webroot(), '--http-port', String(port)], vars);
      expect(auth.stderr).toContain('serves the HTTP-01 token');
      expect(auth.code).toBe(0);
      expect(readFileSync(file(), 'utf8')).toBe('tokHTTP.thumb');
      const clean = await hook(['certbot-cleanup'], { ...vars, CERTBOT_AUTH_OUTPUT: auth.stdout });
      expect(clean.code).toBe(0);
      expect(existsSync(file())).toBe(false);
    });

    it('auth exits 1 when the web server does not serve that webroot', async () => {
      mkdirSync(join(dir, 'elsewhere'), { recursive: true });
      const auth = await hook(
        ['certbot-auth', '--webroot', join(dir, 'elsewhere'), '--http-port', String(port)],
        vars,
      );
      expect(auth.code).toBe(1);
      expect(auth.stderr).toMatch(/HTTP01_/);
      await hook(['certbot-cleanup', '--webroot', join(dir, 'elsewhere')], vars);
    }, 15000);
  });
});
