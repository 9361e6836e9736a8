import type { DnsRecord } from '../../src/dns/types.js';
import { validateChain } from '../../src/dns/dnssec/chain.js';
import { verifyRrsig, keyTag } from '../../src/dns/dnssec/verify.js';
import { signRrset } from '../../src/lab/dnssec/sign.js';
import { fromDnsRecord, nameToWire, type WireRR } from '../../src/dns/dnssec/wire.js';
import { MAX_RRSET_RECORDS } from '../../src/dns/dnssec/canonical.js';
import { buildWorld, intercept, KEYS, NOW, INCEPTION, EXPIRATION } from './world.js';

const window = { inception: INCEPTION, expiration: EXPIRATION };
const opts = (anchors: string[]) => ({ trustAnchors: anchors, now: NOW });
const aRecords = (n: number): DnsRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    name: 'www.example.test',
    type: 'A',
    class: 'IN',
    ttl: 60,
    data: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  }));

describe('hostile input gives a result, never a crash or a hang', () => {
  it('a huge RRset is refused as malformed, a large legal one verifies', () => {
    const big = aRecords(MAX_RRSET_RECORDS);
    const sig = signRrset(big, KEYS.exZsk, window);
    const input = { rrsig: fromDnsRecord(sig), dnskey: fromDnsRecord(KEYS.exZsk.dnskey), now: NOW };
    const t0 = Date.now();
    expect(verifyRrsig({ ...input, rrset: big.map(fromDnsRecord) }).ok).toBe(true);
    const huge = aRecords(MAX_RRSET_RECORDS + 1).map(fromDnsRecord);
    expect(verifyRrsig({ ...input, rrset: huge })).toMatchObject({ ok: false, reason: 'malformed' });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('a huge RRset in an answer makes the chain bogus, not a crash', async () => {
    const w = buildWorld();
    const f = intercept(w.fetch, 'www.example.test', 'A', (r) => ({
      ...r,
      answers: [...aRecords(MAX_RRSET_RECORDS + 10), ...r.answers.filter((x) => x.type === 'RRSIG')],
    }));
    const r = await validateChain('www.example.test', 'A', f, opts(w.anchors));
    expect(r).toMatchObject({ status: 'bogus', bogus: { code: 'bad-signature' } });
  });

  // An RRSIG whose algorithm and key tag point at the given DNSKEY, so every check before the crypto passes.
  function sigFor(keyRdata: Buffer): WireRR {
    const good = fromDnsRecord(signRrset(aRecords(1), KEYS.exZsk, window));
    const rdata = Buffer.from(good.rdata);
    rdata[2] = keyRdata[3] as number;
    rdata.writeUInt16BE(keyTag(keyRdata), 16);
    return { ...good, rdata };
  }
  const dnskey = (alg: number, key: Buffer): WireRR => ({
    owner: nameToWire('example.test'),
    type: 48,
    class: 1,
    ttl: 60,
    rdata: Buffer.concat([Buffer.from([1, 0, 3, alg]), key]),
  });

  it('1-byte, empty, oversized and 20000-bit keys are bad keys, quickly', () => {
    const cases: [number, Buffer][] = [
      [13, Buffer.from([7])],
      [14, Buffer.alloc(0)],
      [8, Buffer.from([7])],
      [15, Buffer.alloc(0)],
      [16, Buffer.alloc(3)],
      [8, Buffer.concat([Buffer.from([3, 1, 0, 1]), Buffer.alloc(2500, 0xff)])], // 20000-bit modulus
      [8, Buffer.concat([Buffer.from([0, 0x10, 0]), Buffer.alloc(4096, 1), Buffer.alloc(256, 0xff)])], // huge exponent
      [13, Buffer.alloc(64, 0xff)], // not a point on the curve
    ];
    const t0 = Date.now();
    for (const [alg, key] of cases) {
      const k = dnskey(alg, key);
      const r = verifyRrsig({
        rrsig: sigFor(k.rdata),
        dnskey: k,
        rrset: aRecords(1).map(fromDnsRecord),
        now: NOW,
      });
      expect([alg, key.length, r.ok ? 'ok' : r.reason]).toEqual([alg, key.length, 'bad-key']);
    }
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('NSEC3 with 65535 iterations: insecure, bounded CPU', async () => {
    const w = buildWorld({ example: { denial: 'nsec3', nsec3: { iterations: 0, salt: Buffer.alloc(0) } } });
    const f = intercept(w.fetch, 'nope.example.test', 'A', (r) => {
      const nsec3 = r.authorities
        .filter((x) => x.type === 'NSEC3')
        .map((x) => ({
          ...x,
          data: { ...(x.data as object), iterations: 65535, salt: Buffer.alloc(255, 1) },
        }));
      const sigs = [...new Set(nsec3.map((x) => x.name))].map((n) =>
        signRrset(
          nsec3.filter((x) => x.name === n),
          KEYS.exZsk,
          window,
        ),
      );
      return { ...r, authorities: [...r.authorities.filter((x) => x.type === 'SOA'), ...nsec3, ...sigs] };
    });
    const t0 = Date.now();
    const r = await validateChain('nope.example.test', 'A', f, opts(w.anchors));
    expect(r).toMatchObject({ status: 'insecure', reason: 'nsec3-iterations' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('garbage records and truncated RRSIGs are bogus, not exceptions', async () => {
    const w = buildWorld();
    const f = intercept(w.fetch, 'www.example.test', 'A', (r) => ({
      ...r,
      answers: [
        ...r.answers.filter((x) => x.type === 'A'),
        { name: 'www.example.test', type: 'RRSIG', class: 'IN', ttl: 60, data: Buffer.from([0, 1, 13]) },
        { name: 'www.example.test', type: 'A', class: 'IN', ttl: 60, data: { nonsense: true } },
      ],
    }));
    const r = await validateChain('www.example.test', 'A', f, opts(w.anchors));
    expect(r.status).toBe('bogus');
  });

  it('a name with 100 labels gives a bounded walk', async () => {
    const w = buildWorld();
    const deep = Array.from({ length: 100 }, () => 'a').join('.') + '.example.test';
    const r = await validateChain(deep, 'A', w.fetch, opts(w.anchors));
    expect(r).toMatchObject({ status: 'secure', rcode: 'NXDOMAIN' });
    expect(w.log.length).toBeLessThan(250);
  });
});
