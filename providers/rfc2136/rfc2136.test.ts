import { createHmac } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import * as packet from 'dns-packet';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import { ProviderError } from '../types.js';
import { expectPromptCancel } from '../__testing__/cancel.test-helper.js';
import { meta } from './meta.js';

const ZONE = 'example.test';
const FQDN = '_acme-challenge.www.example.test';
const KEY = 'acme-key.';
const SECRET = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');

type Mode = 'ok' | 'refuse' | 'broken';

/** dns-packet's name codec, which its type definitions leave out. */
const pname = (
  packet as unknown as {
    name: {
      encode(n: string): Buffer;
      decode: ((b: Buffer, o: number) => string) & { bytes: number };
      encodingLength(n: string): number;
    };
  }
).name;

/** A loopback UPDATE server: parses with dns-packet, checks TSIG its own way, applies the update. */
class FakeUpdateServer {
  readonly store = new Map<string, string[]>();
  readonly updates: packet.Packet[] = [];
  mode: Mode = 'ok';
  private sock!: Socket;
  port = 0;

  async start(): Promise<void> {
    this.sock = createSocket('udp4');
    this.sock.on('message', (m, r) => this.onMessage(m, r));
    await new Promise<void>((res) => this.sock.bind(0, '127.0.0.1', () => res()));
    this.port = this.sock.address().port;
  }

  close(): Promise<void> {
    return new Promise((res) => this.sock.close(() => res()));
  }

  private send(buf: Buffer, r: RemoteInfo): void {
    this.sock.send(buf, r.port, r.address);
  }

  private onMessage(msg: Buffer, r: RemoteInfo): void {
    const opcode = (msg.readUInt16BE(2) >> 11) & 0xf;
    if (opcode === 0) return this.send(this.soaAnswer(msg), r);
    if (opcode !== 5) return;
    const p = packet.decode(msg);
    this.updates.push(p);
    const tsig = p.additionals?.[p.additionals.length - 1];
    if (this.mode === 'broken') {
      return this.send(this.response(msg, 2, undefined), r);
    }
    if (!tsig || tsig.type !== 'TSIG') return this.send(this.response(msg, 9, undefined), r);
    const parsed = parseTsig((tsig as unknown as { data: Buffer }).data);
    const rrLen = pname.encodingLength(tsig.name) + 10 + (tsig as unknown as { data: Buffer }).data.length;
    const unsigned = Buffer.from(msg.subarray(0, msg.length - rrLen));
    unsigned.writeUInt16BE(unsigned.readUInt16BE(10) - 1, 10);
    const expected = mac(Buffer.from(SECRET, 'base64'), [
      unsigned,
      vars(tsig.name, parsed.alg, parsed.time, parsed.fudge, 0),
    ]);
    if (tsig.name.toLowerCase() !== 'acme-key' || !expected.equals(parsed.mac)) {
      return this.send(
        this.response(msg, 9, { error: 16, reqMac: undefined, alg: parsed.alg, time: parsed.time }),
        r,
      );
    }
    const signing = { error: 0, reqMac: parsed.mac, alg: parsed.alg, time: parsed.time };
    if (this.mode === 'refuse') return this.send(this.response(msg, 5, signing), r);
    if (p.questions?.[0]?.name.toLowerCase() !== ZONE) return this.send(this.response(msg, 10, signing), r);
    for (const u of p.authorities ?? []) {
      const value = (u as unknown as { data: Buffer[] }).data.map((b) => b.toString()).join('');
      const list = this.store.get(u.name.toLowerCase()) ?? [];
      const klass = (u as unknown as { class: string }).class;
      if (klass === 'IN' && !list.includes(value)) list.push(value);
      if (klass === 'UNKNOWN_254') list.splice(list.indexOf(value) >>> 0, list.includes(value) ? 1 : 0);
      this.store.set(u.name.toLowerCase(), list);
    }
    this.send(this.response(msg, 0, signing), r);
  }

