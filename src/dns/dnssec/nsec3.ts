/** NSEC3 hashing and denial of existence (RFC 5155 §8, RFC 9276). */
import { createHash } from 'node:crypto';
import { type WireRR, lowerWire, nameToWire, wireLabels, labelsToWire } from './wire.js';
import { isSubdomain } from './canonical.js';
import { parseTypeBitmap } from './bitmap.js';
import { base32hexDecode, base32hexEncode } from '../base32hex.js';
import { RRTYPE } from '../rrtype.js';

/**
 * RFC 9276 §3.2: validators may treat NSEC3 with more iterations as insecure; unbound (default
 * val-nsec3-keysize-iterations "1024 150 2048 150 4096 150") and BIND (built-in limit) do so above 150.
 */
export const NSEC3_MAX_ITERATIONS = 150;

export interface Nsec3Fields {
  hashAlgorithm: number;
  flags: number;
  optOut: boolean;
  iterations: number;
  salt: Buffer;
  nextHash: Buffer;
  bitmap: Buffer;
  types: Set<number>;
}

export function parseNsec3(rdata: Buffer): Nsec3Fields {
  if (rdata.length < 5) throw new Error('NSEC3 RDATA too short');
  const saltLen = rdata[4] as number;
  const hashLenAt = 5 + saltLen;
  if (hashLenAt >= rdata.length) throw new Error('NSEC3 RDATA truncated');
  const hashLen = rdata[hashLenAt] as number;
  const bitmapAt = hashLenAt + 1 + hashLen;
  if (bitmapAt > rdata.length) throw new Error('NSEC3 RDATA truncated');
  const bitmap = rdata.subarray(bitmapAt);
  return {
    hashAlgorithm: rdata[0] as number,
    flags: rdata[1] as number,
    optOut: ((rdata[1] as number) & 1) === 1,
    iterations: rdata.readUInt16BE(2),
    salt: rdata.subarray(5, hashLenAt),
    nextHash: rdata.subarray(hashLenAt + 1, bitmapAt),
    bitmap,
    types: parseTypeBitmap(bitmap),
  };
}

/**
 * NSEC3 hash (RFC 5155 §5) of a name (wire or presentation). Returns null for an unknown hash algorithm
 * or more iterations than maxIterations, so a hostile record can never cost unbounded CPU.
 */
export function nsec3Hash(
  name: Buffer | string,
  algorithm: number,
  iterations: number,
  salt: Buffer,
  maxIterations = NSEC3_MAX_ITERATIONS,
): Buffer | null {
  if (algorithm !== 1 || iterations > maxIterations) return null;
  const wire = lowerWire(typeof name === 'string' ? nameToWire(name) : name);
  let h = createHash('sha1').update(wire).update(salt).digest();
  for (let i = 0; i < iterations; i++) h = createHash('sha1').update(h).update(salt).digest();
  return h;
}

export { base32hexEncode, base32hexDecode };

interface Nsec3View {
  rr: WireRR;
  fields: Nsec3Fields;
  ownerHash: Buffer;
  zone: Buffer;
}

function view(rr: WireRR): Nsec3View | null {
  try {
    const labels = wireLabels(rr.owner);
    const first = labels[0];
    if (!first || labels.length < 2) return null;
    const ownerHash = base32hexDecode(first.toString('latin1'));
    if (!ownerHash) return null;
    return { rr, fields: parseNsec3(rr.rdata), ownerHash, zone: labelsToWire(labels.slice(1)) };
  } catch {
    return null;
  }
}

function hashFor(v: Nsec3View, name: Buffer, maxIterations: number): Buffer | null {
  const f = v.fields;
  if (!isSubdomain(name, v.zone)) return null;
  const h = nsec3Hash(name, f.hashAlgorithm, f.iterations, f.salt, maxIterations);
  if (!h || h.length !== v.ownerHash.length) return null;
  return h;
}

/** True when the NSEC3 record's owner hash equals the hash of name. */
export function nsec3Matches(
  rr: WireRR,
  name: Buffer | string,
  maxIterations = NSEC3_MAX_ITERATIONS,
): boolean {
  const v = view(rr);
  if (!v) return false;
  const h = hashFor(v, typeof name === 'string' ? nameToWire(name) : name, maxIterations);
  return h !== null && h.equals(v.ownerHash);
}

