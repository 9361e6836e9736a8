import dnsPacket from 'dns-packet';
import { startLab, type Lab } from '../../src/lab/index.js';
import { ask } from './client.js';

const BASIC = 'fixtures/scenarios/basic.yaml';

describe('lab basic scenario', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(BASIC);
  });
  afterAll(async () => {
    await lab.stop();
  });

  it('builds a profile pointing at the lab', () => {
    expect(lab.profile.rootHints).toEqual([{ name: 'a.root-servers.test', address: '127.0.1.1' }]);
    expect(lab.profile.publicResolvers).toEqual([{ name: 'resolver.lab.test', address: '127.0.9.1' }]);
    expect(lab.profile.dnsPort).toBe(lab.port);
    expect(lab.port).toBeGreaterThan(0);
    expect(lab.profile.allowAddresses).toEqual(expect.arrayContaining(['127.0.0.0/8', '::1/128']));
    expect(lab.profile.timeouts.dnsQueryMs).toBeLessThanOrEqual(500);
  });

  it('root refers to test with glue, without AA', async () => {
    const r = await ask('127.0.1.1', lab.port, 'www.good.test', 'A');
    const p = r.packet!;
    expect(p.rcode).toBe('NOERROR');
    expect(p.flag_aa).toBe(false);
    expect(p.answers).toHaveLength(0);
    expect(p.authorities.map((a) => [a.name, a.type, (a as { data: unknown }).data])).toEqual([
      ['test', 'NS', 'ns1.nic.test'],
    ]);
    expect(p.additionals.filter((a) => a.type === 'A').map((a) => (a as { data: unknown }).data)).toEqual([
      '127.0.2.1',
    ]);
  });

  it('TLD refers to good.test with both glue addresses', async () => {
    const p = (await ask('127.0.2.1', lab.port, 'good.test', 'A')).packet!;
    expect(p.flag_aa).toBe(false);
    expect(p.authorities.map((a) => (a as { data: unknown }).data).sort()).toEqual([
      'ns1.good.test',
      'ns2.good.test',
    ]);
    expect(
      p.additionals
        .filter((a) => a.type === 'A')
        .map((a) => (a as { data: unknown }).data)
        .sort(),
    ).toEqual(['127.0.3.1', '127.0.3.2']);
  });

  it('answers authoritatively and follows CNAMEs in zone', async () => {
    const p = (await ask('127.0.3.1', lab.port, 'alias.good.test', 'A')).packet!;
    expect(p.flag_aa).toBe(true);
    expect(p.answers.map((a) => [a.name, a.type, (a as { data: unknown }).data])).toEqual([
      ['alias.good.test', 'CNAME', 'www.good.test'],
      ['www.good.test', 'CNAME', 'good.test'],
      ['good.test', 'A', '127.0.0.10'],
    ]);
  });

  it('NXDOMAIN carries the SOA with the negative TTL', async () => {
    const p = (await ask('127.0.3.2', lab.port, 'nope.good.test', 'A')).packet!;
    expect(p.rcode).toBe('NXDOMAIN');
    expect(p.flag_aa).toBe(true);
    expect(p.authorities).toHaveLength(1);
    expect(p.authorities[0]!.type).toBe('SOA');
    expect((p.authorities[0] as dnsPacket.Answer & { ttl: number }).ttl).toBe(300);
  });

  it('NODATA is NOERROR with SOA', async () => {
    const p = (await ask('127.0.3.1', lab.port, 'mail.good.test', 'AAAA')).packet!;
    expect(p.rcode).toBe('NOERROR');
    expect(p.answers).toHaveLength(0);
    expect(p.authorities[0]!.type).toBe('SOA');
  });

  it('serves TXT, CAA and wildcard records', async () => {
    const txt = (await ask('127.0.3.1', lab.port, 'good.test', 'TXT')).packet!;
    expect((txt.answers[0] as { data: Buffer[] }).data.map(String)).toEqual(['v=spf1 -all']);
    const caa = (await ask('127.0.3.1', lab.port, 'good.test', 'CAA')).packet!;
    expect((caa.answers[0] as { data: unknown }).data).toMatchObject({
      flags: 0,
      tag: 'issue',
      value: 'letsencrypt.org',
    });
    const wild = (await ask('127.0.3.1', lab.port, 'x.wild.good.test', 'A')).packet!;
    expect(wild.answers.map((a) => [a.name, (a as { data: unknown }).data])).toEqual([
      ['x.wild.good.test', '127.0.0.12'],
    ]);
  });

  it('REFUSES names outside its zones', async () => {
    const p = (await ask('127.0.3.1', lab.port, 'other.test', 'A')).packet!;
    expect(p.rcode).toBe('REFUSED');
  });

  it('answers over TCP', async () => {
    const p = (await ask('127.0.3.1', lab.port, 'good.test', 'A', { tcp: true })).packet!;
    expect(p.answers.map((a) => (a as { data: unknown }).data)).toEqual(['127.0.0.10']);
  });

  it('resolver role answers recursively with RA', async () => {
    const p = (await ask('127.0.9.1', lab.port, 'alias.good.test', 'A', { rd: true })).packet!;
    expect(p.flag_ra).toBe(true);
    expect(p.flag_aa).toBe(false);
    expect(p.answers.at(-1)).toMatchObject({ name: 'good.test', type: 'A', data: '127.0.0.10' });
    const nx = (await ask('127.0.9.1', lab.port, 'nope.good.test', 'A', { rd: true })).packet!;
    expect(nx.rcode).toBe('NXDOMAIN');
  });

  it('counts and logs queries per server', async () => {
    lab.resetCounts();
    await ask('127.0.3.2', lab.port, 'good.test', 'AAAA', { tcp: true });
    expect(lab.queries.get('127.0.3.2')).toBe(1);
    expect(lab.log).toEqual([
      {
        server: '127.0.3.2',
        serverName: 'ns2.good.test',
        name: 'good.test',
        type: 'AAAA',
        transport: 'tcp',
        dnssec: false,
      },
    ]);
  });
});