  private soaAnswer(msg: Buffer): Buffer {
    const q = packet.decode(msg);
    const qn = q.questions![0]!.name.toLowerCase();
    const inZone = qn === ZONE || qn.endsWith('.' + ZONE);
    const soa = {
      name: ZONE,
      type: 'SOA' as const,
      ttl: 60,
      data: {
        mname: 'ns1.example.test',
        rname: 'h.example.test',
        serial: 1,
        refresh: 1,
        retry: 1,
        expire: 1,
        minimum: 1,
      },
    };
    return packet.encode({
      id: q.id,
      type: 'response',
      flags: packet.AUTHORITATIVE_ANSWER | (inZone ? 0 : 5),
      questions: q.questions,
      answers: inZone && qn === ZONE ? [soa] : [],
      authorities: inZone && qn !== ZONE ? [soa] : [],
    });
  }

  private response(
    req: Buffer,
    rcode: number,
    sign: { error: number; reqMac?: Buffer; alg: string; time: number } | undefined,
  ): Buffer {
    // Header copied from the request with QR set and the rcode; zone section echoed.
    const zoneEnd = 12 + pname.encodingLength(pname.decode(req, 12)) + 4;
    const out = Buffer.from(req.subarray(0, zoneEnd));
    out.writeUInt16BE(((req.readUInt16BE(2) | 0x8000 | rcode) & 0xfff0) | rcode, 2);
    out.writeUInt16BE(0, 6);
    out.writeUInt16BE(0, 8);
    out.writeUInt16BE(0, 10);
    if (!sign) return out;
    const m =
      sign.error === 0
        ? mac(Buffer.from(SECRET, 'base64'), [
            u16(sign.reqMac!.length),
            sign.reqMac!,
            out,
            vars(KEY, sign.alg, sign.time, 300, 0),
          ])
        : Buffer.alloc(0);
    const rdata = Buffer.concat([
      pname.encode(sign.alg),
      u48(sign.time),
      u16(300),
      u16(m.length),
      m,
      u16(req.readUInt16BE(0)),
      u16(sign.error),
      u16(0),
    ]);
    const rr = Buffer.concat([
      pname.encode('acme-key'),
      u16(250),
      u16(255),
      Buffer.alloc(4),
      u16(rdata.length),
      rdata,
    ]);
    out.writeUInt16BE(1, 10);
    return Buffer.concat([out, rr]);
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}
function vars(key: string, alg: string, time: number, fudge: number, error: number): Buffer {
  return Buffer.concat([
    pname.encode(key.toLowerCase()),
    u16(255),
    Buffer.alloc(4),
    pname.encode(alg.toLowerCase()),
    u48(time),
    u16(fudge),
    u16(error),
    u16(0),
  ]);
}
function mac(secret: Buffer, parts: Buffer[]): Buffer {
  const h = createHmac('sha256', secret);
  for (const p of parts) h.update(p);
  return h.digest();
}
function parseTsig(d: Buffer): { alg: string; time: number; fudge: number; mac: Buffer } {
  const alg = pname.decode(d, 0);
  let o = pname.decode.bytes;
  const time = d.readUIntBE(o, 6);
  const fudge = d.readUInt16BE(o + 6);
  const len = d.readUInt16BE(o + 8);
  o += 10;
  return { alg, time, fudge, mac: d.subarray(o, o + len) };
}

async function harness(): Promise<ConformanceHarness & { server: FakeUpdateServer }> {
  const server = new FakeUpdateServer();
  await server.start();
  return {
    server,
    meta,
    fqdn: FQDN,
    env: {
      RFC2136_NAMESERVER: `127.0.0.1:${server.port}`,
      RFC2136_TSIG_KEY: KEY,
      RFC2136_TSIG_SECRET: SECRET,
      RFC2136_TSIG_ALGORITHM: 'hmac-sha256.',
    },
    opts: { timeoutMs: 2000 },
    values: (f) => server.store.get(f) ?? [],
    seed: (f, v) => void server.store.set(f, [...(server.store.get(f) ?? []), v]),
    breakBackend: () => void (server.mode = 'broken'),
    close: () => server.close(),
  };
}

runConformance('rfc2136', harness);

describe('rfc2136 adapter on the wire', () => {
  let h: Awaited<ReturnType<typeof harness>>;
  afterEach(async () => h.close!());

  it('sends one TSIG-signed UPDATE adding TXT IN with the TTL, and deletes with class NONE and the exact value', async () => {
    h = await harness();
    const p = await createProvider('rfc2136', h.env, { ...h.opts, ttl: 90 });
    const handle = await p.createTxt('_ACME-challenge.www.Example.Test.', 'v1');
    expect(handle).toEqual({ provider: 'rfc2136', fqdn: FQDN, value: 'v1', zone: ZONE });
    await p.deleteTxt(handle);
    expect(h.server.updates).toHaveLength(2);
    const [add, del] = h.server.updates as [packet.Packet, packet.Packet];
    expect(add.questions).toEqual([{ name: ZONE, type: 'SOA', class: 'IN' }]);
    expect(add.answers).toEqual([]);
    expect(add.authorities).toEqual([
      { name: FQDN, type: 'TXT', class: 'IN', ttl: 90, flush: false, data: [Buffer.from('v1')] },
    ]);
    expect(del.authorities).toEqual([
      { name: FQDN, type: 'TXT', class: 'UNKNOWN_254', ttl: 0, flush: false, data: [Buffer.from('v1')] },
    ]);
    for (const u of [add, del]) {
      expect(u.additionals).toHaveLength(1);
      expect(u.additionals![0]!.type).toBe('TSIG');
    }
    expect(h.server.store.get(FQDN)).toEqual([]);
  });

  it('explains REFUSED with the update policy', async () => {
    h = await harness();
    const p = await createProvider('rfc2136', h.env, h.opts);
    h.server.mode = 'refuse';
    await expect(p.createTxt(FQDN, 'x')).rejects.toThrow(/returned REFUSED: .*update-policy/);
  });

  it('reports a wrong secret as NOTAUTH with TSIG error BADSIG, without printing the secret', async () => {
    h = await harness();
    const wrong = Buffer.from('another-secret-of-32-bytes-long!').toString('base64');
    const p = await createProvider('rfc2136', { ...h.env, RFC2136_TSIG_SECRET: wrong }, h.opts);
    const err = (await p.createTxt(FQDN, 'x').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/BADSIG/);
    expect(err.message).toMatch(/NOTAUTH/);
    expect(err.message).not.toContain(wrong);
  });

  it('rejects a name outside every zone the server serves', async () => {
    h = await harness();
    const p = await createProvider('rfc2136', h.env, h.opts);
    await expect(p.createTxt('_acme-challenge.other.test', 'x')).rejects.toThrow(
      /REFUSED; cannot find the zone/,
    );
  });

  it('rejects an unknown algorithm and a non-base64 secret at creation', async () => {
    h = await harness();
    await expect(
      createProvider('rfc2136', { ...h.env, RFC2136_TSIG_ALGORITHM: 'hmac-foo' }, h.opts),
    ).rejects.toThrow(/unsupported TSIG algorithm/);
    await expect(
      createProvider('rfc2136', { ...h.env, RFC2136_TSIG_SECRET: 'not base64!!' }, h.opts),
    ).rejects.toThrow(/not valid base64/);
  });

  it('times out clearly when nothing answers', async () => {
    h = await harness();
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const p = await createProvider(
      'rfc2136',
      { ...h.env, RFC2136_NAMESERVER: `127.0.0.1:${silent.address().port}` },
      { timeoutMs: 200 },
    );
    await expect(p.createTxt(FQDN, 'x')).rejects.toThrow(/no answer from 127\.0\.0\.1:\d+ within 200 ms/);
    silent.close();
  });
});

describe('rfc2136: cancellation', () => {
  it('an abort stops a pending SOA lookup or UPDATE at once, without the TSIG secret', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const env = {
      RFC2136_NAMESERVER: `127.0.0.1:${silent.address().port}`,
      RFC2136_TSIG_KEY: KEY,
      RFC2136_TSIG_SECRET: SECRET,
    };
    const p = await createProvider('rfc2136', env, { timeoutMs: 10_000 });
    try {
      const e = await expectPromptCancel((signal) => p.createTxt(FQDN, 'x', signal), [SECRET]);
      expect(e.message).toBe(`adding TXT ${FQDN}: cancelled (SIGINT)`);
      // With the zone in the handle, the UPDATE itself is what waits.
      const handle = { provider: 'rfc2136', fqdn: FQDN, value: 'x', zone: ZONE };
      await expectPromptCancel((signal) => p.deleteTxt(handle, signal), [SECRET]);
    } finally {
      silent.close();
    }
  });
});
