/** withPreflight(): acme-client challenge functions over the lab with an in-memory provider. */
import type { ClientAutoOptions } from 'acme-client';
import { startLab, type Lab } from '../../src/lab/index.js';
import { withPreflight, PreflightChallengeError } from '../../src/acme/with-preflight.js';
import { FakeLabProvider } from '../dns01/fake-provider.js';

const NS1 = 'ns1.dns01.test';
const NS2 = 'ns2.dns01.test';
const VALUE = 'e4poW-EBoq21JA9OrAOs8Izzml-1iB5kE5hWbN2FDkM';

describe('withPreflight', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/dns01-lab.yaml');
  });
  afterAll(() => lab.stop());

  const served = (server: string, fqdn: string): string[] =>
    lab
      .records(server)
      .filter((r) => r.type === 'TXT' && r.name === fqdn)
      .map((r) => (r.data as Buffer[]).map((b) => b.toString()).join(''));

  const authz = (value: string, wildcard = false) => ({
    identifier: { type: 'dns', value },
    wildcard,
    status: 'pending' as const,
    challenges: [],
    url: 'https://ca.test/authz/1',
  });
  const dnsChallenge = (url: string) => ({
    type: 'dns-01' as const,
    url,
    token: 't',
    status: 'pending' as const,
  });

  it('fits acme-client auto() and places, waits for, and removes a DNS-01 record', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: 400 } });
    const lines: string[] = [];
    const fns = withPreflight({
      provider,
      profile: lab.profile,
      propagationTimeoutMs: 5000,
      log: (l) => lines.push(l),
    });
    // Compile-time: assignable to acme-client's own option types.
    const opts: Pick<ClientAutoOptions, 'challengeCreateFn' | 'challengeRemoveFn' | 'challengePriority'> =
      fns;
    expect(opts.challengePriority).toEqual(['dns-01']);

    const fqdn = '_acme-challenge.w.prop.test';
    const started = Date.now();
    await fns.challengeCreateFn(authz('w.prop.test', true), dnsChallenge('https://ca.test/ch/1'), VALUE);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(served(NS2, fqdn)).toEqual([VALUE]);
    expect(lines.some((l) => l.includes('served by every authoritative server'))).toBe(true);

    await fns.challengeRemoveFn(authz('w.prop.test', true), dnsChallenge('https://ca.test/ch/1'), VALUE);
    expect(served(NS1, fqdn)).toEqual([]);
    expect(served(NS2, fqdn)).toEqual([]);
    expect(provider.calls).toEqual([`create ${fqdn} ${VALUE}`, `delete ${fqdn} ${VALUE}`]);
  });

  it('throws PreflightChallengeError naming the server that never serves it', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: -1 } });
    const fns = withPreflight({ provider, profile: lab.profile, propagationTimeoutMs: 500 });
    const err = await fns
      .challengeCreateFn(authz('x.prop.test'), dnsChallenge('https://ca.test/ch/2'), VALUE)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(PreflightChallengeError);
    expect((err as Error).message).toMatch(/ns2\.dns01\.test.*not yet/);
    await fns.challengeRemoveFn(authz('x.prop.test'), dnsChallenge('https://ca.test/ch/2'), VALUE);
    expect(served(NS1, '_acme-challenge.x.prop.test')).toEqual([]);
  });

  it('needs a provider or a webroot, and prefers http-01 when both are given', () => {
    expect(() => withPreflight({})).toThrow(TypeError);
    const provider = new FakeLabProvider(lab, { servers: {} });
    expect(withPreflight({ provider, webroot: '/tmp' }).challengePriority).toEqual(['http-01', 'dns-01']);
  });
});
