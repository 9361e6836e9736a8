/**
 * Bounded work per name against nameservers that never answer, with the real default timeouts (3 s per
 * attempt, 3 attempts). Before the resolution budget a zone of 12 dead glued servers took 217 s for one
 * name and 500 unglued dead NS names 2,272 s.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { scenarioSchema } from '../../src/lab/scenario.js';
import { defaultProfile, type NetworkProfile } from '../../src/profile.js';
import { preflight } from '../../src/engine/preflight.js';
import { CachingDnsClient } from '../../src/dns/client.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { MAX_NS_TARGETS_PER_ZONE } from '../../src/dns/limits.js';

const soa = (z: string): string => `${z}. 300 IN SOA ns.${z}. hostmaster.${z}. 1 7200 3600 1209600 300`;
const WIDE = 500;
/** Addresses nothing listens on: every query to them goes unanswered. */
const deadGlue = (i: number): string => `127.0.56.${i + 1}`;
const deadHost = (i: number): string => `127.0.${57 + Math.floor(i / 250)}.${(i % 250) + 1}`;

const scenario = scenarioSchema.parse({
  servers: [
    { name: 'a.root', address: '127.0.55.1', zones: ['.'] },
    { name: 'ns.test', address: '127.0.55.2', zones: ['test'] },
    { name: 'ns.hosts.test', address: '127.0.55.3', zones: ['hosts.test'] },
  ],
  zones: {
    '.': {
      records: [
        '. 300 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300',
        '. 300 IN NS a.root.',
        'a.root. 300 IN A 127.0.55.1',
        'test. 300 IN NS ns.test.',
        'ns.test. 300 IN A 127.0.55.2',
      ],
    },
    test: {
      records: [
        soa('test'),
        'test. 300 IN NS ns.test.',
        'ns.test. 300 IN A 127.0.55.2',
        'hosts.test. 300 IN NS ns.hosts.test.',
        'ns.hosts.test. 300 IN A 127.0.55.3',
        ...Array.from({ length: 12 }, (_, i) => [
          `dead12.test. 300 IN NS ns${i + 1}.dead12.test.`,
          `ns${i + 1}.dead12.test. 300 IN A ${deadGlue(i)}`,
        ]).flat(),
        ...Array.from({ length: WIDE }, (_, i) => `wide.test. 300 IN NS ns${i + 1}.hosts.test.`),
      ],
    },
    'hosts.test': {
      records: [
        soa('hosts.test'),
        'hosts.test. 300 IN NS ns.hosts.test.',
        'ns.hosts.test. 300 IN A 127.0.55.3',
        ...Array.from({ length: WIDE }, (_, i) => `ns${i + 1}.hosts.test. 300 IN A ${deadHost(i)}`),
      ],
    },
  },
  web: [],
});

/** Well under a minute per name, with the real timeouts. */
const NAME_BOUND_MS = 40_000;

describe('bounded work against dead nameservers (default timeouts)', () => {
  let lab: Lab;
  let profile: NetworkProfile;
  beforeAll(async () => {
    lab = await startLab(scenario);
    profile = { ...lab.profile, publicResolvers: [], timeouts: { ...defaultProfile().timeouts } };
  });
  afterAll(() => lab.stop());

  it.each([
    ['12 glued nameservers that never answer', 'www.dead12.test'],
    [`${WIDE} unglued nameserver names whose servers never answer`, 'www.wide.test'],
  ])(
    '%s: one name ends well under a minute',
    async (_what, name) => {
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      const report = await preflight([name], { profile, challenge: 'dns-01' });
      const took = performance.now() - started;
      expect(took).toBeLessThan(NAME_BOUND_MS);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(150 * 1024 * 1024);
      const id = report.identifiers[0]!;
      // The CA could not resolve the name either: the report says so with an error, not a pass.
      expect(id.verdict).toBe('fail');
      expect(report.stats.dnsQueries).toBeLessThan(400);
    },
    90_000,
  );

  it(`at most ${MAX_NS_TARGETS_PER_ZONE} of ${WIDE} NS names are looked up, and the rest are named as skipped`, async () => {
    const client = new CachingDnsClient(profile);
    const resolver = new IterativeResolver(profile, client);
    const started = performance.now();
    const d = await resolver.findZone('www.wide.test');
    expect(performance.now() - started).toBeLessThan(NAME_BOUND_MS);
    client.close();
    if ('error' in d) {
      expect(d.error.status).toMatch(/TIMEOUT|SERVFAIL|NO_NAMESERVERS/);
      return;
    }
    expect(d.servers.length).toBeLessThanOrEqual(MAX_NS_TARGETS_PER_ZONE);
    expect(d.unresolvedNs.filter((u) => /not looked up/.test(u.reason)).length).toBeGreaterThan(0);
  }, 90_000);

  it('a second name in the dead zone does not wait on the dead servers again', async () => {
    const client = new CachingDnsClient(profile);
    const resolver = new IterativeResolver(profile, client);
    await resolver.resolve('a.dead12.test', 'A');
    const sentAfterFirst = client.sent;
    const started = performance.now();
    const l = await resolver.resolve('b.dead12.test', 'A');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(l.status).toBe('TIMEOUT');
    expect(client.sent).toBe(sentAfterFirst);
    client.close();
  }, 90_000);

  it('the name deadline holds and is reported as CHECK_DEADLINE', async () => {
    const tight = { ...profile, timeouts: { ...profile.timeouts, nameDeadlineMs: 1500 } };
    const started = performance.now();
    const report = await preflight(['www.dead12.test'], { profile: tight, challenge: 'dns-01' });
    expect(performance.now() - started).toBeLessThan(5000);
    const codes = report.identifiers[0]!.findings.map((f) => f.code);
    expect(codes).toContain('CHECK_DEADLINE');
  }, 30_000);
});
