/** Minimal RR wire reader/writer for DNSSEC: uncompressed names, raw RDATA kept byte-exact. */
import packet from 'dns-packet';
import type { DnsRecord } from '../types.js';
import { RRTYPE } from '../rrtype.js';

export interface WireRR {
  /** Owner name in uncompressed wire form. */
  owner: Buffer;
  type: number;
  class: number;
  ttl: number;
  rdata: Buffer;
}

// TSIG is a meta type (RFC 8945): it is never zone data, so the presentation names leave it out.
const { TSIG: _tsig, ...DATA_TYPES } = RRTYPE;
const TYPES: Readonly<Record<string, number>> = DATA_TYPES;
const TYPE_NAMES = new Map<number, string>(Object.entries(TYPES).map(([k, v]) => [v, k]));

/** Mnemonic (or TYPEnnn / dns-packet's UNKNOWN_nnn) to number; NaN when unknown. */
export function typeToNumber(type: string | number): number {
  if (typeof type === 'number') return type;
  const t = type.toUpperCase();
  const known = TYPES[t];
  if (known !== undefined) return known;
  const m = /^(?:TYPE|UNKNOWN_)(\d{1,5})$/.exec(t);
  return m ? Number(m[1]) : NaN;
}

export function typeToString(type: number): string {
  return TYPE_NAMES.get(type) ?? `TYPE${type}`;
}

const CLASSES: Record<string, number> = { IN: 1, CS: 2, CH: 3, HS: 4, NONE: 254, ANY: 255 };
export function classToNumber(c: string | number | undefined): number {
  if (c === undefined) return 1;
  if (typeof c === 'number') return c;
  const n = CLASSES[c.toUpperCase()];
  if (n !== undefined) return n;
  const m = /^(?:CLASS|UNKNOWN_)(\d{1,5})$/i.exec(c);
  return m ? Number(m[1]) : 1;
}

export class WireError extends Error {}

/** Presentation name (with \. and \DDD escapes; trailing dot optional) to uncompressed wire. */
export function nameToWire(name: string): Buffer {
  const labels: Buffer[] = [];
  let cur: number[] = [];
  const s = name === '.' ? '' : name;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === '\\') {
      const d = /^\d{3}/.exec(s.slice(i + 1, i + 4));
      if (d) {
        cur.push(Number(d[0]) & 0xff);
        i += 3;
      } else {
        cur.push(s.charCodeAt(i + 1) & 0xff);
        i += 1;
      }
    } else if (ch === '.') {
      if (cur.length === 0) throw new WireError(`empty label in ${name}`);
      labels.push(Buffer.from(cur));
      cur = [];
    } else {
      cur.push(...Buffer.from(ch, 'utf8'));
    }
  }
  if (cur.length) labels.push(Buffer.from(cur));
  return labelsToWire(labels);
}

