import net from 'node:net';
import dnsPacket from 'dns-packet';
import { buildQuery, encodeQuery, queryOnce } from '../../src/dns/transport.js';
import { dualPort } from './dual-port.js';
import type { DnsQuestion, QueryOptions } from '../../src/dns/types.js';

type Reply = (query: dnsPacket.DecodedPacket, raw: Buffer) => Buffer[] | null;

interface Fake {
  port: number;
  udpQueries: dnsPacket.DecodedPacket[];
  tcpQueries: dnsPacket.DecodedPacket[];
  close(): Promise<void>;
}

const answerTo = (q: dnsPacket.DecodedPacket, extra: Partial<dnsPacket.Packet> = {}): Buffer =>
  dnsPacket.encode({
    id: q.id,
    type: 'response',
    flags: dnsPacket.AUTHORITATIVE_ANSWER,
    questions: q.questions,
    answers: [{ name: 'Example.COM.', type: 'A', ttl: 60, data: '192.0.2.1' }],
    ...extra,
  });

/** UDP and TCP on the same loopback port, each answering through its own handler. */
async function fake(udp: Reply, tcp: Reply = udp): Promise<Fake> {
  const udpQueries: dnsPacket.DecodedPacket[] = [];
  const tcpQueries: dnsPacket.DecodedPacket[] = [];
  const conns = new Set<net.Socket>();
  const ports = await dualPort(
    (sock) =>
      sock.on('message', (msg, rinfo) => {
        const q = dnsPacket.decode(msg);
        udpQueries.push(q);
        for (const out of udp(q, msg) ?? []) sock.send(out, rinfo.port, rinfo.address);
      }),
    (c) => {
      conns.add(c);
      c.on('close', () => conns.delete(c));
      c.on('data', (d) => {
        const q = dnsPacket.decode(d.subarray(2));
        tcpQueries.push(q);
        for (const out of tcp(q, d) ?? []) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          c.write(Buffer.concat([len, out]));
        }
      });
    },
  );
  return {
    port: ports.port,
    udpQueries,
    tcpQueries,
    close: async () => {
      for (const c of conns) c.destroy();
      await ports.close();
    },
  };
}

const q = { name: 'example.com', type: 'A' };
let f: Fake | undefined;
afterEach(async () => {
  await f?.close();
  f = undefined;
});

test('answers carry server, flags, normalised records, rtt and the raw message', async () => {
  f = await fake((query) => [answerTo(query)]);
  const out = await queryOnce({ address: '127.0.0.1', port: f.port }, { name: 'EXAMPLE.com.', type: 'a' });
  expect(out.ok).toBe(true);
  if (!out.ok) return;
  const r = out.response;
  expect(r.server).toBe(`127.0.0.1:${f.port}`);
  expect(r.rcode).toBe('NOERROR');
  expect(r.flags).toEqual({ aa: true, tc: false, rd: false, ra: false, ad: false, cd: false });
  expect(r.answers).toEqual([{ name: 'example.com', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }]);
  expect(r.transport).toBe('udp');
  expect(r.rttMs).toBeGreaterThanOrEqual(0);
});

test('sends RD/CD as asked and the EDNS DO bit with the payload size', async () => {
  f = await fake((query) => [answerTo(query)]);
  await queryOnce({ address: '127.0.0.1', port: f.port }, q, { rd: true, cd: true, dnssec: true });
  await queryOnce({ address: '127.0.0.1', port: f.port }, q, {});
  const [withDo, plain] = f.udpQueries;
  expect(withDo!.flag_rd).toBe(true);
  expect(withDo!.flag_cd).toBe(true);
  const opt = withDo!.additionals!.find((a) => a.type === 'OPT') as dnsPacket.OptAnswer;
  expect(opt.flag_do).toBe(true);
  expect(opt.udpPayloadSize).toBe(1232);
  expect(plain!.flag_rd).toBe(false);
  expect((plain!.additionals!.find((a) => a.type === 'OPT') as dnsPacket.OptAnswer).flag_do).toBe(false);
  expect(withDo!.id).not.toBe(plain!.id);
});

test('times out, retries, then succeeds on a later attempt', async () => {
  let n = 0;
  f = await fake((query) => (++n < 3 ? null : [answerTo(query)]));
  const out = await queryOnce({ address: '127.0.0.1', port: f.port }, q, { timeoutMs: 150, retries: 2 });
  expect(out.ok).toBe(true);
  expect(f.udpQueries).toHaveLength(3);
});

