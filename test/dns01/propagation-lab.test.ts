/** The propagation watcher against two lab servers, the secondary getting the record late. */
import { performance } from 'node:perf_hooks';
import { startLab, type Lab } from '../../src/lab/index.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { watchPropagation, type PropagationEvent } from '../../src/solve/propagation.js';
import { FakeLabProvider } from './fake-provider.js';

const FQDN = '_acme-challenge.prop.test';
const NS1 = 'ns1.dns01.test';
const NS2 = 'ns2.dns01.test';

describe('propagation watcher', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/dns01-lab.yaml');
  });
  afterAll(() => lab.stop());
  afterEach(() => {
    lab.removeRecord(NS1, `${FQDN} TXT`);
    lab.removeRecord(NS2, `${FQDN} TXT`);
  });

  const txtQueries = (server: string): number =>
    lab.log.filter((e) => e.server === lab.endpoint(server).address && e.name === FQDN && e.type === 'TXT')
      .length;

  it('reports per server when it first served the value, and completion within 1 s of the last', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: 1200 } });
    const resolver = new IterativeResolver(lab.profile);
    await resolver.findZone(FQDN); // warm the delegation so only TXT polls remain
    lab.resetCounts();
    const events: PropagationEvent[] = [];
    const placedAt = performance.now();
    await provider.createTxt(FQDN, 'value-1');
    const r = await watchPropagation(FQDN, 'value-1', {
      profile: lab.profile,
      resolver,
      placedAt,
      timeoutMs: 10_000,
      onEvent: (e) => events.push(e),
    });
    const doneAt = performance.now();
    expect(r.complete).toBe(true);
    expect(r.zone).toBe('prop.test');
    const byName = new Map(r.targets.map((t) => [t.server.name, t]));
    const ns1 = byName.get(NS1)!;
    const ns2 = byName.get(NS2)!;
    expect(ns1.firstSeenMs).toBeLessThan(300);
    expect(ns2.firstSeenMs).toBeGreaterThanOrEqual(1200);
    const secondaryAt = provider.addedAt.get(NS2)! - placedAt;
    expect(r.completedMs).toBe(ns2.firstSeenMs);
    expect(r.completedMs! - secondaryAt).toBeLessThan(1000);
    expect(doneAt - provider.addedAt.get(NS2)!).toBeLessThan(1000);

    // ns1 had it in the first round and was never asked again; ns2 at most once per round.
    expect(ns1.queries).toBe(1);
    expect(txtQueries(NS1)).toBe(1);
    expect(txtQueries(NS2)).toBe(ns2.queries);
    expect(ns2.queries).toBeLessThanOrEqual(r.rounds);
    expect(ns2.queries).toBeGreaterThan(2);

    const seen = events
      .filter((e) => e.type === 'seen')
      .map((e) => (e.type === 'seen' ? e.target.server.name : ''));
    expect(seen).toEqual([NS1, NS2]);
    expect(events[0]!.type).toBe('zone');
    expect(events.at(-1)!.type).toBe('done');
    const firstRound = events.find((e) => e.type === 'round');
    expect(firstRound && firstRound.type === 'round' && firstRound.elapsedMs).toBeLessThan(100);
  });

  it('gives up at the timeout and names the server still without it', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: -1 } });
    await provider.createTxt(FQDN, 'value-2');
    const started = performance.now();
    const r = await watchPropagation(FQDN, 'value-2', {
      profile: lab.profile,
      resolver: new IterativeResolver(lab.profile),
      timeoutMs: 600,
    });
    const took = performance.now() - started;
    expect(r.complete).toBe(false);
    expect(took).toBeLessThan(1500);
    const ns2 = r.targets.find((t) => t.server.name === NS2)!;
    expect(ns2.firstSeenMs).toBeUndefined();
    expect(ns2.lastAnswer).toBe('NXDOMAIN (aa)');
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 150);
    const r = await watchPropagation(FQDN, 'never', {
      profile: lab.profile,
      resolver: new IterativeResolver(lab.profile),
      timeoutMs: 10_000,
      signal: ac.signal,
    });
    expect(r.aborted).toBe(true);
    expect(r.elapsedMs).toBeLessThan(1000);
  });

  it('reports a zone that cannot be found', async () => {
    const r = await watchPropagation('_acme-challenge.broken.dns01.test', 'x', {
      profile: lab.profile,
      resolver: {
        findZone: async () => ({
          error: {
            name: 'x',
            type: 'SOA',
            status: 'SERVFAIL',
            records: [],
            cnames: [],
            finalName: 'x',
            exchanges: [],
            message: 'all servers failed',
          },
        }),
      },
    });
    expect(r.complete).toBe(false);
    expect(r.error).toContain('all servers failed');
  });
});
