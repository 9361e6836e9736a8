/** Propagation checks over real sockets: lab resolvers with stale caches versus the authoritative truth. */
import { startLab, type Lab } from '../../src/lab/index.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { ResolverPool } from '../../src/dns/pool.js';
import {
  checkPropagation,
  gatherPropagation,
  judgePropagation,
  propagationQuestions,
} from '../../src/checks/propagation/index.js';
import type { Finding } from '../../src/report/finding.js';
import { nameRef } from '../../src/identifiers.js';

const SCENARIO = 'fixtures/scenarios/propagation-cache.yaml';

describe('propagation checks against the lab', () => {
  let lab: Lab;
  let check: (name: string, types: string[]) => Promise<Finding[]>;
  beforeAll(async () => {
    lab = await startLab(SCENARIO);
    const resolver = new IterativeResolver(lab.profile);
    const pool = new ResolverPool(lab.profile);
    check = async (name, types) =>
      judgePropagation(
        await gatherPropagation(
          { askAll: (n, t, o) => resolver.askAll(n, t, o), askResolvers: (n, t) => pool.ask(n, t) },
          name,
          types,
        ),
        name,
      );
  });
  afterAll(async () => {
    await lab.stop();
  });

  const label = (n: string): string => `${n}.lab.test (${lab.endpoint(`${n}.lab.test`).address}:${lab.port})`;

  it('reports the stale address cached by one resolver, with its remaining TTL', async () => {
    const fs = await check('www.moved.test', ['A', 'AAAA']);
    expect(fs.map((f) => f.code)).toEqual(['PROPAGATION_STALE_CACHE']);
    const f = fs[0]!;
    expect(f.detail).toContain(`${label('resolver-a')} still serves A 127.0.0.59 for up to 3540 s`);
    expect(f.detail).toContain('now answer A www.moved.test with A 127.0.0.60');
    expect(f.detail).not.toContain('resolver-b');
    expect(f.remediation).toMatch(/^Wait 3540 s \(until \d\d:\d\d:\d\d UTC\)/);
  });

  it('reports a cached empty answer for a freshly created challenge TXT record', async () => {
    const fs = await check('_acme-challenge.moved.test', ['TXT']);
    expect(fs.map((f) => f.code)).toEqual(['PROPAGATION_STALE_CACHE']);
    expect(fs[0]!.detail).toContain(
      `${label('resolver-a')} still serves no records (NODATA) (a cached negative answer)`,
    );
    expect(fs[0]!.detail).toContain('TXT "new-token"');
  });

  it('reports resolvers that disagree while the authoritative servers disagree too', async () => {
    const fs = await check('www.split.test', ['A']);
    expect(fs.map((f) => f.code)).toEqual(['PROPAGATION_RESOLVERS_DISAGREE']);
    expect(fs[0]!.detail).toContain(`${label('resolver-a')} says A 127.0.0.61`);
    expect(fs[0]!.detail).toMatch(/resolver-b\.lab\.test \(127\.0\.9\.12:\d+\).* say A 127\.0\.0\.63/);
    expect(fs[0]!.detail).toContain(
      'The authoritative servers themselves disagree (A 127.0.0.63 / A 127.0.0.61)',
    );
  });

  it('reports a resolver that SERVFAILs while the authority answers', async () => {
    const fs = await check('www.resfail.test', ['A']);
    expect(fs.map((f) => f.code)).toEqual(['PROPAGATION_RESOLVER_FAILED']);
    expect(fs[0]!.detail).toContain(
      `${label('resolver-c')} answered SERVFAIL for A www.resfail.test while the authoritative servers answer A 127.0.0.62`,
    );
  });

  it('checks the records a challenge depends on in one call', async () => {
    expect(propagationQuestions(nameRef('*.moved.test'), 'dns-01')).toEqual([
      { name: '_acme-challenge.moved.test', types: ['TXT'] },
      { name: 'moved.test', types: ['CAA'] },
    ]);
    const resolver = new IterativeResolver(lab.profile);
    const pool = new ResolverPool(lab.profile);
    const deps = { askAll: resolver.askAll.bind(resolver), askResolvers: pool.ask.bind(pool) };
    const dns01 = await checkPropagation(deps, nameRef('moved.test'), 'dns-01');
    expect(dns01.map((f) => f.title)).toEqual([
      'Public resolvers still serve old data for TXT _acme-challenge.moved.test',
    ]);
    expect(await checkPropagation(deps, nameRef('resfail.test'), 'http-01')).toEqual([]);
  });

  it('clears once the stale cache entry is replaced', async () => {
    lab.setRecords('resolver-a.lab.test', ['www.moved.test. 300 IN A 127.0.0.60']);
    const fresh = new IterativeResolver(lab.profile);
    const pool = new ResolverPool(lab.profile);
    const ev = await gatherPropagation(
      { askAll: (n, t, o) => fresh.askAll(n, t, o), askResolvers: (n, t) => pool.ask(n, t) },
      'www.moved.test',
      ['A'],
    );
    expect(judgePropagation(ev, 'www.moved.test')).toEqual([]);
  });
});
