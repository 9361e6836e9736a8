/** NSEC denial of existence (RFC 4035 §5.4, RFC 4034 §4). */
import { type WireRR, nameToWire, readName, wireLabels, labelsToWire } from './wire.js';
import { compareNames, isSubdomain, namesEqual } from './canonical.js';
import { parseTypeBitmap } from './bitmap.js';
import type { DenialResult } from './nsec3.js';
import { RRTYPE } from '../rrtype.js';

export interface NsecFields {
  next: Buffer;
  types: Set<number>;
}

export function parseNsec(rdata: Buffer): NsecFields {
  const { wire, end } = readName(rdata, 0);
  return { next: Buffer.from(wire), types: parseTypeBitmap(rdata.subarray(end)) };
}

const toWire = (n: Buffer | string): Buffer => (typeof n === 'string' ? nameToWire(n) : n);

/** True when name sorts strictly between the NSEC owner and its next name (the last NSEC wraps to the apex). */
export function nsecCovers(rr: WireRR, name: Buffer | string): boolean {
  let f: NsecFields;
  try {
    f = parseNsec(rr.rdata);
  } catch {
    return false;
  }
  const n = toWire(name);
  const afterOwner = compareNames(n, rr.owner) > 0;
  if (compareNames(f.next, rr.owner) <= 0) {
    // Last NSEC of the zone: covers everything after the owner that is still inside the zone (next = apex).
    return afterOwner && isSubdomain(n, f.next);
  }
  return afterOwner && compareNames(n, f.next) < 0;
}

function commonAncestor(a: Buffer, b: Buffer): Buffer {
  const la = wireLabels(a).map((l) => l.toString('latin1').toLowerCase());
  const lb = wireLabels(b).map((l) => l.toString('latin1').toLowerCase());
  let i = 0;
  while (i < la.length && i < lb.length && la[la.length - 1 - i] === lb[lb.length - 1 - i]) i++;
  const labels = wireLabels(a);
  return labelsToWire(labels.slice(labels.length - i));
}

/** The closest encloser an NSEC covering qname implies: the longest ancestor shared with owner or next. */
export function nsecClosestEncloser(qname: Buffer | string, covering: WireRR): Buffer {
  const q = toWire(qname);
  const { next } = parseNsec(covering.rdata);
  const a = commonAncestor(q, covering.owner);
  const b = commonAncestor(q, next);
  return wireLabels(a).length >= wireLabels(b).length ? a : b;
}

const wildcardOf = (ce: Buffer): Buffer => labelsToWire([Buffer.from('*'), ...wireLabels(ce)]);

/** NXDOMAIN: an NSEC covers qname and one covers (denies) the wildcard at the closest encloser. */
export function proveNameErrorNsec(qname: Buffer | string, nsecs: WireRR[]): DenialResult {
  const q = toWire(qname);
  if (nsecs.some((rr) => namesEqual(rr.owner, q)))
    return { ok: false, reason: 'wrong', detail: 'an NSEC shows the name exists' };
  const cover = nsecs.find((rr) => nsecCovers(rr, q));
  if (!cover) return { ok: false, reason: 'missing', detail: 'no NSEC covers the name' };
  // The next name below qname means qname is an empty non-terminal: it exists.
  if (isSubdomain(parseNsec(cover.rdata).next, q))
    return { ok: false, reason: 'wrong', detail: 'the name is an empty non-terminal' };
  const wc = wildcardOf(nsecClosestEncloser(q, cover));
  if (nsecs.some((rr) => namesEqual(rr.owner, wc)))
    return { ok: false, reason: 'wrong', detail: 'a wildcard exists at the closest encloser' };
  if (!nsecs.some((rr) => nsecCovers(rr, wc)))
    return { ok: false, reason: 'missing', detail: 'no NSEC covers the wildcard at the closest encloser' };
  return { ok: true, kind: 'nxdomain' };
}

/** NODATA (including DS at an unsigned delegation, empty non-terminals and wildcard NODATA). */
export function proveNoDataNsec(qname: Buffer | string, qtype: number, nsecs: WireRR[]): DenialResult {
  const q = toWire(qname);
  const match = nsecs.find((rr) => namesEqual(rr.owner, q));
  if (match) {
    let f: NsecFields;
    try {
      f = parseNsec(match.rdata);
    } catch {
      return { ok: false, reason: 'wrong', detail: 'malformed NSEC' };
    }
    if (f.types.has(qtype))
      return { ok: false, reason: 'wrong', detail: 'the NSEC bit map lists the queried type' };
    if (f.types.has(RRTYPE.CNAME))
      return { ok: false, reason: 'wrong', detail: 'the NSEC bit map lists CNAME' };
    if (qtype === RRTYPE.DS) {
      if (f.types.has(RRTYPE.SOA) && wireLabels(q).length > 0)
        return {
          ok: false,
          reason: 'wrong',
          detail: 'the NSEC for a DS query is from the child zone (SOA set)',
        };
      return { ok: true, kind: f.types.has(RRTYPE.NS) ? 'insecure-delegation' : 'nodata' };
    }
    if (f.types.has(RRTYPE.NS) && !f.types.has(RRTYPE.SOA))
      return { ok: false, reason: 'wrong', detail: 'the NSEC is the parent side of a delegation' };
    return { ok: true, kind: 'nodata' };
  }
  const cover = nsecs.find((rr) => nsecCovers(rr, q));
  if (!cover) return { ok: false, reason: 'missing', detail: 'no NSEC matches or covers the name' };
  // Empty non-terminal (RFC 4035 §3.1.3.2): the next name is below qname.
  if (isSubdomain(parseNsec(cover.rdata).next, q) && !namesEqual(parseNsec(cover.rdata).next, q))
    return { ok: true, kind: 'nodata' };
  const wc = wildcardOf(nsecClosestEncloser(q, cover));
  const wmatch = nsecs.find((rr) => namesEqual(rr.owner, wc));
  if (wmatch) {
    const f = parseNsec(wmatch.rdata);
    if (f.types.has(qtype) || f.types.has(RRTYPE.CNAME))
      return { ok: false, reason: 'wrong', detail: 'the wildcard has the queried type' };
    return { ok: true, kind: 'wildcard-nodata' };
  }
  return {
    ok: false,
    reason: 'wrong',
    detail: 'the NSEC proves the name does not exist (NXDOMAIN expected)',
  };
}

/** A wildcard-expanded answer: an NSEC must cover qname (RFC 4035 §5.3.4). */
export function proveWildcardAnswerNsec(qname: Buffer | string, nsecs: WireRR[]): DenialResult {
  const q = toWire(qname);
  if (!nsecs.some((rr) => nsecCovers(rr, q)))
    return { ok: false, reason: 'missing', detail: 'no NSEC covers the expanded name' };
  return { ok: true, kind: 'wildcard-answer' };
}
