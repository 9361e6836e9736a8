/** Spoofing resistance and fidelity under hostile answers, at the transport (RFC 5452, RFC 6604). */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { queryOnce } from '../../src/dns/transport.js';
import { startLab } from '../../src/lab/index.js';
import { preflight } from '../../src/engine/preflight.js';
import { QUERIES_PER_SOCKET } from '../../src/dns/udp-mux.js';
import { hostileDns, reply, type HostileDns } from './servers.js';

let server: HostileDns | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const at = (s: HostileDns) => ({ address: s.address, port: s.port });
const A = { name: 'www.example.com', type: 'A' };
const answerA = (data: string) => ({
  answers: [{ name: 'www.example.com', type: 'A' as const, ttl: 60, data }],
});

describe('hostile DNS replies', () => {
  it('a junk byte and a malformed reply with the right ID are ignored; the real answer is used', async () => {
    server = await hostileDns((q, send) => {
      send(Buffer.from([0x42]));
      const bad = reply(q, answerA('192.0.2.1')).subarray(0, 20);
      send(bad);
      send(reply(q, answerA('192.0.2.7')), 50);
    });
    const outs = await Promise.all(
      [0, 1, 2, 3].map(() => queryOnce(at(server!), A, { timeoutMs: 2000, retries: 0 })),
    );
    for (const out of outs) {
      expect(out.ok).toBe(true);
      if (out.ok) expect(out.response.answers.map((r) => r.data)).toEqual(['192.0.2.7']);
    }
  });

  it('a reply cut inside an A record is malformed, never an address with "undefined" in it', async () => {
    server = await hostileDns((q, send) => {
      const full = reply(q, answerA('127.0.0.1'));
      send(full.subarray(0, full.length - 3));
    });
    const out = await queryOnce(at(server), A, { timeoutMs: 300, retries: 0 });
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.failure.kind).toBe('malformed');
      expect(out.failure.message).toMatch(/cut inside a record/);
    }
    expect(JSON.stringify(out)).not.toContain('undefined');
  });

  it('an NXDOMAIN that carries answer records is NXDOMAIN: the records are not used', async () => {
    server = await hostileDns((q, send) => send(reply(q, { rcode: 'NXDOMAIN', ...answerA('192.0.2.1') })));
    const out = await queryOnce(at(server), A, { timeoutMs: 1000, retries: 0 });
    expect(out.ok).toBe(true);
    if (out.ok) {
      expect(out.response.rcode).toBe('NXDOMAIN');
      expect(out.response.answers.filter((r) => r.type === 'A')).toEqual([]);
    }
  });

  it('source ports change from query to query (RFC 5452 section 9.2)', async () => {
    server = await hostileDns((q, send) => send(reply(q, answerA('192.0.2.1'))));
    const n = 400;
    // Half in sequence, half at once: both patterns must spread over many ports.
    for (let i = 0; i < n / 2; i++) await queryOnce(at(server), A, { timeoutMs: 1000, retries: 0 });
    await Promise.all(
      Array.from({ length: n / 2 }, () => queryOnce(at(server!), A, { timeoutMs: 2000, retries: 0 })),
    );
    const perPort = new Map<number, number>();
    for (const r of server.received) perPort.set(r.port, (perPort.get(r.port) ?? 0) + 1);
    expect(server.received).toHaveLength(n);
    // A retired socket's port number may be drawn again by the kernel for a new socket (about one chance in
    // five over 100 sockets among ~28,000 ephemeral ports): a new socket, so twice the cap is still "changed".
    expect(Math.max(...perPort.values())).toBeLessThanOrEqual(2 * QUERIES_PER_SOCKET);
    expect(perPort.size).toBeGreaterThanOrEqual(n / QUERIES_PER_SOCKET);
  });
});

describe('source ports over a whole run (RFC 5452)', () => {
  it('one preflight() of 40 names: the lab servers see the queries arrive from many ports, none from more than twice the cap', async () => {
    const lab = await startLab(new URL('../../fixtures/scenarios/basic.yaml', import.meta.url).pathname);
    const servers = new Set(lab.scenario.servers.map((s) => s.address));
    const perPort = new Map<number, number>();
    // A datagram arriving at a lab server: its source port is the port the tool sent the query from.
    const emit = dgram.Socket.prototype.emit;
    const spy = jest.spyOn(dgram.Socket.prototype, 'emit').mockImplementation(function (
      this: dgram.Socket,
      event: string | symbol,
      ...args: unknown[]
    ) {
      if (event === 'message') {
        let at = '';
        try {
          at = this.address().address;
        } catch {
          /* not bound */
        }
        const rinfo = args[1] as dgram.RemoteInfo;
        if (servers.has(at) && rinfo.port !== lab.port)
          perPort.set(rinfo.port, (perPort.get(rinfo.port) ?? 0) + 1);
      }
      return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
    } as never);
    try {
      const bases = ['good.test', 'www.good.test', 'alias.good.test', 'mail.good.test'];
      const names = bases.flatMap((n) => [n, ...'abcdefghi'.split('').map((p) => `${p}.${n}`)]);
      const report = await preflight(names, {
        profile: { ...lab.profile, publicResolvers: [] },
        challenge: 'dns-01',
      });
      const received = [...perPort.values()].reduce((a, b) => a + b, 0);
      expect(received).toBeGreaterThan(100);
      expect(received).toBeLessThanOrEqual(report.stats.dnsQueries);
      expect(Math.max(...perPort.values())).toBeLessThanOrEqual(2 * QUERIES_PER_SOCKET);
      expect(perPort.size).toBeGreaterThanOrEqual(Math.floor(received / (2 * QUERIES_PER_SOCKET)));
    } finally {
      spy.mockRestore();
      await lab.stop();
    }
  });
});
