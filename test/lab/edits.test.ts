import { startLab, type Lab } from '../../src/lab/index.js';
import { ask } from './client.js';

const data = (a: unknown): unknown => (a as { data: unknown }).data;
const txt = (a: unknown): string[] => (data(a) as Buffer[]).map(String);

const SCENARIO = `
servers:
  - { name: ns1.prop.test, address: 127.0.11.1, zones: [prop.test] }
  - { name: ns2.prop.test, address: 127.0.11.2, zones: [prop.test] }
  - name: stale.resolver.test
    address: 127.0.11.9
    role: resolver
    staleTtl: 42
    overrides:
      - www.prop.test. 300 IN A 127.0.0.98
      - gone.prop.test A -
  - { name: fresh.resolver.test, address: 127.0.11.10, role: resolver }
zones:
  prop.test:
    records:
      - prop.test. 3600 IN SOA ns1.prop.test. h.prop.test. 1 7200 3600 1209600 300
      - prop.test. 3600 IN NS ns1.prop.test.
      - prop.test. 3600 IN NS ns2.prop.test.
      - www.prop.test. 300 IN A 127.0.0.70
      - gone.prop.test. 300 IN A 127.0.0.71
`;

describe('run-time edits and resolver caches', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(SCENARIO);
  });
  afterAll(() => lab.stop());

  it('a record added on one server only is seen there only (propagation)', async () => {
    const q = (addr: string) =>
      ask(addr, lab.port, '_acme-challenge.prop.test', 'TXT').then((r) => r.packet!);
    expect((await q('127.0.11.1')).rcode).toBe('NXDOMAIN');
    lab.addRecord('ns1.prop.test', '_acme-challenge.prop.test. 60 IN TXT "token-1"');
    const one = await q('127.0.11.1');
    expect(one.answers.map(txt)).toEqual([['token-1']]);
    expect((await q('127.0.11.2')).rcode).toBe('NXDOMAIN');
    lab.addRecord('127.0.11.2', '_acme-challenge.prop.test. 60 IN TXT "token-1"');
    expect((await q('127.0.11.2')).answers.map(txt)).toEqual([['token-1']]);
    // Adding a second value keeps the first.
    lab.addRecord('ns1.prop.test', '_acme-challenge.prop.test. 60 IN TXT "token-2"');
    expect((await q('127.0.11.1')).answers.map(txt).flat().sort()).toEqual(['token-1', 'token-2']);
    lab.removeRecord('ns1.prop.test', '_acme-challenge.prop.test. TXT "token-1"');
    expect((await q('127.0.11.1')).answers.map(txt)).toEqual([['token-2']]);
    lab.removeRecord('ns1.prop.test', '_acme-challenge.prop.test TXT');
    expect((await q('127.0.11.1')).rcode).toBe('NXDOMAIN');
    expect(lab.records('ns2.prop.test').filter((r) => r.type === 'TXT')).toHaveLength(1);
  });

  it('setRecords replaces whole RRsets on one server', async () => {
    lab.setRecords('ns2.prop.test', [
      'www.prop.test. 300 IN A 127.0.0.80',
      'www.prop.test. 300 IN A 127.0.0.81',
    ]);
    const p = (await ask('127.0.11.2', lab.port, 'www.prop.test', 'A')).packet!;
    expect(p.answers.map(data).sort()).toEqual(['127.0.0.80', '127.0.0.81']);
    const p1 = (await ask('127.0.11.1', lab.port, 'www.prop.test', 'A')).packet!;
    expect(p1.answers.map(data)).toEqual(['127.0.0.70']);
    lab.setRecords('ns2.prop.test', ['www.prop.test A -']);
    expect((await ask('127.0.11.2', lab.port, 'www.prop.test', 'A')).packet!.answers).toHaveLength(0);
    expect(() => lab.setRecords('ns2.prop.test', ['elsewhere.test. A 127.0.0.1'])).toThrow('no zone');
    expect(() => lab.setRecords('nobody.test', [])).toThrow('no lab server');
  });

  it('resolver overrides are stale cache contents with staleTtl', async () => {
    const stale = (await ask('127.0.11.9', lab.port, 'www.prop.test', 'A', { rd: true })).packet!;
    expect(stale.answers).toEqual([expect.objectContaining({ data: '127.0.0.98', ttl: 42 })]);
    const deleted = (await ask('127.0.11.9', lab.port, 'gone.prop.test', 'A', { rd: true })).packet!;
    expect(deleted.answers).toHaveLength(0);
    const fresh = (await ask('127.0.11.10', lab.port, 'gone.prop.test', 'A', { rd: true })).packet!;
    expect(fresh.answers.map(data)).toEqual(['127.0.0.71']);
    lab.setRecords('stale.resolver.test', ['www.prop.test. 300 IN A 127.0.0.97']);
    const again = (await ask('127.0.11.9', lab.port, 'www.prop.test', 'A', { rd: true })).packet!;
    expect(again.answers).toEqual([expect.objectContaining({ data: '127.0.0.97', ttl: 42 })]);
  });

  it('a fresh resolver reads a reachable server and sees run-time changes there', async () => {
    lab.addRecord('ns1.prop.test', 'new.prop.test. 300 IN A 127.0.0.72');
    const p = (await ask('127.0.11.10', lab.port, 'new.prop.test', 'A', { rd: true })).packet!;
    expect(p.answers.map(data)).toEqual(['127.0.0.72']);
    // With ns1 down the resolver falls back to ns2, which never got the record.
    lab.setFault('ns1.prop.test', { mode: 'timeout' });
    const q = (await ask('127.0.11.10', lab.port, 'new.prop.test', 'A', { rd: true })).packet!;
    expect(q.rcode).toBe('NXDOMAIN');
    lab.setFault('ns1.prop.test', undefined);
  });

  it('stop() closes every socket', async () => {
    const other = await startLab(SCENARIO);
    const port = other.port;
    await other.stop();
    const r = await ask('127.0.11.1', port, 'www.prop.test', 'A', { timeoutMs: 150 });
    expect(r.timedOut).toBe(true);
  });
});

describe('startLab options', () => {
  it('uses a given port and adds delayMs to every answer', async () => {
    const probe = await startLab(SCENARIO);
    const port = probe.port;
    await probe.stop();
    const lab = await startLab(SCENARIO, { port, delayMs: 80 });
    try {
      expect(lab.port).toBe(port);
      expect(lab.endpoint('ns2.prop.test')).toEqual({ address: '127.0.11.2', port, name: 'ns2.prop.test' });
      const t0 = Date.now();
      const r = await ask('127.0.11.2', port, 'www.prop.test', 'A');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
      expect(r.packet!.answers.map(data)).toEqual(['127.0.0.70']);
    } finally {
      await lab.stop();
    }
  });
});