test('reports a timeout after all retries', async () => {
  f = await fake(() => null);
  const out = await queryOnce({ address: '127.0.0.1', port: f.port }, q, { timeoutMs: 100, retries: 1 });
  expect(out.ok).toBe(false);
  if (out.ok) return;
  expect(out.failure.kind).toBe('timeout');
  expect(out.failure.message).toContain(`127.0.0.1:${f.port}`);
  expect(f.udpQueries).toHaveLength(2);
});

test('ignores replies with a wrong ID or question and keeps listening for the right one', async () => {
  f = await fake((query) => [
    answerTo({ ...query, id: ((query.id ?? 0) + 1) & 0xffff }),
    answerTo(query, { questions: [{ name: 'other.example', type: 'A', class: 'IN' }] }),
    answerTo(query, { answers: [{ name: 'example.com', type: 'A', ttl: 5, data: '192.0.2.99' }] }),
  ]);
  const out = await queryOnce({ address: '127.0.0.1', port: f.port }, q, { timeoutMs: 1000, retries: 0 });
  expect(out.ok && out.response.answers[0]!.data).toBe('192.0.2.99');
});

test('only wrong-ID replies end as a mismatch, without retry', async () => {
  f = await fake((query) => [answerTo({ ...query, id: ((query.id ?? 0) + 1) & 0xffff })]);
  const out = await queryOnce({ address: '127.0.0.1', port: f.port }, q, { timeoutMs: 150, retries: 2 });
  expect(!out.ok && out.failure.kind).toBe('mismatch');
  expect(f.udpQueries).toHaveLength(1);
});

test('a reply that cannot be decoded is a malformed failure', async () => {
  f = await fake((query) => {
    const bad = Buffer.alloc(14, 0xff);
    bad.writeUInt16BE(query.id ?? 0, 0);
    return [bad];
  });
  const out = await queryOnce({ address: '127.0.0.1', port: f.port }, q, { timeoutMs: 1000, retries: 0 });
  expect(out.ok).toBe(false);
  if (out.ok) return;
  expect(out.failure.kind).toBe('malformed');
});

test('a truncated UDP answer is retried over TCP', async () => {
  f = await fake(
    (query) => [
      dnsPacket.encode({
        id: query.id,
        type: 'response',
        flags: dnsPacket.TRUNCATED_RESPONSE,
        questions: query.questions,
      }),
    ],
    (query) => [answerTo(query)],
  );
  const out = await queryOnce({ address: '127.0.0.1', port: f.port }, q, { timeoutMs: 1000 });
  expect(out.ok).toBe(true);
  if (!out.ok) return;
  expect(out.response.transport).toBe('tcp');
  expect(out.response.flags.tc).toBe(false);
  expect(out.response.answers).toHaveLength(1);
  expect(f.udpQueries).toHaveLength(1);
  expect(f.tcpQueries).toHaveLength(1);
});

test('TCP refused connection is a network failure, not retried', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const out = await queryOnce({ address: '127.0.0.1', port }, q, { tcp: true, timeoutMs: 500 });
  expect(!out.ok && out.failure.kind).toBe('network');
});

test('the root is asked as "." and reported as ""', async () => {
  f = await fake((query) => [
    dnsPacket.encode({
      id: query.id,
      type: 'response',
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: query.questions,
      answers: [{ name: '.', type: 'NS', ttl: 5, data: 'A.Root-Servers.NET.' }],
    }),
  ]);
  const out = await queryOnce(
    { address: '127.0.0.1', port: f.port },
    { name: '', type: 'NS' },
    { timeoutMs: 1000 },
  );
  expect(out.ok && out.response.answers).toEqual([
    { name: '', type: 'NS', class: 'IN', ttl: 5, data: 'a.root-servers.net' },
  ]);
});

test('a query built from a template is byte for byte what dns-packet encodes', () => {
  const cases: [DnsQuestion, QueryOptions][] = [
    [{ name: '', type: 'NS' }, {}],
    [{ name: 'example.com', type: 'CAA' }, { rd: false }],
    [
      { name: '_acme-challenge.www.example.com', type: 'TXT' },
      { rd: true, cd: true, dnssec: true },
    ],
    [
      { name: 'xn--bcher-kva.example', type: 'DNSKEY' },
      { dnssec: true, udpPayload: 4096 },
    ],
    [{ name: 'a.b.c.d.e.f', type: 'AAAA' }, { udpPayload: 0 }],
  ];
  for (const [q, opts] of cases) {
    // twice: the second comes from the template cache
    for (const id of [1, 0xbeef]) expect(buildQuery(id, q, opts).equals(encodeQuery(id, q, opts))).toBe(true);
  }
  expect(dnsPacket.decode(buildQuery(7, { name: 'www.example.com', type: 'A' })).questions).toEqual([
    { name: 'www.example.com', type: 'A', class: 'IN' },
  ]);
});
