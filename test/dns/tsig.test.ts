import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  computeMac,
  encodeName,
  encodeTsigRecord,
  findTsig,
  signMessage,
  tsigVariables,
  verifyMessage,
  type TsigKey,
} from '../../src/dns/tsig.js';

const KEY: TsigKey = {
  name: 'acme-key.',
  algorithm: 'hmac-sha256.',
  secret: Buffer.from('MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=', 'base64'),
};

/**
 * A real UPDATE signed by BIND's nsupdate 9.x (captured once on loopback):
 * zone example.test, update add _acme-challenge.example.test. 120 TXT "hello",
 * key acme-key, hmac-sha256, time signed 1795431966.
 */
const NSUPDATE_HEX =
  'd12728000001000000010001076578616d706c65047465737400000600010f5f61636d652d6368616c6c656e6765c00c001000010000007800060568656c6c6f' +
  '0861636d652d6b65790000fa00ff00000000003d0b686d61632d7368613235360000006b041e1e012c0020485e168fd3a2d70b78aa166b86890b85d02e9f87c9' +
  'bf8a65fdad0b398e9e572bd12700000000';
const NSUPDATE_TIME = 1795431966;

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);

describe('TSIG against nsupdate', () => {
  const wire = Buffer.from(NSUPDATE_HEX, 'hex');

  it('verifies the MAC nsupdate computed', () => {
    const v = verifyMessage(wire, KEY, undefined, NSUPDATE_TIME + 10);
    expect(v.reason).toBeUndefined();
    expect(v.ok).toBe(true);
    expect(v.tsig?.mac.toString('base64')).toBe('SF4Wj9Oi1wt4qhZrhokLhdAun4fJv4pl/a0LOY6eVys=');
  });

  it('re-signing the unsigned part reproduces nsupdate byte for byte', () => {
    const found = findTsig(wire)!;
    const unsigned = Buffer.from(wire.subarray(0, found.start));
    unsigned.writeUInt16BE(0, 10);
    expect(signMessage(unsigned, KEY, NSUPDATE_TIME).wire.toString('hex')).toBe(NSUPDATE_HEX);
  });

  it('rejects a wrong secret, a changed byte, a stale time and another key name', () => {
    expect(
      verifyMessage(wire, { ...KEY, secret: Buffer.from('other') }, undefined, NSUPDATE_TIME).reason,
    ).toMatch(/does not verify/);
    const altered = Buffer.from(wire);
    altered[60] = altered[60]! ^ 1;
    expect(verifyMessage(altered, KEY, undefined, NSUPDATE_TIME).ok).toBe(false);
    expect(verifyMessage(wire, KEY, undefined, NSUPDATE_TIME + 301).reason).toMatch(/outside fudge 300s/);
    expect(verifyMessage(wire, { ...KEY, name: 'other-key' }, undefined, NSUPDATE_TIME).reason).toMatch(
      /expected "other-key"/,
    );
  });
});

describe('TSIG known answer built by hand', () => {
  // Header id 0x1234, opcode UPDATE, one zone entry "example.", SOA IN.
  const message = Buffer.concat([
    Buffer.from([0x12, 0x34, 0x28, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]),
    Buffer.from([7, ...Buffer.from('example'), 0, 0, 6, 0, 1]),
  ]);
  const time = 1700000000;
  // RFC 8945 §4.3.3 variables, written out literally: key name, class ANY, TTL 0, algorithm, time, fudge, error, other len.
  const varsByHand = Buffer.concat([
    Buffer.from([8, ...Buffer.from('acme-key'), 0]),
    Buffer.from([0x00, 0xff]),
    Buffer.from([0, 0, 0, 0]),
    Buffer.from([11, ...Buffer.from('hmac-sha256'), 0]),
    Buffer.from([0x00, 0x00, 0x65, 0x53, 0xf1, 0x00]), // 1700000000
    Buffer.from([0x01, 0x2c]), // 300
    Buffer.from([0, 0]),
    Buffer.from([0, 0]),
  ]);
  const expectedMac = createHmac('sha256', KEY.secret).update(message).update(varsByHand).digest();

  it('digests exactly the message and the variables', () => {
    const vars = {
      keyName: 'ACME-Key.',
      algorithm: 'HMAC-SHA256.',
      timeSigned: time,
      fudge: 300,
      error: 0,
      otherData: Buffer.alloc(0),
    };
    expect(tsigVariables(vars).equals(varsByHand)).toBe(true);
    expect(computeMac(KEY, message, vars).equals(expectedMac)).toBe(true);
  });

  it('appends the TSIG RR with the right layout and bumps ARCOUNT', () => {
    const { wire, mac } = signMessage(message, KEY, time);
    expect(mac.equals(expectedMac)).toBe(true);
    expect(wire.readUInt16BE(10)).toBe(1);
    const rr = wire.subarray(message.length);
    const rdata = Buffer.concat([
      Buffer.from([11, ...Buffer.from('hmac-sha256'), 0]),
      Buffer.from([0x00, 0x00, 0x65, 0x53, 0xf1, 0x00]),
      u16(300),
      u16(32),
      expectedMac,
      u16(0x1234),
      u16(0),
      u16(0),
    ]);
    expect(rr.toString('hex')).toBe(
      Buffer.concat([
        encodeName('acme-key'),
        u16(250),
        u16(255),
        Buffer.alloc(4),
        u16(rdata.length),
        rdata,
      ]).toString('hex'),
    );
  });

  it('verifies a response MAC chained to the request MAC (RFC 8945 §4.3.1)', () => {
    const req = signMessage(message, KEY, time);
    const resp = Buffer.from(message);
    resp.writeUInt16BE(0xa800, 2);
    const respVars = {
      keyName: 'acme-key',
      algorithm: 'hmac-sha256',
      timeSigned: time + 1,
      fudge: 300,
      error: 0,
      otherData: Buffer.alloc(0),
    };
    const byHand = createHmac('sha256', KEY.secret)
      .update(u16(32))
      .update(req.mac)
      .update(resp)
      .update(tsigVariables(respVars))
      .digest();
    const signed = signMessage(resp, KEY, time + 1); // signed without request MAC: must not verify as a response
    expect(verifyMessage(signed.wire, KEY, req.mac, time).ok).toBe(false);
    expect(computeMac(KEY, resp, respVars, req.mac).equals(byHand)).toBe(true);
    const good = Buffer.concat([resp, encodeTsigRecord({ ...respVars, mac: byHand, originalId: 0x1234 })]);
    good.writeUInt16BE(1, 10);
    expect(verifyMessage(good, KEY, req.mac, time).ok).toBe(true);
    expect(verifyMessage(good, KEY, Buffer.alloc(32), time).ok).toBe(false);
  });

  it('refuses unknown algorithms', () => {
    expect(() => signMessage(message, { ...KEY, algorithm: 'hmac-foo' }, time)).toThrow(
      /unsupported TSIG algorithm "hmac-foo"/,
    );
  });
});