/** True when the hash of name falls strictly between the owner hash and the next hash (with wrap). */
export function nsec3Covers(
  rr: WireRR,
  name: Buffer | string,
  maxIterations = NSEC3_MAX_ITERATIONS,
): boolean {
  const v = view(rr);
  if (!v) return false;
  const h = hashFor(v, typeof name === 'string' ? nameToWire(name) : name, maxIterations);
  if (!h) return false;
  const owner = v.ownerHash;
  const next = v.fields.nextHash;
  if (next.length !== h.length || owner.equals(next)) return false;
  if (Buffer.compare(owner, next) < 0) return Buffer.compare(h, owner) > 0 && Buffer.compare(h, next) < 0;
  return Buffer.compare(h, owner) > 0 || Buffer.compare(h, next) < 0;
}

export function findMatching(name: Buffer | string, nsec3s: WireRR[]): WireRR | null {
  return nsec3s.find((rr) => nsec3Matches(rr, name)) ?? null;
}

export function findCoverer(name: Buffer | string, nsec3s: WireRR[]): WireRR | null {
  return nsec3s.find((rr) => nsec3Covers(rr, name)) ?? null;
}

/** Closest provable encloser and the next closer name (RFC 5155 §8.3), or null. */
export function findClosestEncloser(
  name: Buffer | string,
  nsec3s: WireRR[],
): { closest: Buffer; nextCloser: Buffer } | null {
  const wire = typeof name === 'string' ? nameToWire(name) : name;
  const labels = wireLabels(wire);
  for (let i = 0; i <= labels.length; i++) {
    const candidate = labelsToWire(labels.slice(i));
    if (findMatching(candidate, nsec3s)) {
      if (i === 0) return { closest: candidate, nextCloser: candidate };
      return { closest: candidate, nextCloser: labelsToWire(labels.slice(i - 1)) };
    }
  }
  return null;
}

export type DenialResult =
  | {
      ok: true;
      kind: 'nxdomain' | 'nodata' | 'wildcard-nodata' | 'insecure-delegation' | 'opt-out' | 'wildcard-answer';
    }
  | { ok: false; reason: 'missing' | 'wrong' | 'iterations'; detail: string; iterations?: number };

/** RFC 9276: above the limit the answer is insecure; report that before trying to prove anything. */
export function iterationsCheck(nsec3s: WireRR[]): DenialResult | null {
  let max = 0;
  for (const rr of nsec3s) {
    const v = view(rr);
    if (v && v.fields.iterations > max) max = v.fields.iterations;
  }
  if (max > NSEC3_MAX_ITERATIONS)
    return {
      ok: false,
      reason: 'iterations',
      iterations: max,
      detail: `NSEC3 uses ${max} iterations (limit ${NSEC3_MAX_ITERATIONS})`,
    };
  return null;
}

function wildcardOf(closest: Buffer): Buffer {
  return labelsToWire([Buffer.from('*'), ...wireLabels(closest)]);
}

/** NXDOMAIN proof (RFC 5155 §8.4): closest encloser matched, next closer and wildcard covered. */
export function proveNameErrorNsec3(qname: Buffer | string, nsec3s: WireRR[]): DenialResult {
  const it = iterationsCheck(nsec3s);
  if (it) return it;
  const ce = findClosestEncloser(qname, nsec3s);
  if (!ce) return { ok: false, reason: 'missing', detail: 'no NSEC3 matches a closest encloser' };
  if (ce.closest.equals(ce.nextCloser))
    return { ok: false, reason: 'wrong', detail: 'an NSEC3 matches the name itself' };
  if (!findCoverer(ce.nextCloser, nsec3s))
    return { ok: false, reason: 'missing', detail: 'no NSEC3 covers the next closer name' };
  const wc = wildcardOf(ce.closest);
  if (findMatching(wc, nsec3s))
    return { ok: false, reason: 'wrong', detail: 'a wildcard exists at the closest encloser' };
  if (!findCoverer(wc, nsec3s))
    return { ok: false, reason: 'missing', detail: 'no NSEC3 covers the wildcard at the closest encloser' };
  return { ok: true, kind: 'nxdomain' };
}

