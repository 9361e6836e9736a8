/** Canonical form, ordering and RRSIG signed data (RFC 4034 §6, RFC 6840 §5.1). */
import { RRTYPE } from '../rrtype.js';
import { type WireRR, lowerWire, readName, wireLabels, labelsToWire, WireError } from './wire.js';

/**
 * Where the domain names sit in the RDATA of the types RFC 4034 §6.2 lower-cases, as a list of steps:
 * 'n' a name, a number skips that many octets, 's' a <character-string>. NSEC is absent (RFC 6840 §5.1);
 * RRSIG's signer name is lower-cased. HINFO and A6 are listed by RFC 4034 but carry no plain name here.
 */
const NAME_LAYOUT: Record<number, Array<'n' | 's' | number>> = {
  [RRTYPE.NS]: ['n'],
  [RRTYPE.MD]: ['n'],
  [RRTYPE.MF]: ['n'],
  [RRTYPE.CNAME]: ['n'],
  [RRTYPE.SOA]: ['n', 'n'],
  [RRTYPE.MB]: ['n'],
  [RRTYPE.MG]: ['n'],
  [RRTYPE.MR]: ['n'],
  [RRTYPE.PTR]: ['n'],
  [RRTYPE.MINFO]: ['n', 'n'],
  [RRTYPE.MX]: [2, 'n'],
  [RRTYPE.RP]: ['n', 'n'],
  [RRTYPE.AFSDB]: [2, 'n'],
  [RRTYPE.RT]: [2, 'n'],
  [RRTYPE.SIG]: [18, 'n'],
  [RRTYPE.PX]: [2, 'n', 'n'],
  [RRTYPE.NXT]: ['n'],
  [RRTYPE.SRV]: [6, 'n'],
  [RRTYPE.NAPTR]: [4, 's', 's', 's', 'n'],
  [RRTYPE.KX]: [2, 'n'],
  [RRTYPE.DNAME]: ['n'],
  [RRTYPE.RRSIG]: [18, 'n'],
};

/** RDATA in canonical form: embedded names of the listed types lower-cased. */
export function canonicalRdata(type: number, rdata: Buffer): Buffer {
  const layout = NAME_LAYOUT[type];
  if (!layout) return rdata;
  const out = Buffer.from(rdata);
  let p = 0;
  try {
    for (const step of layout) {
      if (step === 'n') {
        const { wire, end } = readName(out, p);
        lowerWire(wire).copy(out, p);
        p = end;
      } else if (step === 's') {
        if (p >= out.length) return out;
        p += 1 + (out[p] as number);
      } else {
        p += step;
      }
      if (p > out.length) return out;
    }
  } catch {
    // Malformed or compressed RDATA: leave as is; the signature check will fail on its own.
    return Buffer.from(rdata);
  }
  return out;
}

export function canonicalRR(rr: WireRR): WireRR {
  return { ...rr, owner: lowerWire(rr.owner), rdata: canonicalRdata(rr.type, rr.rdata) };
}

/** Label count for the RRSIG labels field: root and a leading '*' not counted (RFC 4034 §3.1.3). */
export function labelCount(owner: Buffer): number {
  const labels = wireLabels(owner);
  if (labels.length && labels[0]?.length === 1 && labels[0][0] === 0x2a) return labels.length - 1;
  return labels.length;
}

/** Canonical name order (RFC 4034 §6.1): labels compared right to left, lower-cased octets. */
export function compareNames(a: Buffer, b: Buffer): number {
  const la = wireLabels(lowerWire(a)).reverse();
  const lb = wireLabels(lowerWire(b)).reverse();
  const n = Math.min(la.length, lb.length);
  for (let i = 0; i < n; i++) {
    const c = Buffer.compare(la[i] as Buffer, lb[i] as Buffer);
    if (c !== 0) return c;
  }
  return la.length - lb.length;
}

export function namesEqual(a: Buffer, b: Buffer): boolean {
  return lowerWire(a).equals(lowerWire(b));
}

