import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRRHex, type WireRR } from '../../src/dns/dnssec/wire.js';
import { parseRrsig } from '../../src/dns/dnssec/canonical.js';
import { verifyRrsig, keyTag } from '../../src/dns/dnssec/verify.js';

const DIR = join(process.cwd(), 'fixtures/dnssec/vectors');
interface Vector {
  sig: string;
  key: string;
  rrset: string[];
  result: boolean;
}
const load = (i: number): Vector[] =>
  JSON.parse(readFileSync(join(DIR, `dnssec-verify-${i}.json`), 'utf8')) as Vector[];
const ALL = [1, 2, 3, 4, 5].flatMap((i) => load(i).map((v, j) => ({ ...v, id: `${i}/${j}` })));
const NOW = new Date('2020-01-01T00:00:00Z');
// RSAMD5 (1), DSA (3) and DSA-NSEC3-SHA1 (6): RFC 8624 §3.1 says MUST NOT validate; we report 'unsupported'.
const DEPRECATED = new Set([1, 3, 6]);

function parsed(v: Vector): { rrsig: WireRR; dnskey: WireRR; rrset: WireRR[] } {
  return { rrsig: parseRRHex(v.sig), dnskey: parseRRHex(v.key), rrset: v.rrset.map(parseRRHex) };
}

function flip(b: Buffer, at: number): Buffer {
  const c = Buffer.from(b);
  c[at % c.length] = (c[at % c.length] as number) ^ 0x01;
  return c;
}

describe('known-answer RRSIG vectors (bns)', () => {
  it('has vectors for the algorithms we support', () => {
    const algs = new Set(ALL.map((v) => parseRrsig(parseRRHex(v.sig).rdata).algorithm));
    expect([...algs].sort((a, b) => a - b)).toEqual(expect.arrayContaining([5, 7, 8, 10, 13, 14, 15]));
    expect(ALL.length).toBeGreaterThan(1000);
  });

  it('verifies every vector signature', () => {
    const failures: string[] = [];
    let deprecated = 0;
    for (const v of ALL) {
      const p = parsed(v);
      const r = verifyRrsig({ ...p, now: NOW, ignoreTime: true });
      const alg = parseRrsig(p.rrsig.rdata).algorithm;
      if (DEPRECATED.has(alg)) {
        if (r.ok || r.reason !== 'unsupported') failures.push(`${v.id}: alg ${alg} should be unsupported`);
        deprecated++;
      } else if (r.ok !== v.result) failures.push(`${v.id}: ${JSON.stringify(r)}`);
    }
    expect(failures).toEqual([]);
    expect(deprecated).toBe(32);
  });

  it('key tag of the vector DNSKEY equals the RRSIG key tag', () => {
    for (const v of ALL.slice(0, 200)) {
      const p = parsed(v);
      expect(keyTag(p.dnskey.rdata)).toBe(parseRrsig(p.rrsig.rdata).keyTag);
    }
  });

  const sample = ALL.filter(
    (v, i) => i % 7 === 0 && !DEPRECATED.has(parseRrsig(parseRRHex(v.sig).rdata).algorithm),
  );
  it('rejects a flipped signature byte', () => {
    for (const v of sample) {
      const p = parsed(v);
      const rd = p.rrsig.rdata;
      const r = verifyRrsig({
        ...p,
        rrsig: { ...p.rrsig, rdata: flip(rd, rd.length - 5) },
        now: NOW,
        ignoreTime: true,
      });
      expect(r).toMatchObject({ ok: false, reason: 'bad-signature' });
    }
  });

  it('rejects a flipped byte in the signed data', () => {
    for (const v of sample) {
      const p = parsed(v);
      const first = p.rrset[0] as WireRR;
      const changed = { ...first, rdata: flip(first.rdata, first.rdata.length - 1) };
      const r = verifyRrsig({ ...p, rrset: [changed, ...p.rrset.slice(1)], now: NOW, ignoreTime: true });
      expect(r.ok).toBe(false);
    }
  });

  it('rejects a flipped key byte', () => {
    for (const v of sample) {
      const p = parsed(v);
      const rd = p.dnskey.rdata;
      const r = verifyRrsig({
        ...p,
        dnskey: { ...p.dnskey, rdata: flip(rd, rd.length - 2) },
        now: NOW,
        ignoreTime: true,
      });
      expect(r.ok).toBe(false);
    }
  });

  it('orders the RRset canonically regardless of input order', () => {
    const multi = ALL.filter((v) => v.rrset.length > 2).slice(0, 20);
    expect(multi.length).toBeGreaterThan(0);
    for (const v of multi) {
      const p = parsed(v);
      expect(verifyRrsig({ ...p, rrset: [...p.rrset].reverse(), now: NOW, ignoreTime: true }).ok).toBe(true);
    }
  });
});
