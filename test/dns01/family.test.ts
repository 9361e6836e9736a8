/** The dns-01 check family through preflight(): readiness, and the test record with a provider. */
import { startLab, type Lab } from '../../src/lab/index.js';
import { preflight } from '../../src/engine/preflight.js';
import { createDns01Family, dns01Family } from '../../src/engine/families/dns01.js';
import { FakeLabProvider, snapshot } from './fake-provider.js';

describe('dns-01 family', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/dns01-lab.yaml');
    lab.profile.extraPublicSuffixes = ['test'];
  });
  afterAll(() => lab.stop());

  const codes = async (names: string[], family = dns01Family, challenge: 'dns-01' | 'http-01' = 'dns-01') => {
    const r = await preflight(names, { challenge, profile: lab.profile, families: [family] });
    return Object.fromEntries(r.identifiers.map((i) => [i.identifier, i.findings.map((f) => f.code)]));
  };

  it('applies to DNS names with dns-01 only', async () => {
    expect(dns01Family.name).toBe('dns-01');
    expect(await codes(['missing.dns01.test'], dns01Family, 'http-01')).toEqual({ 'missing.dns01.test': [] });
  });

  it('reports readiness per name', async () => {
    expect(
      await codes(['missing.dns01.test', '*.cname.dns01.test', 'dangling.dns01.test', 'broken.dns01.test']),
    ).toEqual({
      'missing.dns01.test': ['DNS01_LOOKUP_OK'],
      // Sorted by severity: the warning first.
      '*.cname.dns01.test': ['DNS01_TXT_STALE', 'DNS01_CNAME_DELEGATED'],
      'dangling.dns01.test': ['DNS01_CNAME_DANGLING'],
      'broken.dns01.test': ['DNS01_LOOKUP_FAILED'],
    });
  });

  it('with a provider: places, watches and removes a test record', async () => {
    const before = snapshot(lab);
    const provider = new FakeLabProvider(lab, { servers: { 'ns1.dns01.test': 0, 'ns2.dns01.test': 100 } });
    const r = await preflight(['www.prop.test'], {
      challenge: 'dns-01',
      profile: lab.profile,
      families: [createDns01Family({ provider, propagationTimeoutMs: 5000 })],
    });
    const f = r.identifiers[0]!.findings;
    expect(f.map((x) => x.code)).toEqual(['DNS01_LOOKUP_OK', 'DNS01_TEST_RECORD_VISIBLE']);
    expect(f[1]!.evidence).toHaveLength(2);
    expect(provider.calls).toHaveLength(2);
    expect(snapshot(lab)).toEqual(before);
  });
});
