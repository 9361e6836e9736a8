// The rfc2136 provider against real BIND (the stack's update.test: TSIG hmac-sha256, inline-signed):
// it adds one TXT value next to an existing one, removes only its own, and the DNS-01 runner sees the
// value on every authoritative server. A wrong secret fails with the server's reason, secret-free.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createProvider } from '../../providers/registry.js';
import type { DnsProvider, ProviderEnv } from '../../providers/types.js';
import { queryOnce } from '../../src/dns/transport.js';
import type { ServerEndpoint } from '../../src/dns/types.js';
import { txtValue } from '../../src/checks/dns01/value.js';
import { present } from '../../src/solve/dns01.js';
import { corpusProfile, publishTxt } from './corpus/harness.js';
import { loadStackEnv } from './stackEnv.js';

const env = loadStackEnv();
const profile = corpusProfile(env);

const providerEnv = (secret = env.tsig.secret): ProviderEnv => ({
  RFC2136_NAMESERVER: `${env.updateServer}:${env.dnsPort}`,
  RFC2136_TSIG_KEY: env.tsig.name,
  RFC2136_TSIG_SECRET: secret,
  RFC2136_TSIG_ALGORITHM: env.tsig.algorithm,
  RFC2136_TTL: '1',
  RFC2136_DNS_TIMEOUT: '3',
});

/** Both name servers of the update zone (one BIND, two addresses). */
const servers: ServerEndpoint[] = [env.childNs1, env.childNs2].map((address) => ({
  address,
  port: env.dnsPort,
}));

/** TXT values a server says it has at name (authoritative answers only). */
async function served(server: ServerEndpoint, name: string): Promise<string[]> {
  const o = await queryOnce(server, { name, type: 'TXT' }, { rd: false, retries: 1, timeoutMs: 2000 });
  if (!o.ok) throw new Error(`${server.address}: ${o.failure.message}`);
  expect(o.response.flags.aa).toBe(true);
  return o.response.answers
    .filter((r) => r.type === 'TXT')
    .map(txtValue)
    .sort();
}

/**
 * Polls both servers (bounded) until each serves exactly want; returns the ms it took. BIND applies an
 * UPDATE to the unsigned copy and answers, then re-signs: the signed copy it serves lags a few ms.
 */
async function settle(name: string, want: string[], ms = 5000): Promise<number> {
  const started = performance.now();
  const sorted = [...want].sort();
  for (;;) {
    const got = await Promise.all(servers.map((s) => served(s, name)));
    if (got.every((g) => JSON.stringify(g) === JSON.stringify(sorted)))
      return Math.round(performance.now() - started);
    if (performance.now() - started > ms)
      throw new Error(`${name}: want ${JSON.stringify(sorted)}, servers have ${JSON.stringify(got)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const tag = (): string => randomBytes(4).toString('hex');

const timings: Record<string, string | number>[] = [];

describe('rfc2136 provider against BIND', () => {
  let provider: DnsProvider;

  afterAll(() => {
    writeFileSync(join(env.workdir, 'rfc2136-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
  });

  beforeAll(async () => {
    provider = await createProvider('rfc2136', providerEnv());
  });

  test('createTxt adds beside an existing value; deleteTxt removes only its own', async () => {
    const fqdn = `_acme-challenge.rfc-${tag()}.${env.updateZone}`;
    const keep = `kept-${tag()}`;
    const mine = `created-${tag()}`;
    await publishTxt(env, [{ name: fqdn, values: [keep] }]);
    await settle(fqdn, [keep]);

    const t0 = performance.now();
    const handle = await provider.createTxt(fqdn, mine);
    const createMs = Math.round(performance.now() - t0);
    expect(handle).toMatchObject({ provider: 'rfc2136', fqdn, value: mine, zone: env.updateZone });
    const createdVisibleMs = await settle(fqdn, [keep, mine]);

    const t1 = performance.now();
    await provider.deleteTxt(handle);
    const deleteMs = Math.round(performance.now() - t1);
    const deletedGoneMs = await settle(fqdn, [keep]);
    // Deleting twice is harmless and still leaves the other value.
    await provider.deleteTxt(handle);
    await settle(fqdn, [keep]);
    timings.push({ fqdn, createMs, createdVisibleMs, deleteMs, deletedGoneMs });
    expect(createMs + deleteMs).toBeLessThan(5000);
  });

  test('present() through the provider: visible on every authoritative server', async () => {
    const fqdn = `_acme-challenge.present-${tag()}.${env.updateZone}`;
    const value = `present-${tag()}`;
    const result = await present(provider, fqdn, value, { profile, timeoutMs: 10_000 });
    try {
      expect(result.effective).toBe(fqdn);
      const p = result.propagation!;
      expect(p.error).toBeUndefined();
      expect(p.zone).toBe(env.updateZone);
      expect(p.complete).toBe(true);
      expect(p.targets.map((t) => t.server.address).sort()).toEqual(servers.map((s) => s.address).sort());
      for (const t of p.targets) {
        expect(t.kind).toBe('authoritative');
        expect(t.firstSeenMs).toBeGreaterThanOrEqual(0);
      }
      expect(p.completedMs).toBeLessThan(10_000);
      timings.push({
        fqdn,
        presentCompletedMs: p.completedMs ?? -1,
        rounds: p.rounds,
        ...Object.fromEntries(p.targets.map((t) => [t.server.address, t.firstSeenMs ?? -1])),
      });
    } finally {
      await provider.deleteTxt(result.handle);
    }
    await settle(fqdn, []);
  });

  test('present() follows the _acme-challenge CNAME of rfc2136.web.test into update.test', async () => {
    const value = `cname-${tag()}`;
    const result = await present(provider, 'rfc2136.web.test', value, { profile, timeoutMs: 10_000 });
    try {
      expect(result.fqdn).toBe('_acme-challenge.rfc2136.web.test');
      expect(result.effective).toBe(`rfc2136-target.${env.updateZone}`);
      expect(result.propagation?.complete).toBe(true);
    } finally {
      await provider.deleteTxt(result.handle);
    }
    await settle(`rfc2136-target.${env.updateZone}`, []);
  });

  test('a wrong TSIG secret: the server rejects it (BADSIG/NOTAUTH); the secret is not printed', async () => {
    const wrong = randomBytes(32).toString('base64');
    const bad = await createProvider('rfc2136', providerEnv(wrong));
    const fqdn = `_acme-challenge.badsig-${tag()}.${env.updateZone}`;
    const err = await bad.createTxt(fqdn, 'never').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err?.name).toBe('ProviderError');
    expect(err?.message).toMatch(/BADSIG|NOTAUTH/);
    expect(err?.message).not.toContain(wrong);
    expect(err?.message).not.toContain(env.tsig.secret);
    expect(JSON.stringify(err)).not.toContain(wrong);
    timings.push({ wrongSecretError: err?.message ?? '' });
    // Nothing was added: BIND applies updates in order, so once a later, good update shows, the
    // rejected value would show beside it had it been taken.
    const good = await provider.createTxt(fqdn, 'good');
    await settle(fqdn, ['good']);
    await provider.deleteTxt(good);
    await settle(fqdn, []);
  });
});
