import {
  nameToWire,
  wireToName,
  parseRR,
  encodeRR,
  fromDnsRecord,
  toDnsRecord,
  type WireRR,
} from '../../src/dns/dnssec/wire.js';
import {
  canonicalRdata,
  compareNames,
  signedData,
  parseRrsig,
  labelCount,
} from '../../src/dns/dnssec/canonical.js';
import { parseTrustAnchors } from '../../src/dns/dnssec/anchors.js';
import {
  generateKey,
  makeDs,
  signRrset,
  dsPresentation,
  dnskeyPresentation,
  withFlags,
} from '../../src/lab/dnssec/sign.js';
import { verifyRrsig, keyTag, dsMatches, parseDs, serialToDate } from '../../src/dns/dnssec/verify.js';
import { ROOT_TRUST_ANCHORS } from '../../src/profile.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const window = { inception: new Date('2026-05-01T00:00:00Z'), expiration: new Date('2026-07-01T00:00:00Z') };

describe('wire names', () => {
  it('round-trips escapes and the root', () => {
    expect(wireToName(nameToWire('a\\.b.Example.'))).toBe('a\\.b.example');
    expect(nameToWire('.').equals(Buffer.from([0]))).toBe(true);
    expect(wireToName(nameToWire('\\001.x'))).toBe('\\001.x');
    expect(() => nameToWire('a..b')).toThrow();
    expect(() => nameToWire('a'.repeat(64) + '.b')).toThrow();
  });
  it('parses and re-encodes a full RR', () => {
    const rr: WireRR = {
      owner: nameToWire('www.example'),
      type: 1,
      class: 1,
      ttl: 300,
      rdata: Buffer.from([192, 0, 2, 1]),
    };
    expect(parseRR(encodeRR(rr)).rr).toEqual(rr);
    expect(() => parseRR(encodeRR(rr).subarray(0, 12))).toThrow();
  });
  it('re-encodes dns-packet records without name compression', () => {
    const mx = fromDnsRecord({
      name: 'example.com',
      type: 'MX',
      class: 'IN',
      ttl: 60,
      data: { preference: 10, exchange: 'mail.example.com' },
    });
    expect(mx.rdata.toString('hex')).toBe('000a' + nameToWire('mail.example.com').toString('hex'));
    expect(toDnsRecord(mx)).toMatchObject({
      name: 'example.com',
      type: 'MX',
      data: { preference: 10, exchange: 'mail.example.com' },
    });
  });
});

describe('canonical form (RFC 4034 §6, RFC 6840 §5.1)', () => {
  it('orders names as RFC 4034 §6.1 shows', () => {
    const ordered = [
      'example',
      'a.example',
      'yljkjljk.a.example',
      'Z.a.example',
      'zABC.a.EXAMPLE',
      'z.example',
      '\\001.z.example',
      '*.z.example',
      '\\200.z.example',
    ];
    const shuffled = [...ordered].reverse();
    shuffled.sort((a, b) => compareNames(nameToWire(a), nameToWire(b)));
    expect(shuffled).toEqual(ordered);
  });
  it('lower-cases names in MX and RRSIG RDATA but not in NSEC', () => {
    const mx = Buffer.concat([Buffer.from([0, 10]), nameToWire('MAIL.Example')]);
    expect(
      canonicalRdata(15, mx).equals(Buffer.concat([Buffer.from([0, 10]), nameToWire('mail.example')])),
    ).toBe(true);
    const nsec = Buffer.concat([nameToWire('Next.Example'), Buffer.from([0, 1, 0x40])]);
    expect(canonicalRdata(47, nsec).equals(nsec)).toBe(true);
    const sigHead = Buffer.alloc(18);
    const rrsig = Buffer.concat([sigHead, nameToWire('EXAMPLE'), Buffer.from([1, 2])]);
    expect(canonicalRdata(46, rrsig).subarray(18, 27).equals(nameToWire('example'))).toBe(true);
  });
  it('counts labels without the root or a leading *', () => {
    expect(labelCount(nameToWire('*.a.example'))).toBe(2);
    expect(labelCount(nameToWire('.'))).toBe(0);
  });
  it('rebuilds the wildcard owner from the labels field', () => {
    const head = Buffer.alloc(18);
    head.writeUInt16BE(1, 0);
    head[3] = 2;
    const sig = parseRrsig(Buffer.concat([head, nameToWire('example')]));
    const rr: WireRR = {
      owner: nameToWire('x.y.a.example'),
      type: 1,
      class: 1,
      ttl: 5,
      rdata: Buffer.from([1, 2, 3, 4]),
    };
    const data = signedData(sig, [rr, rr]);
    const expectedOwner = nameToWire('*.a.example');
    expect(data.subarray(18 + 9, 18 + 9 + expectedOwner.length).equals(expectedOwner)).toBe(true);
    // Duplicates removed: one RR follows the head.
    expect(data.length).toBe(18 + 9 + expectedOwner.length + 10 + 4);
  });
  it('uses serial arithmetic for 32-bit times', () => {
    const t = Math.floor(Date.UTC(2106, 2, 1) / 1000) % 2 ** 32;
    expect(serialToDate(t, new Date('2106-01-01T00:00:00Z')).getUTCFullYear()).toBe(2106);
  });
});

