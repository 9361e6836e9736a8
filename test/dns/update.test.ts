import { createSocket } from 'node:dgram';
import * as packet from 'dns-packet';
import { describe, expect, it } from '@jest/globals';
import { dualPort } from './dual-port.js';
import { buildUpdate, exchange, parseServer, rcodeOf, sendUpdate, txtRdata } from '../../src/dns/update.js';

describe('UPDATE message', () => {
  it('encodes header, zone section, an add (class IN) and a delete (class NONE, TTL 0) byte for byte', () => {
    const wire = buildUpdate(0xbeef, 'Example.test.', [
      { op: 'add', name: '_acme-challenge.example.test', type: 'TXT', ttl: 120, value: 'v1' },
      { op: 'delete', name: '_acme-challenge.example.test', type: 'TXT', value: 'v0' },
    ]);
    const name = Buffer.from([
      15,
      ...Buffer.from('_acme-challenge'),
      7,
      ...Buffer.from('example'),
      4,
      ...Buffer.from('test'),
      0,
    ]);
    const expected = Buffer.concat([
      Buffer.from([0xbe, 0xef, 0x28, 0x00, 0, 1, 0, 0, 0, 2, 0, 0]),
      Buffer.from([7, ...Buffer.from('example'), 4, ...Buffer.from('test'), 0, 0, 6, 0, 1]),
      name,
      Buffer.from([0, 16, 0, 1, 0, 0, 0, 120, 0, 3, 2, 0x76, 0x31]),
      name,
      Buffer.from([0, 16, 0, 254, 0, 0, 0, 0, 0, 3, 2, 0x76, 0x30]),
    ]);
    expect(wire.toString('hex')).toBe(expected.toString('hex'));
    const decoded = packet.decode(wire);
    expect((decoded as unknown as { opcode: string }).opcode).toBe('UPDATE');
  });

  it('splits TXT values longer than 255 bytes into character-strings', () => {
    const r = txtRdata('x'.repeat(300));
    expect(r[0]).toBe(255);
    expect(r[256]).toBe(45);
    expect(r.length).toBe(302);
    expect(txtRdata('')).toEqual(Buffer.from([0]));
  });

  it('parses nameserver addresses', () => {
    expect(parseServer('ns1.example.test')).toEqual({ address: 'ns1.example.test', port: 53 });
    expect(parseServer('127.0.0.1:5353')).toEqual({ address: '127.0.0.1', port: 5353 });
    expect(parseServer('[::1]:53')).toEqual({ address: '::1', port: 53 });
    expect(parseServer('::1')).toEqual({ address: '::1', port: 53 });
    expect(() => parseServer('a:b:c:99999x')).toThrow();
  });
});

describe('UPDATE transport and rcodes', () => {
  it('falls back to TCP when the UDP answer is truncated', async () => {
    const { port, close } = await dualPort(
      (udp) =>
        udp.on('message', (m, r) => {
          const out = Buffer.from(m.subarray(0, 12));
          out.writeUInt16BE(0x8000 | 0x0200 | 0x2800, 2);
          udp.send(out, r.port, r.address);
        }),
      (s) =>
        s.once('data', (d) => {
          const m = d.subarray(2);
          const out = Buffer.from(m.subarray(0, 12));
          out.writeUInt16BE(0xa805, 2); // QR, UPDATE, REFUSED
          s.end(Buffer.concat([Buffer.from([0, 12]), out]));
        }),
    );
    try {
      const res = await exchange({ address: '127.0.0.1', port }, buildUpdate(7, 'example.test', []), 2000);
      expect(rcodeOf(res)).toBe('REFUSED');
      await expect(
        sendUpdate({
          server: { address: '127.0.0.1', port },
          zone: 'example.test',
          ops: [],
          timeoutMs: 2000,
        }),
      ).rejects.toThrow(/UPDATE of zone example\.test at 127\.0\.0\.1:\d+ returned REFUSED: .*allow-update/);
    } finally {
      await close();
    }
  });

  it('maps NOTZONE and NOTAUTH to explanations', async () => {
    for (const [code, text] of [
      [10, /NOTZONE: the record name is outside the zone/],
      [9, /NOTAUTH: the server is not authoritative/],
    ] as const) {
      const udp = createSocket('udp4');
      await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
      udp.on('message', (m, r) => {
        const out = Buffer.from(m.subarray(0, 12));
        out.writeUInt16BE(0xa800 | code, 2);
        udp.send(out, r.port, r.address);
      });
      await expect(
        sendUpdate({
          server: { address: '127.0.0.1', port: udp.address().port },
          zone: 'example.test',
          ops: [],
          timeoutMs: 2000,
        }),
      ).rejects.toThrow(text);
      udp.close();
    }
  });
});
