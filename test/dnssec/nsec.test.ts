import { join } from 'node:path';
import { nameToWire, type WireRR } from '../../src/dns/dnssec/wire.js';
import { encodeTypeBitmap, parseTypeBitmap } from '../../src/dns/dnssec/bitmap.js';
import {
  nsecCovers,
  proveNameErrorNsec,
  proveNoDataNsec,
  nsecClosestEncloser,
} from '../../src/dns/dnssec/nsec.js';
import { wireToName } from '../../src/dns/dnssec/wire.js';
import { readTrustAnchorFile, parseTrustAnchors } from '../../src/dns/dnssec/anchors.js';
import { ROOT_TRUST_ANCHORS } from '../../src/profile.js';

const nsec = (owner: string, next: string, types: number[]): WireRR => ({
  owner: nameToWire(owner),
  type: 47,
  class: 1,
  ttl: 300,
  rdata: Buffer.concat([nameToWire(next), encodeTypeBitmap(types)]),
});
// Zone example: apex, a, c (delegation, no DS), d.e (e is an empty non-terminal), *.w (wildcard), last z.
const CHAIN = [
  nsec('example', 'a.example', [2, 6, 46, 47, 48]),
  nsec('a.example', 'c.example', [1, 46, 47]),
  nsec('c.example', 'd.e.example', [2, 46, 47]),
  nsec('d.e.example', '*.w.example', [16, 46, 47]),
  nsec('*.w.example', 'z.example', [1, 46, 47]),
  nsec('z.example', 'example', [1, 46, 47]),
];

describe('NSEC', () => {
  it('type bit maps round-trip, several windows', () => {
    const types = [1, 2, 6, 46, 47, 257, 65534];
    expect([...parseTypeBitmap(encodeTypeBitmap(types))].sort((a, b) => a - b)).toEqual(types);
    expect(parseTypeBitmap(Buffer.from([0, 40, 1]))).toEqual(new Set());
  });
  it('covers with wrap-around at the last NSEC', () => {
    expect(nsecCovers(CHAIN[1] as WireRR, 'b.example')).toBe(true);
    expect(nsecCovers(CHAIN[1] as WireRR, 'a.example')).toBe(false);
    expect(nsecCovers(CHAIN[5] as WireRR, 'zz.example')).toBe(true);
    expect(nsecCovers(CHAIN[5] as WireRR, 'other')).toBe(false);
  });
  it('closest encloser from the covering NSEC', () => {
    expect(wireToName(nsecClosestEncloser('x.y.a.example', CHAIN[1] as WireRR))).toBe('a.example');
    expect(wireToName(nsecClosestEncloser('b.example', CHAIN[1] as WireRR))).toBe('example');
  });
  it('NXDOMAIN needs the name and the wildcard covered', () => {
    expect(proveNameErrorNsec('b.example', CHAIN)).toEqual({ ok: true, kind: 'nxdomain' });
    expect(proveNameErrorNsec('b.example', [CHAIN[1] as WireRR])).toMatchObject({
      ok: false,
      reason: 'missing',
    });
    expect(proveNameErrorNsec('a.example', CHAIN)).toMatchObject({ ok: false, reason: 'wrong' });
    expect(proveNameErrorNsec('e.example', CHAIN)).toMatchObject({ ok: false, reason: 'wrong' });
    expect(proveNameErrorNsec('x.w.example', CHAIN)).toMatchObject({ ok: false, reason: 'wrong' });
  });
  it('NODATA, ENT, wildcard NODATA and DS at an unsigned delegation', () => {
    expect(proveNoDataNsec('a.example', 28, CHAIN)).toEqual({ ok: true, kind: 'nodata' });
    expect(proveNoDataNsec('a.example', 1, CHAIN)).toMatchObject({ ok: false, reason: 'wrong' });
    expect(proveNoDataNsec('e.example', 1, CHAIN)).toEqual({ ok: true, kind: 'nodata' });
    expect(proveNoDataNsec('q.w.example', 16, CHAIN)).toEqual({ ok: true, kind: 'wildcard-nodata' });
    expect(proveNoDataNsec('c.example', 43, CHAIN)).toEqual({ ok: true, kind: 'insecure-delegation' });
    expect(proveNoDataNsec('c.example', 1, CHAIN)).toMatchObject({ ok: false, reason: 'wrong' });
    expect(proveNoDataNsec('example', 43, CHAIN)).toMatchObject({ ok: false, reason: 'wrong' });
    expect(proveNoDataNsec('b.example', 1, CHAIN)).toMatchObject({ ok: false });
  });
});

describe('trust-anchor file', () => {
  it('reads an unbound-style file equal to the profile anchors', async () => {
    const fromFile = await readTrustAnchorFile(join(process.cwd(), 'fixtures/dnssec/root-anchors.txt'));
    const fromProfile = parseTrustAnchors(ROOT_TRUST_ANCHORS);
    expect(fromFile.map((a) => a.rdata.toString('hex'))).toEqual(
      fromProfile.map((a) => a.rdata.toString('hex')),
    );
  });
});
