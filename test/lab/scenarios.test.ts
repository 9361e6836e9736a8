import { readdirSync } from 'node:fs';
import { Resolver } from 'node:dns/promises';
import { loadScenario, startLab, type Lab } from '../../src/lab/index.js';
import { ask } from './client.js';

const DIR = 'fixtures/scenarios';
const data = (a: unknown): unknown => (a as { data: unknown }).data;

describe('scenario fixtures', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

  it('include the documented set', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'basic.yaml',
        'demo.yaml',
        'resolution.yaml',
        'delegation.yaml',
        'faults.yaml',
      ]),
    );
  });

  it.each(files)('%s loads and validates', (f) => {
    const s = loadScenario(`${DIR}/${f}`);
    expect(s.servers.length).toBeGreaterThan(0);
    for (const srv of s.servers) expect(srv.address).toMatch(/^127\./);
  });
});

describe('resolution.yaml', () => {
  let lab: Lab;
  const r = (name: string, type = 'A') =>
    ask('127.0.9.1', lab.port, name, type, { rd: true }).then((x) => x.packet!);
  beforeAll(async () => {
    lab = await startLab(`${DIR}/resolution.yaml`);
  });
  afterAll(() => lab.stop());

  it('NXDOMAIN inside a zone and for an undelegated name', async () => {
    expect((await r('www.nxdomain.test')).rcode).toBe('NXDOMAIN');
    expect((await r('missing.test')).rcode).toBe('NXDOMAIN');
    const tld = (await ask('127.0.2.1', lab.port, 'missing.test', 'A')).packet!;
    expect(tld.rcode).toBe('NXDOMAIN');
    expect(tld.flag_aa).toBe(true);
  });

  it('only MX: NODATA for A', async () => {
    const p = await r('mxonly.test');
    expect(p.rcode).toBe('NOERROR');
    expect(p.answers).toHaveLength(0);
    expect((await r('mxonly.test', 'MX')).answers).toHaveLength(1);
  });

  it('CNAME chain across zones', async () => {
    const p = await r('www.chain.test');
    expect(p.answers.map((a) => [a.name, a.type, data(a)])).toEqual([
      ['www.chain.test', 'CNAME', 'shop.cdn-provider.test'],
      ['shop.cdn-provider.test', 'CNAME', 'edge.cdn-provider.test'],
      ['edge.cdn-provider.test', 'A', '127.0.0.30'],
    ]);
    // The authoritative server of chain.test does not follow into another zone.
    const auth = (await ask('127.0.4.1', lab.port, 'www.chain.test', 'A')).packet!;
    expect(auth.answers.map((a) => a.type)).toEqual(['CNAME']);
  });

  it('CNAME loop: the authoritative server stops, the resolver SERVFAILs', async () => {
    const auth = (await ask('127.0.4.1', lab.port, 'a.loop.test', 'A')).packet!;
    expect(auth.answers.map((a) => data(a))).toEqual(['b.loop.test', 'a.loop.test']);
    expect((await r('a.loop.test')).rcode).toBe('SERVFAIL');
  });

  it('dangling CNAME: NXDOMAIN for the target with the CNAME in the answer', async () => {
    const p = await r('www.dangling.test');
    expect(p.rcode).toBe('NXDOMAIN');
    expect(p.answers.map(data)).toEqual(['gone.cdn-provider.test']);
  });

  it('reserved addresses are served as written', async () => {
    expect((await r('private.reserved.test')).answers.map(data)).toEqual(['10.0.0.1']);
    expect((await r('metadata.reserved.test')).answers.map(data)).toEqual(['169.254.169.254']);
    expect((await r('v6loopback.reserved.test', 'AAAA')).answers.map(data)).toEqual(['::1']);
  });

  it('works with node:dns pointed at the lab resolver', async () => {
    const res = new Resolver({ timeout: 500, tries: 1 });
    res.setServers([`127.0.9.1:${lab.port}`]);
    expect(await res.resolve4('loopback.reserved.test')).toEqual(['127.0.0.1']);
    await expect(res.resolve4('www.nxdomain.test')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});

describe('delegation.yaml', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(`${DIR}/delegation.yaml`);
  });
  afterAll(() => lab.stop());

  it('out-of-bailiwick delegation carries no glue', async () => {
    const p = (await ask('127.0.2.1', lab.port, 'oob.test', 'A')).packet!;
    expect(p.authorities.map(data).sort()).toEqual(['ns1.dnshost.test', 'ns2.dnshost.test']);
    expect(p.additionals.filter((a) => a.type === 'A')).toHaveLength(0);
    const broken = (await ask('127.0.2.1', lab.port, 'broken-ns.test', 'A')).packet!;
    expect(broken.authorities.map(data).sort()).toEqual(['ns1.nowhere.test', 'ns2.nowhere.test']);
    expect((await ask('127.0.2.1', lab.port, 'ns1.nowhere.test', 'A')).packet!.rcode).toBe('NXDOMAIN');
  });

  it('lame server refuses while its sibling answers; the resolver still answers', async () => {
    expect((await ask('127.0.5.9', lab.port, 'lame.test', 'A')).packet!.rcode).toBe('REFUSED');
    expect((await ask('127.0.5.1', lab.port, 'lame.test', 'A')).packet!.answers.map(data)).toEqual([
      '127.0.0.41',
    ]);
    expect(
      (await ask('127.0.9.1', lab.port, 'lame.test', 'A', { rd: true })).packet!.answers.map(data),
    ).toEqual(['127.0.0.41']);
  });

  it('forgotten secondary serves the old address and an older serial', async () => {
    const a1 = (await ask('127.0.6.1', lab.port, 'www.stale.test', 'A')).packet!;
    const a2 = (await ask('127.0.6.2', lab.port, 'www.stale.test', 'A')).packet!;
    expect(a1.answers.map(data)).toEqual(['127.0.0.43']);
    expect(a2.answers.map(data)).toEqual(['127.0.0.99']);
    const s1 = (await ask('127.0.6.1', lab.port, 'serial.test', 'SOA')).packet!;
    const s2 = (await ask('127.0.6.2', lab.port, 'serial.test', 'SOA')).packet!;
    expect(data(s1.answers[0])).toMatchObject({ serial: 2026112301 });
    expect(data(s2.answers[0])).toMatchObject({ serial: 2026112200 });
  });

  it('single nameserver', async () => {
    const p = (await ask('127.0.5.1', lab.port, 'single.test', 'NS')).packet!;
    expect(p.answers.map(data)).toEqual(['ns1.dnshost.test']);
  });
});

describe('demo.yaml', () => {
  let lab: Lab;
  const r = (name: string, type = 'A') =>
    ask('127.0.9.1', lab.port, name, type, { rd: true }).then((x) => x.packet!);
  beforeAll(async () => {
    lab = await startLab(`${DIR}/demo.yaml`);
  });
  afterAll(() => lab.stop());

  it('serves each example as described', async () => {
    expect((await r('ok.example-lab')).answers.map(data)).toEqual(['127.0.0.60']);
    expect((await r('missing.example-lab')).rcode).toBe('NXDOMAIN');
    expect((await r('internal.example-lab')).answers.map(data)).toEqual(['10.0.0.1']);
    expect((await r('www.shop.example-lab')).rcode).toBe('NXDOMAIN');
    expect((await r('lame.example-lab')).rcode).toBe('SERVFAIL');
    expect((await r('caa.example-lab', 'CAA')).answers.map(data)).toEqual([
      { flags: 0, tag: 'issue', value: 'ca.example-lab', issuerCritical: false },
    ]);
    expect(lab.profile.allowAddresses).toEqual(expect.arrayContaining(['127.0.0.60/32', '127.0.0.61/32']));
  });
});