export function labelsToWire(labels: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let len = 1;
  for (const l of labels) {
    if (l.length === 0 || l.length > 63) throw new WireError('label length out of range');
    parts.push(Buffer.from([l.length]), l);
    len += l.length + 1;
  }
  if (len > 255) throw new WireError('name longer than 255 octets');
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Reads an uncompressed name at off; returns its wire bytes and the offset after it. */
export function readName(buf: Buffer, off: number): { wire: Buffer; end: number } {
  let p = off;
  for (;;) {
    if (p >= buf.length) throw new WireError('name runs past end');
    const len = buf[p] as number;
    if (len & 0xc0) throw new WireError('compressed or extended label not allowed here');
    p += 1 + len;
    if (p - off > 255) throw new WireError('name longer than 255 octets');
    if (len === 0) break;
  }
  if (p > buf.length) throw new WireError('name runs past end');
  return { wire: buf.subarray(off, p), end: p };
}

export function wireLabels(wire: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let p = 0;
  while (p < wire.length) {
    const len = wire[p] as number;
    if (len === 0) break;
    out.push(wire.subarray(p + 1, p + 1 + len));
    p += 1 + len;
  }
  return out;
}

function labelToString(l: Buffer): string {
  let s = '';
  for (const b of l) {
    if (b === 0x2e || b === 0x5c) s += '\\' + String.fromCharCode(b);
    else if (b > 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\' + String(b).padStart(3, '0');
  }
  return s;
}

/** Wire name to the project's convention: lower-case, no trailing dot, root ''. */
export function wireToName(wire: Buffer): string {
  return wireLabels(wire)
    .map((l) => labelToString(l).toLowerCase())
    .join('.');
}

/** Lower-cases ASCII letters in a wire name (canonical form, RFC 4034 §6.2). */
export function lowerWire(wire: Buffer): Buffer {
  const out = Buffer.from(wire);
  let p = 0;
  while (p < out.length) {
    const len = out[p] as number;
    if (len === 0) break;
    for (let i = p + 1; i <= p + len; i++) {
      const b = out[i] as number;
      if (b >= 0x41 && b <= 0x5a) out[i] = b + 0x20;
    }
    p += 1 + len;
  }
  return out;
}

/** Parses one full RR (uncompressed owner) at off. */
export function parseRR(buf: Buffer, off = 0): { rr: WireRR; end: number } {
  const { wire, end } = readName(buf, off);
  if (end + 10 > buf.length) throw new WireError('RR header runs past end');
  const type = buf.readUInt16BE(end);
  const cls = buf.readUInt16BE(end + 2);
  const ttl = buf.readUInt32BE(end + 4);
  const rdlen = buf.readUInt16BE(end + 8);
  const start = end + 10;
  if (start + rdlen > buf.length) throw new WireError('RDATA runs past end');
  return {
    rr: {
      owner: Buffer.from(wire),
      type,
      class: cls,
      ttl,
      rdata: Buffer.from(buf.subarray(start, start + rdlen)),
    },
    end: start + rdlen,
  };
}

export function parseRRHex(hex: string): WireRR {
  return parseRR(Buffer.from(hex, 'hex')).rr;
}

export function encodeRR(rr: WireRR): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(rr.type, 0);
  head.writeUInt16BE(rr.class, 2);
  head.writeUInt32BE(rr.ttl >>> 0, 4);
  head.writeUInt16BE(rr.rdata.length, 8);
  return Buffer.concat([rr.owner, head, rr.rdata]);
}

interface AnswerCodec {
  encode(a: unknown): Buffer;
  decode(buf: Buffer, off?: number): unknown;
}
const answerCodec = (packet as unknown as { answer: AnswerCodec }).answer;

/** Re-encodes a dns-packet decoded record to wire (dns-packet never compresses). */
export function fromDnsRecord(rec: DnsRecord): WireRR {
  const type = typeToNumber(rec.type);
  if (Number.isNaN(type)) throw new WireError(`unknown type ${rec.type}`);
  let rdata: Buffer;
  if (Buffer.isBuffer(rec.data) && !['A', 'AAAA', 'NS', 'CNAME', 'PTR', 'DNAME', 'TXT'].includes(rec.type)) {
    rdata = Buffer.from(rec.data);
  } else {
    let encoded: Buffer;
    try {
      encoded = answerCodec.encode({
        name: rec.name || '.',
        type: rec.type,
        class: rec.class || 'IN',
        ttl: rec.ttl,
        data: rec.data,
      });
    } catch (e) {
      throw new WireError(`cannot encode ${rec.type} ${rec.name}: ${(e as Error).message}`);
    }
    rdata = parseRR(encoded).rr.rdata;
  }
  return { owner: nameToWire(rec.name), type, class: classToNumber(rec.class), ttl: rec.ttl, rdata };
}

/** Decodes a wire RR back to the dns-packet data shape. */
export function toDnsRecord(rr: WireRR): DnsRecord {
  const typeName = typeToString(rr.type);
  const known = (packet as unknown as { record(t: string): unknown }).record(typeName);
  const unknownCodec = (packet as unknown as { unknown: unknown }).unknown;
  let data: unknown = rr.rdata;
  if (known !== unknownCodec && TYPES[typeName] !== undefined) {
    const decoded = answerCodec.decode(encodeRR(rr)) as { data: unknown };
    data = decoded.data;
  }
  return {
    name: wireToName(rr.owner),
    type: TYPES[typeName] !== undefined ? typeName : `UNKNOWN_${rr.type}`,
    class: rr.class === 1 ? 'IN' : `CLASS${rr.class}`,
    ttl: rr.ttl,
    data,
  };
}