describe('trust anchors', () => {
  it('parses the profile root anchors', () => {
    const a = parseTrustAnchors(ROOT_TRUST_ANCHORS);
    expect(a.map((x) => [x.zone, x.type, parseDs(x.rdata).keyTag])).toEqual([
      ['', 'DS', 20326],
      ['', 'DS', 38696],
    ]);
  });
  it('parses an unbound-style file with comments and parentheses', () => {
    const key = generateKey('example', 15);
    const b64 = key.publicKey.toString('base64');
    const text = `; autotrust anchor file
example. 3600 IN DNSKEY 257 3 15 (
   ${b64.slice(0, 10)} ; first half
   ${b64.slice(10)} ) ;{id = ${key.keyTag} (ksk), size = 256b}
${dsPresentation(makeDs(key))}
`;
    const a = parseTrustAnchors(text);
    expect(a).toHaveLength(2);
    expect(a[0]?.type).toBe('DNSKEY');
    expect(keyTag(a[0]?.rdata as Buffer)).toBe(key.keyTag);
    expect(dsMatches(parseDs(a[1]?.rdata as Buffer), nameToWire('example'), a[0]?.rdata as Buffer)).toBe(
      true,
    );
    expect(() => parseTrustAnchors('example. IN A 1.2.3.4')).toThrow();
    expect(() => parseTrustAnchors('example. IN DS 1 2 3 zz')).toThrow();
    expect(parseTrustAnchors(dnskeyPresentation(key))[0]?.rdata.equals(key.rdata)).toBe(true);
  });
});

describe('signing helpers', () => {
  for (const alg of [8, 13, 14, 15, 16] as const) {
    it(`algorithm ${alg}: DNSKEY, DS (1, 2, 4) and RRSIG verify`, () => {
      const key = generateKey('example', alg, { rsaBits: 1024 });
      for (const dt of [1, 2, 4])
        expect(
          dsMatches(parseDs(fromDnsRecord(makeDs(key, dt)).rdata), nameToWire('example'), key.rdata),
        ).toBe(true);
      const rrset = [
        { name: 'www.example', type: 'TXT', class: 'IN', ttl: 60, data: ['b'] },
        { name: 'www.example', type: 'TXT', class: 'IN', ttl: 60, data: ['a'] },
      ];
      const sig = signRrset(rrset, key, window);
      const input = {
        rrsig: fromDnsRecord(sig),
        dnskey: fromDnsRecord(key.dnskey),
        rrset: rrset.map(fromDnsRecord),
        now: NOW,
      };
      expect(verifyRrsig(input)).toMatchObject({ ok: true, expiration: window.expiration });
      expect(verifyRrsig({ ...input, now: new Date('2026-08-01T00:00:00Z') })).toMatchObject({
        ok: false,
        reason: 'expired',
      });
      expect(verifyRrsig({ ...input, now: new Date('2026-04-01T00:00:00Z') })).toMatchObject({
        ok: false,
        reason: 'not-yet-valid',
      });
      const other = generateKey('example', alg === 8 ? 13 : alg);
      expect(verifyRrsig({ ...input, dnskey: fromDnsRecord(other.dnskey) }).ok).toBe(false);
    });
  }
  it('tolerates clock skew like unbound, and refuses revoked keys', () => {
    const key = generateKey('example', 13);
    const rrset = [{ name: 'a.example', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }];
    const input = {
      rrsig: fromDnsRecord(signRrset(rrset, key, window)),
      dnskey: fromDnsRecord(key.dnskey),
      rrset: rrset.map(fromDnsRecord),
    };
    const justAfter = new Date(window.expiration.getTime() + 30 * 60_000);
    expect(verifyRrsig({ ...input, now: justAfter }).ok).toBe(true);
    expect(verifyRrsig({ ...input, now: justAfter, unboundSkew: false })).toMatchObject({
      ok: false,
      reason: 'expired',
    });
    expect(
      verifyRrsig({ ...input, now: new Date(window.expiration.getTime() + 2 * 86_400_000) }),
    ).toMatchObject({ reason: 'expired' });
    const revoked = withFlags(key, 257 | 0x80);
    const sig = fromDnsRecord(signRrset(rrset, revoked, window));
    expect(
      verifyRrsig({ ...input, rrsig: sig, dnskey: fromDnsRecord(revoked.dnskey), now: NOW }),
    ).toMatchObject({ reason: 'revoked' });
  });
  it('reports key-tag, signer and labels mismatches', () => {
    const key = generateKey('example', 13);
    const rrset = [{ name: 'a.example', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' }];
    const base = { dnskey: fromDnsRecord(key.dnskey), rrset: rrset.map(fromDnsRecord), now: NOW };
    expect(
      verifyRrsig({
        ...base,
        rrsig: fromDnsRecord(signRrset(rrset, key, { ...window, keyTag: (key.keyTag + 1) & 0xffff })),
      }),
    ).toMatchObject({ reason: 'key-tag-mismatch' });
    expect(
      verifyRrsig({ ...base, rrsig: fromDnsRecord(signRrset(rrset, key, { ...window, signer: 'other' })) }),
    ).toMatchObject({ reason: 'signer-mismatch' });
    const good = fromDnsRecord(signRrset(rrset, key, window));
    const rdata = Buffer.from(good.rdata);
    rdata[3] = 5;
    expect(verifyRrsig({ ...base, rrsig: { ...good, rdata } })).toMatchObject({ reason: 'labels-mismatch' });
    expect(verifyRrsig({ ...base, rrsig: good })).toMatchObject({ ok: true });
  });
});
