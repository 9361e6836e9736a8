import { LabDnsServer, startLab, type Lab } from '../../src/lab/index.js';
import { ask } from './client.js';

const data = (a: unknown): unknown => (a as { data: unknown }).data;

describe('lab server faults (fixtures/scenarios/faults.yaml)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/faults.yaml');
  });
  afterAll(async () => {
    await lab.stop();
  });

  it('servfail: SERVFAIL with empty sections', async () => {
    const p = (await ask('127.0.7.1', lab.port, 'allfail.test', 'A')).packet!;
    expect(p.rcode).toBe('SERVFAIL');
    expect(p.answers).toHaveLength(0);
  });

  it('timeout: silence on UDP and TCP, but the query is counted', async () => {
    lab.resetCounts();
    const udp = await ask('127.0.7.3', lab.port, 'slow.test', 'A', { timeoutMs: 200 });
    const tcp = await ask('127.0.7.3', lab.port, 'slow.test', 'A', { timeoutMs: 200, tcp: true });
    expect(udp.timedOut).toBe(true);
    expect(tcp.timedOut).toBe(true);
    expect(lab.queries.get('127.0.7.3')).toBe(2);
    const good = (await ask('127.0.7.4', lab.port, 'slow.test', 'A')).packet!;
    expect(good.answers.map(data)).toEqual(['127.0.0.51']);
  });

  it('truncate: UDP has TC and no records; TCP answers', async () => {
    const udp = (await ask('127.0.7.5', lab.port, 'tc.test', 'A')).packet!;
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toHaveLength(0);
    const tcp = (await ask('127.0.7.5', lab.port, 'tc.test', 'A', { tcp: true })).packet!;
    expect(tcp.flag_tc).toBe(false);
    expect(tcp.flag_aa).toBe(true);
    expect(tcp.answers.map(data)).toEqual(['127.0.0.52']);
  });

  it('malformed: bytes with our ID that do not decode', async () => {
    const r = await ask('127.0.7.7', lab.port, 'garbage.test', 'A');
    expect(r.timedOut).toBe(false);
    expect(r.raw!.readUInt16BE(0)).toBe(r.id);
    expect(r.decodeError).toBeDefined();
  });

  it('wrong-id: answers with another message ID', async () => {
    const r = await ask('127.0.7.9', lab.port, 'wrongid.test', 'A');
    expect(r.packet!.id).not.toBe(r.id);
    expect(r.packet!.answers.map(data)).toEqual(['127.0.0.54']);
  });

  it('upward-referral: refers to the root servers, no AA', async () => {
    const p = (await ask('127.0.7.11', lab.port, 'upward.test', 'A')).packet!;
    expect(p.flag_aa).toBe(false);
    expect(p.answers).toHaveLength(0);
    expect(p.authorities.map((a) => [a.name, a.type, data(a)])).toEqual([['.', 'NS', 'a.root-servers.test']]);
    expect(p.additionals.filter((a) => a.type === 'A').map(data)).toEqual(['127.0.1.1']);
  });

  it('noaa: the answer without the AA bit', async () => {
    const p = (await ask('127.0.7.12', lab.port, 'upward.test', 'A')).packet!;
    expect(p.flag_aa).toBe(false);
    expect(p.answers.map(data)).toEqual(['127.0.0.55']);
  });

  it('a fault restricted to names and types leaves other questions alone, and delays', async () => {
    const ok = (await ask('127.0.7.13', lab.port, 'partial.test', 'A')).packet!;
    expect(ok.rcode).toBe('NOERROR');
    expect(ok.answers.map(data)).toEqual(['127.0.0.56']);
    const t0 = Date.now();
    const bad = (await ask('127.0.7.13', lab.port, '_acme-challenge.partial.test', 'TXT')).packet!;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(bad.rcode).toBe('SERVFAIL');
  });

  it('refused, set at run time, and cleared again', async () => {
    lab.setFault('ns2.slow.test', { mode: 'refused' });
    expect((await ask('127.0.7.4', lab.port, 'slow.test', 'A')).packet!.rcode).toBe('REFUSED');
    lab.setFault('127.0.7.4', undefined);
    expect((await ask('127.0.7.4', lab.port, 'slow.test', 'A')).packet!.rcode).toBe('NOERROR');
  });

  it('the resolver SERVFAILs when every server of the zone fails, and answers when one works', async () => {
    const fail = (await ask('127.0.9.1', lab.port, 'allfail.test', 'A', { rd: true })).packet!;
    expect(fail.rcode).toBe('SERVFAIL');
    expect(fail.flag_ra).toBe(true);
    const slow = (await ask('127.0.9.1', lab.port, 'slow.test', 'A', { rd: true })).packet!;
    expect(slow.answers.map(data)).toEqual(['127.0.0.51']);
    const lame = (await ask('127.0.9.1', lab.port, 'upward.test', 'A', { rd: true })).packet!;
    expect(lame.rcode).toBe('SERVFAIL');
  });
});

describe('lab server without EDNS', () => {
  let lab: Lab;
  beforeAll(async () => {
    const records = Array.from({ length: 40 }, (_, i) => `- big.test. 300 IN TXT "${'x'.repeat(40)} ${i}"`);
    lab = await startLab(
      [
        'servers:',
        '  - { name: ns.big.test, address: 127.0.10.1, zones: [big.test] }',
        'zones:',
        '  big.test:',
        '    records:',
        '      - big.test. 300 IN SOA ns.big.test. h.big.test. 1 2 3 4 5',
        ...records.map((r) => '      ' + r),
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await lab.stop();
  });

  it('truncates a UDP answer above 512 bytes and serves it whole over TCP', async () => {
    const udp = (await ask('127.0.10.1', lab.port, 'big.test', 'TXT', { udpPayload: 0 })).packet!;
    expect(udp.flag_tc).toBe(true);
    expect(udp.answers).toHaveLength(0);
    const tcp = (await ask('127.0.10.1', lab.port, 'big.test', 'TXT', { tcp: true, udpPayload: 0 })).packet!;
    expect(tcp.answers).toHaveLength(40);
  });
});

describe('LabDnsServer', () => {
  it('turns a handler error into SERVFAIL instead of crashing', async () => {
    const server = new LabDnsServer('127.0.10.2', {
      handle() {
        throw new Error('bug');
      },
    });
    const port = await server.listen(0);
    try {
      const r = await ask('127.0.10.2', port, 'x.test', 'A');
      expect(r.packet!.rcode).toBe('SERVFAIL');
      expect(r.packet!.id).toBe(r.id);
    } finally {
      await server.close();
    }
  });
});
