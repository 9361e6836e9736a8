import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRRHex, readName, wireToName, nameToWire, type WireRR } from '../../src/dns/dnssec/wire.js';
import {
  nsec3Hash,
  nsec3Covers,
  nsec3Matches,
  findClosestEncloser,
  findMatching,
  findCoverer,
  parseNsec3,
  proveNameErrorNsec3,
  proveNoDataNsec3,
  proveUnsignedDelegationNsec3,
  base32hexEncode,
  base32hexDecode,
  NSEC3_MAX_ITERATIONS,
} from '../../src/dns/dnssec/nsec3.js';

interface Vectors {
  hash_name: { name: string; ha: number; iter: number; salt: string; result: string }[];
  cover: { rr: string; name: string; result: boolean }[];
  match: { rr: string; name: string; result: boolean }[];
  find_closest_encloser: { name: string; nsec: string[]; result: [string, string] }[];
  find_matching: { name: string; nsec: string[]; result: string | null }[];
  find_coverer: { name: string; nsec: string[]; result: [string | null, boolean] }[];
  verify_name_error: { qs: string; nsec: string[]; result: boolean }[];
  verify_no_data: { qs: string; nsec: string[]; result: boolean }[];
  verify_delegation: { delegation: string; nsec: string[]; result: boolean }[];
}
const V = JSON.parse(
  readFileSync(join(process.cwd(), 'fixtures/dnssec/vectors/nsec3-vectors.json'), 'utf8'),
) as Vectors;
const rrs = (hex: string[]): WireRR[] => hex.map(parseRRHex);
const fqdn = (w: Buffer): string => (wireToName(w) === '' ? '.' : wireToName(w) + '.');

function question(hex: string): { name: Buffer; type: number } {
  const buf = Buffer.from(hex, 'hex');
  const { wire, end } = readName(buf, 0);
  return { name: wire, type: buf.readUInt16BE(end) };
}

describe('NSEC3 vectors (bns)', () => {
  it('hash_name', () => {
    expect(V.hash_name.length).toBe(78);
    for (const v of V.hash_name) {
      const h = nsec3Hash(v.name, v.ha, v.iter, Buffer.from(v.salt, 'hex'));
      expect(h?.toString('hex')).toBe(v.result);
    }
  });

  it('cover and match', () => {
    for (const v of V.cover)
      expect([v.name, nsec3Covers(parseRRHex(v.rr), v.name)]).toEqual([v.name, v.result]);
    for (const v of V.match)
      expect([v.name, nsec3Matches(parseRRHex(v.rr), v.name)]).toEqual([v.name, v.result]);
  });

  it('find_closest_encloser', () => {
    for (const v of V.find_closest_encloser) {
      const ce = findClosestEncloser(v.name, rrs(v.nsec));
      expect(ce ? [fqdn(ce.closest), fqdn(ce.nextCloser)] : ['', '']).toEqual(v.result);
    }
  });

  it('find_matching and find_coverer', () => {
    for (const v of V.find_matching) {
      const m = findMatching(v.name, rrs(v.nsec));
      expect(m ? parseNsec3(m.rdata).bitmap.toString('hex') : null).toBe(v.result);
    }
    for (const v of V.find_coverer) {
      const c = findCoverer(v.name, rrs(v.nsec));
      const f = c ? parseNsec3(c.rdata) : null;
      expect(f ? [f.bitmap.toString('hex'), f.optOut] : [null, false]).toEqual(v.result);
    }
  });

  it('verify_name_error', () => {
    for (const v of V.verify_name_error) {
      const q = question(v.qs);
      expect([fqdn(q.name), proveNameErrorNsec3(q.name, rrs(v.nsec)).ok]).toEqual([fqdn(q.name), v.result]);
    }
  });

  it('verify_no_data', () => {
    for (const v of V.verify_no_data) {
      const q = question(v.qs);
      expect([fqdn(q.name), proveNoDataNsec3(q.name, q.type, rrs(v.nsec)).ok]).toEqual([
        fqdn(q.name),
        v.result,
      ]);
    }
  });

  it('verify_delegation', () => {
    for (const v of V.verify_delegation) {
      expect(proveUnsignedDelegationNsec3(v.delegation, rrs(v.nsec)).ok).toBe(v.result);
    }
  });
});

describe('NSEC3 bounds', () => {
  it('refuses to hash above the iteration limit, quickly', () => {
    const t0 = Date.now();
    expect(nsec3Hash('example.com', 1, 65535, Buffer.alloc(255))).toBeNull();
    expect(nsec3Hash('example.com', 1, NSEC3_MAX_ITERATIONS, Buffer.alloc(0))).not.toBeNull();
    expect(nsec3Hash('example.com', 2, 0, Buffer.alloc(0))).toBeNull();
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('reports an NSEC3 with 65535 iterations as an iterations result, not a proof', () => {
    const hash = base32hexEncode(Buffer.alloc(20, 1));
    const rdata = Buffer.concat([
      Buffer.from([1, 0, 0xff, 0xff, 0, 20]),
      Buffer.alloc(20, 2),
      Buffer.from([0, 1, 0x40]),
    ]);
    const rr: WireRR = { owner: nameToWire(`${hash}.example`), type: 50, class: 1, ttl: 0, rdata };
    const r = proveNameErrorNsec3('nope.example', [rr]);
    expect(r).toMatchObject({ ok: false, reason: 'iterations', iterations: 65535 });
    expect(nsec3Covers(rr, 'nope.example')).toBe(false);
  });

  it('base32hex round-trips', () => {
    const b = Buffer.from('00ff10aa5512', 'hex');
    expect(base32hexDecode(base32hexEncode(b))?.equals(b)).toBe(true);
    expect(base32hexDecode('not-base32!')).toBeNull();
  });

  it('parses a truncated NSEC3 as an error, never a crash of the prover', () => {
    const rr: WireRR = {
      owner: nameToWire('abc.example'),
      type: 50,
      class: 1,
      ttl: 0,
      rdata: Buffer.from([1, 0, 0, 1, 9]),
    };
    expect(proveNameErrorNsec3('x.example', [rr]).ok).toBe(false);
  });
});