/** True when name is zone or below it (wire names). */
export function isSubdomain(name: Buffer, zone: Buffer): boolean {
  const ln = wireLabels(lowerWire(name));
  const lz = wireLabels(lowerWire(zone));
  if (lz.length > ln.length) return false;
  for (let i = 1; i <= lz.length; i++) {
    if (!(ln[ln.length - i] as Buffer).equals(lz[lz.length - i] as Buffer)) return false;
  }
  return true;
}

/** The rightmost n labels of a wire name. */
export function suffixName(owner: Buffer, n: number): Buffer {
  const labels = wireLabels(owner);
  return labelsToWire(labels.slice(labels.length - n));
}

/** The RRSIG RDATA fields (RFC 4034 §3.1). */
export interface RrsigFields {
  typeCovered: number;
  algorithm: number;
  labels: number;
  originalTtl: number;
  expiration: number;
  inception: number;
  keyTag: number;
  signer: Buffer;
  signature: Buffer;
  /** RDATA up to and including the signer's name, signer lower-cased: the head of the signed data. */
  signedHead: Buffer;
}

export function parseRrsig(rdata: Buffer): RrsigFields {
  if (rdata.length < 19) throw new WireError('RRSIG RDATA too short');
  const { wire, end } = readName(rdata, 18);
  const head = Buffer.concat([rdata.subarray(0, 18), lowerWire(wire)]);
  return {
    typeCovered: rdata.readUInt16BE(0),
    algorithm: rdata[2] as number,
    labels: rdata[3] as number,
    originalTtl: rdata.readUInt32BE(4),
    expiration: rdata.readUInt32BE(8),
    inception: rdata.readUInt32BE(12),
    keyTag: rdata.readUInt16BE(16),
    signer: Buffer.from(wire),
    signature: Buffer.from(rdata.subarray(end)),
    signedHead: head,
  };
}

/** Upper bound on RRset size we canonicalise (hostile input: a huge RRset is refused, not processed). */
export const MAX_RRSET_RECORDS = 4096;

/**
 * Signed data for an RRSIG (RFC 4034 §3.1.8.1, §6.2): RRSIG RDATA head, then the RRset in canonical
 * order, duplicates removed, each with the original TTL and, for wildcard expansions, the owner
 * rebuilt as '*.' + the rightmost `labels` labels.
 */
export function signedData(sig: RrsigFields, rrset: WireRR[]): Buffer {
  if (rrset.length > MAX_RRSET_RECORDS) throw new WireError('RRset too large');
  const first = rrset[0];
  if (!first) throw new WireError('empty RRset');
  let owner = lowerWire(first.owner);
  const count = labelCount(owner);
  if (sig.labels > count) throw new WireError('RRSIG labels field exceeds owner label count');
  if (sig.labels < count) {
    const labels = wireLabels(owner);
    owner = labelsToWire([Buffer.from('*'), ...labels.slice(labels.length - sig.labels)]);
  }
  const rdatas = rrset.map((rr) => canonicalRdata(rr.type, rr.rdata));
  rdatas.sort(Buffer.compare);
  const parts: Buffer[] = [sig.signedHead];
  let prev: Buffer | undefined;
  for (const rd of rdatas) {
    if (prev && prev.equals(rd)) continue;
    prev = rd;
    const head = Buffer.alloc(10);
    head.writeUInt16BE(first.type, 0);
    head.writeUInt16BE(first.class, 2);
    head.writeUInt32BE(sig.originalTtl, 4);
    head.writeUInt16BE(rd.length, 8);
    parts.push(owner, head, rd);
  }
  return Buffer.concat(parts);
}

/** Groups RRs into RRsets by (lower-cased owner, type, class). */
export function groupRrsets(rrs: WireRR[]): WireRR[][] {
  const map = new Map<string, WireRR[]>();
  for (const rr of rrs) {
    const key = `${lowerWire(rr.owner).toString('hex')}/${rr.type}/${rr.class}`;
    const list = map.get(key);
    if (list) list.push(rr);
    else map.set(key, [rr]);
  }
  return [...map.values()];
}