/** NODATA proof (RFC 5155 §8.5-8.7), DS at an insecure delegation included (with opt-out). */
export function proveNoDataNsec3(qname: Buffer | string, qtype: number, nsec3s: WireRR[]): DenialResult {
  const it = iterationsCheck(nsec3s);
  if (it) return it;
  const match = findMatching(qname, nsec3s);
  if (match) {
    const f = parseNsec3(match.rdata);
    if (f.types.has(qtype))
      return { ok: false, reason: 'wrong', detail: 'the NSEC3 bit map lists the queried type' };
    if (f.types.has(RRTYPE.CNAME))
      return { ok: false, reason: 'wrong', detail: 'the NSEC3 bit map lists CNAME' };
    if (qtype === RRTYPE.DS) {
      if (
        f.types.has(RRTYPE.SOA) &&
        wireLabels(typeof qname === 'string' ? nameToWire(qname) : qname).length > 0
      )
        return {
          ok: false,
          reason: 'wrong',
          detail: 'the NSEC3 for a DS query is from the child zone (SOA set)',
        };
      return { ok: true, kind: f.types.has(RRTYPE.NS) ? 'insecure-delegation' : 'nodata' };
    }
    if (f.types.has(RRTYPE.NS) && !f.types.has(RRTYPE.SOA))
      return { ok: false, reason: 'wrong', detail: 'the NSEC3 is the parent side of a delegation' };
    return { ok: true, kind: 'nodata' };
  }
  const ce = findClosestEncloser(qname, nsec3s);
  if (!ce) return { ok: false, reason: 'missing', detail: 'no NSEC3 matches the name or a closest encloser' };
  const cover = findCoverer(ce.nextCloser, nsec3s);
  if (!cover) return { ok: false, reason: 'missing', detail: 'no NSEC3 covers the next closer name' };
  if (qtype === RRTYPE.DS) {
    // RFC 5155 §8.6: an opt-out span proves the delegation (if any) is unsigned.
    if (parseNsec3(cover.rdata).optOut) return { ok: true, kind: 'opt-out' };
    if (!findMatching(wildcardOf(ce.closest), nsec3s))
      return { ok: false, reason: 'wrong', detail: 'the covering NSEC3 does not have opt-out set' };
  }
  const wc = findMatching(wildcardOf(ce.closest), nsec3s);
  if (wc) {
    const f = parseNsec3(wc.rdata);
    if (f.types.has(qtype) || f.types.has(RRTYPE.CNAME))
      return { ok: false, reason: 'wrong', detail: 'the wildcard has the queried type' };
    return { ok: true, kind: 'wildcard-nodata' };
  }
  return { ok: false, reason: 'missing', detail: 'no NSEC3 matches the name' };
}

/** A wildcard-expanded answer: the next closer name below the source of synthesis is covered (RFC 5155 §8.8). */
export function proveWildcardAnswerNsec3(
  qname: Buffer | string,
  rrsigLabels: number,
  nsec3s: WireRR[],
): DenialResult {
  const it = iterationsCheck(nsec3s);
  if (it) return it;
  const labels = wireLabels(typeof qname === 'string' ? nameToWire(qname) : qname);
  if (rrsigLabels >= labels.length) return { ok: false, reason: 'wrong', detail: 'not a wildcard expansion' };
  const nextCloser = labelsToWire(labels.slice(labels.length - rrsigLabels - 1));
  if (!findCoverer(nextCloser, nsec3s))
    return { ok: false, reason: 'missing', detail: 'no NSEC3 covers the next closer name' };
  return { ok: true, kind: 'wildcard-answer' };
}

/** Delegation without DS (bns verify_delegation semantics): NS set, no DS or SOA, or opt-out. */
export function proveUnsignedDelegationNsec3(delegation: Buffer | string, nsec3s: WireRR[]): DenialResult {
  const r = proveNoDataNsec3(delegation, RRTYPE.DS, nsec3s);
  if (!r.ok) return r;
  if (r.kind === 'nodata')
    return { ok: false, reason: 'wrong', detail: 'the NSEC3 bit map has no NS: not a delegation' };
  return r;
}
