/** `verify` against the lab: the CA's lookup and the diagnosis for each broken placement. */
import { startLab, type Lab } from '../../src/lab/index.js';
import { verify } from '../../src/solve/dns01.js';
import { gatherDns01, judgeDns01Readiness, judgeDns01Txt } from '../../src/checks/dns01/index.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { nameRef } from '../../src/identifiers.js';

const V = 'e4poW-EBoq21JA9OrAOs8Izzml-1iB5kE5hWbN2FDkM';

describe('dns01 verify against the lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/dns01-lab.yaml');
    lab.profile.extraPublicSuffixes = ['test'];
  });
  afterAll(() => lab.stop());

  const v = (name: string) => verify(name, V, { profile: lab.profile });
  const codes = (r: Awaited<ReturnType<typeof v>>) => r.judgement.findings.map((f) => f.code);

  it('a correct record passes', async () => {
    const r = await v('good.dns01.test');
    expect(r.ok).toBe(true);
    expect(codes(r)).toEqual(['DNS01_TXT_FOUND']);
  });

  it('missing: the CA reports a dns NXDOMAIN problem', async () => {
    const r = await v('missing.dns01.test');
    expect(r.ok).toBe(false);
    expect(r.judgement.problem?.detail).toBe(
      'DNS problem: NXDOMAIN looking up TXT for _acme-challenge.missing.dns01.test - check that a DNS record exists for this domain',
    );
    expect(codes(r)).toEqual(['DNS01_LOOKUP_FAILED']);
  });

  it('doubled name', async () => {
    const r = await v('doubled.dns01.test');
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual(['DNS01_TXT_DOUBLED_NAME']);
    expect(r.judgement.findings[0]!.detail).toContain('_acme-challenge.doubled.dns01.test.dns01.test');
  });

  it('quoted value', async () => {
    const r = await v('quoted.dns01.test');
    expect(codes(r)).toEqual(['DNS01_TXT_QUOTED']);
    expect(r.judgement.problem?.detail).toBe(
      `Incorrect TXT record ${JSON.stringify(`"${V}"`)} found at _acme-challenge.quoted.dns01.test`,
    );
  });

  it('split strings and split records', async () => {
    expect(codes(await v('split.dns01.test'))).toEqual(['DNS01_TXT_SPLIT']);
    const rec = await v('records.dns01.test');
    expect(codes(rec)).toEqual(['DNS01_TXT_SPLIT']);
    expect(rec.judgement.problem?.detail).toMatch(
      /\(and 1 more\) found at _acme-challenge\.records\.dns01\.test$/,
    );
  });

  it('old values beside the right one: a warning, still valid', async () => {
    const r = await v('old.dns01.test');
    expect(r.ok).toBe(true);
    expect(codes(r)).toEqual(['DNS01_TXT_FOUND', 'DNS01_TXT_STALE']);
    expect(r.judgement.findings[1]!.detail).toContain('Qk9Bz1mW3kR8bXbq6yVw0aV4bN2c1dE5fG7hJ9kL0mN');
  });

  it('only one of two servers serves it', async () => {
    const r = await v('disagree.dns01.test');
    expect(r.ok).toBe(false);
    const d = r.judgement.findings.find((f) => f.code === 'DNS01_SERVERS_DISAGREE')!;
    expect(d.detail).toContain('ns2.dns01.test 127.0.50.2');
    expect(d.detail).toContain('answers NXDOMAIN');
  });

  it('says what each lagging server would make the CA answer: NXDOMAIN is dns, NOERROR unauthorized', async () => {
    const resolver = new IterativeResolver(lab.profile);
    const lagging = async (name: string) => {
      const ev = await gatherDns01(resolver, nameRef(name));
      return judgeDns01Txt(ev, V).findings.find((f) => f.code === 'DNS01_SERVERS_DISAGREE')!;
    };
    const nx = await lagging('disagree.dns01.test');
    expect(nx.detail).toContain(
      'ns2.dns01.test 127.0.50.2:' +
        lab.port +
        ' answers NXDOMAIN (the name does not exist there): a CA lookup answered by it fails with dns "DNS problem: NXDOMAIN looking up TXT for _acme-challenge.disagree.dns01.test - check that a DNS record exists for this domain"',
    );
    const old = await lagging('lagging.dns01.test');
    expect(old.detail).toContain(
      'fails with unauthorized "Incorrect TXT record "Qk9Bz1mW3kR8bXbq6yVw0aV4bN2c1dE5fG7hJ9kL0mN" found at _acme-challenge.lagging.dns01.test"',
    );
    const nodata = await lagging('nodata.dns01.test');
    expect(nodata.detail).toContain(
      'serves no TXT record: a CA lookup answered by it fails with unauthorized "No TXT record found at _acme-challenge.nodata.dns01.test"',
    );
    // Whichever server the CA's lookup lands on, the finding names the problem of the lagging one.
    for (const f of [nx, old, nodata]) expect(f.detail).toContain('ns1.dns01.test 127.0.50.1');
    if (nx.severity === 'error') expect(nx.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
    if (old.severity === 'error') expect(old.acmeProblem).toBe('urn:ietf:params:acme:error:unauthorized');
  });

  it('follows an acme-dns CNAME to the value', async () => {
    const r = await v('cname.dns01.test');
    expect(r.ok).toBe(true);
  });

  it('readiness: CNAME delegation, dangling CNAME, SERVFAIL, stale values', async () => {
    const resolver = new IterativeResolver(lab.profile);
    const ready = async (name: string) =>
      judgeDns01Readiness(await gatherDns01(resolver, nameRef(name)), { extraPublicSuffixes: ['test'] }).map(
        (f) => f.code,
      );
    expect(await ready('cname.dns01.test')).toEqual(['DNS01_CNAME_DELEGATED', 'DNS01_TXT_STALE']);
    expect(await ready('dangling.dns01.test')).toEqual(['DNS01_CNAME_DANGLING']);
    expect(await ready('broken.dns01.test')).toEqual(['DNS01_LOOKUP_FAILED']);
    expect(await ready('stale.dns01.test')).toEqual(['DNS01_LOOKUP_OK', 'DNS01_TXT_STALE']);
    expect(await ready('*.missing.dns01.test')).toEqual(['DNS01_LOOKUP_OK']);
  });
});
