/**
 * Zone-file presentation format (RFC 1035 5.1, RFC 3597 for unknown types) to and from DnsRecord.
 * `data` takes the shape dns-packet encodes and decodes for the type, so parsed records can be served
 * by the lab and compared with records decoded from the wire.
 */
import ipaddr from 'ipaddr.js';
import { canonicalIp } from '../net/reserved.js';
import dnsPacket from 'dns-packet';
import type { DnsRecord } from './types.js';
import { normalizeName } from './names.js';
import { base32hexDecode as base32hexDecodeOrNull, base32hexEncode } from './base32hex.js';

export const DEFAULT_TTL = 300;
export const DEFAULT_CLASS = 'IN';

const CLASSES = new Set(['IN', 'CH', 'CS', 'HS', 'ANY', 'NONE']);
/** Types whose data is a bare domain name; normalised like owner names (as src/dns/transport.ts does). */
const NAME_DATA_TYPES = new Set(['NS', 'CNAME', 'DNAME', 'PTR']);

export class PresentationError extends Error {
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(`${message} in record "${text}"`);
    this.name = 'PresentationError';
  }
}

interface Token {
  /** Raw bytes after unescaping. */
  bytes: Buffer;
  quoted: boolean;
}

/** Splits rdata into tokens: whitespace separated, "quoted strings", \X and \DDD escapes, ; comments. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '(' || c === ')') {
      i++;
      continue;
    }
    if (c === ';') break;
    const quoted = c === '"';
    if (quoted) i++;
    const bytes: number[] = [];
    let closed = !quoted;
    while (i < n) {
      const ch = text[i]!;
      if (quoted && ch === '"') {
        i++;
        closed = true;
        break;
      }
      if (
        !quoted &&
        (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ';' || ch === '(' || ch === ')')
      )
        break;
      if (ch === '\\') {
        const d = text.slice(i + 1, i + 4);
        if (/^\d{3}$/.test(d)) {
          const v = Number(d);
          if (v > 255) throw new PresentationError(`escape \\${d} is above 255`, text);
          bytes.push(v);
          i += 4;
          continue;
        }
        if (i + 1 >= n) throw new PresentationError('dangling backslash', text);
        const cp = text.codePointAt(i + 1)!;
        const s = String.fromCodePoint(cp);
        for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
        i += 1 + s.length;
        continue;
      }
      const cp = text.codePointAt(i)!;
      const s = String.fromCodePoint(cp);
      for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
      i += s.length;
    }
    if (!closed) throw new PresentationError('unterminated quoted string', text);
    tokens.push({ bytes: Buffer.from(bytes), quoted });
  }
  return tokens;
}

const str = (t: Token): string => t.bytes.toString('utf8');

/** An owner or target name: lower-case, no trailing dot; the root is ''. */
function dnsName(s: string, text: string): string {
  if (s === '@') throw new PresentationError('"@" is not supported: names must be fully qualified', text);
  return normalizeName(s);
}

/** A name inside structured data, as dns-packet decodes it: no trailing dot, the root is '.'. */
function innerName(s: string, text: string): string {
  const n = dnsName(s, text);
  return n === '' ? '.' : n;
}

function int(s: string | undefined, what: string, text: string, max = 0xffffffff): number {
  if (s === undefined || !/^\d+$/.test(s))
    throw new PresentationError(`${what} must be a number, got "${s ?? ''}"`, text);
  const v = Number(s);
  if (v > max) throw new PresentationError(`${what} ${v} is above ${max}`, text);
  return v;
}

function hex(s: string, what: string, text: string): Buffer {
  if (!/^([0-9a-fA-F]{2})*$/.test(s)) throw new PresentationError(`${what} must be hexadecimal`, text);
  return Buffer.from(s, 'hex');
}

function base64(s: string, what: string, text: string): Buffer {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new PresentationError(`${what} must be base64`, text);
  return Buffer.from(s, 'base64');
}

export { base32hexEncode };

export function base32hexDecode(s: string): Buffer {
  const b = base32hexDecodeOrNull(s);
  if (!b) throw new Error(`"${s}" is not base32hex`);
  return b;
}

/** RRSIG times: YYYYMMDDHHmmSS (UTC) or seconds since the epoch (RFC 4034 3.2). */
function sigTime(s: string | undefined, what: string, text: string): number {
  if (s !== undefined && /^\d{14}$/.test(s)) {
    const ms = Date.UTC(
      +s.slice(0, 4),
      +s.slice(4, 6) - 1,
      +s.slice(6, 8),
      +s.slice(8, 10),
      +s.slice(10, 12),
      +s.slice(12, 14),
    );
    return Math.floor(ms / 1000) >>> 0;
  }
  return int(s, what, text);
}

function formatSigTime(t: number): string {
  return new Date(t * 1000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

function typeName(s: string, text: string): string {
  const u = s.toUpperCase();
  if (!/^[A-Z][A-Z0-9-]*$/.test(u)) throw new PresentationError(`"${s}" is not a record type`, text);
  return u;
}

function requireCount(rd: Token[], n: number, type: string, text: string): void {
  if (rd.length < n) throw new PresentationError(`${type} needs ${n} field(s), got ${rd.length}`, text);
}

/** RFC 3597 generic rdata: \# length hex... */
const isGeneric = (rd: Token[]): boolean => rd.length > 0 && !rd[0]!.quoted && str(rd[0]!) === '#';

function parseData(type: string, rd: Token[], text: string): unknown {
  const s = rd.map(str);
  switch (type) {
    case 'A': {
      requireCount(rd, 1, type, text);
      if (!ipaddr.IPv4.isValidFourPartDecimal(s[0]!))
        throw new PresentationError(`"${s[0]}" is not an IPv4 address`, text);
      return s[0];
    }
    case 'AAAA': {
      requireCount(rd, 1, type, text);
      // canonicalIp, not ipaddr.js: ipaddr.js reads "::10.0.0.1" (IPv4-compatible) as ::ffff:a00:1.
      const v6 = s[0]!.includes('%') ? undefined : canonicalIp(s[0]!);
      if (!v6 || !v6.includes(':')) throw new PresentationError(`"${s[0]}" is not an IPv6 address`, text);
      return v6;
    }
    case 'NS':
    case 'CNAME':
    case 'DNAME':
    case 'PTR':
      requireCount(rd, 1, type, text);
      return dnsName(s[0]!, text);
    case 'SOA':
      requireCount(rd, 7, type, text);
      return {
        mname: innerName(s[0]!, text),
        rname: innerName(s[1]!, text),
        serial: int(s[2], 'SOA serial', text),
        refresh: int(s[3], 'SOA refresh', text),
        retry: int(s[4], 'SOA retry', text),
        expire: int(s[5], 'SOA expire', text),
        minimum: int(s[6], 'SOA minimum', text),
      };
    case 'TXT':
      requireCount(rd, 1, type, text);
      for (const t of rd)
        if (t.bytes.length > 255) throw new PresentationError('TXT string longer than 255 bytes', text);
      return rd.map((t) => t.bytes);
    case 'CAA': {
      requireCount(rd, 3, type, text);
      const flags = int(s[0], 'CAA flags', text, 255);
      // dns-packet decodes the value as utf-8 text: keep the exact bytes given.
      return { flags, tag: s[1], value: s.slice(2).join(' '), issuerCritical: (flags & 0x80) !== 0 };
    }
    case 'MX':
      requireCount(rd, 2, type, text);
      return { preference: int(s[0], 'MX preference', text, 0xffff), exchange: innerName(s[1]!, text) };
    case 'SRV':
      requireCount(rd, 4, type, text);
      return {
        priority: int(s[0], 'SRV priority', text, 0xffff),
        weight: int(s[1], 'SRV weight', text, 0xffff),
        port: int(s[2], 'SRV port', text, 0xffff),
        target: innerName(s[3]!, text),
      };
    case 'DS':
      requireCount(rd, 4, type, text);
      return {
        keyTag: int(s[0], 'DS key tag', text, 0xffff),
        algorithm: int(s[1], 'DS algorithm', text, 255),
        digestType: int(s[2], 'DS digest type', text, 255),
        digest: hex(s.slice(3).join(''), 'DS digest', text),
      };
    case 'DNSKEY': {
      requireCount(rd, 4, type, text);
      if (s[1] !== '3') throw new PresentationError('DNSKEY protocol must be 3', text);
      return {
        flags: int(s[0], 'DNSKEY flags', text, 0xffff),
        algorithm: int(s[2], 'DNSKEY algorithm', text, 255),
        key: base64(s.slice(3).join(''), 'DNSKEY public key', text),
      };
    }
    case 'RRSIG':
      requireCount(rd, 9, type, text);
      return {
        typeCovered: typeName(s[0]!, text),
        algorithm: int(s[1], 'RRSIG algorithm', text, 255),
        labels: int(s[2], 'RRSIG labels', text, 255),
        originalTTL: int(s[3], 'RRSIG original TTL', text),
        expiration: sigTime(s[4], 'RRSIG expiration', text),
        inception: sigTime(s[5], 'RRSIG inception', text),
        keyTag: int(s[6], 'RRSIG key tag', text, 0xffff),
        signersName: innerName(s[7]!, text),
        signature: base64(s.slice(8).join(''), 'RRSIG signature', text),
      };
    case 'NSEC':
      requireCount(rd, 1, type, text);
      return { nextDomain: innerName(s[0]!, text), rrtypes: s.slice(1).map((t) => typeName(t, text)) };
    case 'NSEC3': {
      requireCount(rd, 5, type, text);
      let next: Buffer;
      try {
        next = base32hexDecode(s[4]!);
      } catch (e) {
        throw new PresentationError(`NSEC3 next hashed owner: ${(e as Error).message}`, text);
      }
      return {
        algorithm: int(s[0], 'NSEC3 algorithm', text, 255),
        flags: int(s[1], 'NSEC3 flags', text, 255),
        iterations: int(s[2], 'NSEC3 iterations', text, 0xffff),
        salt: s[3] === '-' ? Buffer.alloc(0) : hex(s[3]!, 'NSEC3 salt', text),
        nextDomain: next,
        rrtypes: s.slice(5).map((t) => typeName(t, text)),
      };
    }
    case 'NSEC3PARAM': {
      // dns-packet has no NSEC3PARAM codec: it carries the raw RDATA (RFC 5155 4.2).
      requireCount(rd, 4, type, text);
      const salt = s[3] === '-' ? Buffer.alloc(0) : hex(s[3]!, 'NSEC3PARAM salt', text);
      const head = Buffer.alloc(5);
      head.writeUInt8(int(s[0], 'NSEC3PARAM algorithm', text, 255), 0);
      head.writeUInt8(int(s[1], 'NSEC3PARAM flags', text, 255), 1);
      head.writeUInt16BE(int(s[2], 'NSEC3PARAM iterations', text, 0xffff), 2);
      head.writeUInt8(salt.length, 4);
      return Buffer.concat([head, salt]);
    }
    case 'TLSA':
      requireCount(rd, 4, type, text);
      return {
        usage: int(s[0], 'TLSA usage', text, 255),
        selector: int(s[1], 'TLSA selector', text, 255),
        matchingType: int(s[2], 'TLSA matching type', text, 255),
        certificate: hex(s.slice(3).join(''), 'TLSA data', text),
      };
    default:
      throw new PresentationError(`type ${type} is not supported (use RFC 3597 "\\# length hex")`, text);
  }
}

/**
 * Parses one record, e.g. `example.test. 300 IN A 127.0.2.1`. TTL and class are optional (300, IN)
 * and may come in either order. Names must be fully qualified; a trailing dot is optional.
 */
export function parseRecord(text: string): DnsRecord {
  const tokens = tokenize(text);
  if (tokens.length < 2) throw new PresentationError('expected "owner [ttl] [class] type rdata"', text);
  const owner = dnsName(str(tokens[0]!), text);
  let i = 1;
  let ttl: number | undefined;
  let klass: string | undefined;
  for (let k = 0; k < 2 && i < tokens.length; k++) {
    const t = str(tokens[i]!);
    if (ttl === undefined && /^\d+$/.test(t)) {
      ttl = int(t, 'TTL', text, 0x7fffffff);
      i++;
    } else if (klass === undefined && CLASSES.has(t.toUpperCase())) {
      klass = t.toUpperCase();
      i++;
    }
  }
  const typeTok = tokens[i];
  if (!typeTok) throw new PresentationError('missing record type', text);
  const type = typeName(str(typeTok), text);
  const rd = tokens.slice(i + 1);
  let data: unknown;
  if (isGeneric(rd)) {
    const len = int(rd[1] ? str(rd[1]) : undefined, 'RFC 3597 length', text, 0xffff);
    const bytes = hex(rd.slice(2).map(str).join(''), 'RFC 3597 data', text);
    if (bytes.length !== len)
      throw new PresentationError(`RFC 3597 length ${len} but ${bytes.length} byte(s)`, text);
    data = decodeGeneric(type, bytes, text);
  } else {
    data = parseData(type, rd, text);
  }
  return { name: owner, type, class: klass ?? DEFAULT_CLASS, ttl: ttl ?? DEFAULT_TTL, data };
}

/** Generic rdata for a type dns-packet knows is decoded into its usual shape. */
function decodeGeneric(type: string, bytes: Buffer, text: string): unknown {
  const enc = dnsPacket as unknown as { record?: (t: string) => { decode(b: Buffer, o: number): unknown } };
  if (KNOWN_CODEC_TYPES.has(type) && enc.record) {
    const framed = Buffer.alloc(bytes.length + 2);
    framed.writeUInt16BE(bytes.length, 0);
    bytes.copy(framed, 2);
    try {
      const d = enc.record(type).decode(framed, 0);
      return NAME_DATA_TYPES.has(type) && typeof d === 'string' ? normalizeName(d) : d;
    } catch (e) {
      throw new PresentationError(`generic rdata is not valid ${type}: ${(e as Error).message}`, text);
    }
  }
  return bytes;
}

const KNOWN_CODEC_TYPES = new Set([
  'A',
  'AAAA',
  'NS',
  'CNAME',
  'DNAME',
  'PTR',
  'SOA',
  'TXT',
  'CAA',
  'MX',
  'SRV',
  'DS',
  'DNSKEY',
  'RRSIG',
  'NSEC',
  'NSEC3',
  'TLSA',
]);

/** A TXT/CAA character-string quoted with \" \\ and \DDD for bytes outside printable ASCII. */
export function quoteString(bytes: Buffer | string): string {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  let out = '"';
  for (const c of b) {
    if (c === 0x22 || c === 0x5c) out += '\\' + String.fromCharCode(c);
    else if (c < 0x20 || c > 0x7e) out += '\\' + c.toString().padStart(3, '0');
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

const fqdn = (n: string): string => (n === '' || n === '.' ? '.' : n.replace(/\.?$/, '.'));

function asBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  return Buffer.from(String(v), 'utf8');
}

type Rec = Record<string, unknown>;

/** The rdata of r in presentation format. */
export function formatData(type: string, data: unknown): string {
  const d = data as Rec;
  switch (type) {
    case 'A':
    case 'AAAA':
      return String(data);
    case 'NS':
    case 'CNAME':
    case 'DNAME':
    case 'PTR':
      return fqdn(String(data));
    case 'SOA':
      return `${fqdn(String(d.mname))} ${fqdn(String(d.rname))} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    case 'TXT': {
      const parts = Array.isArray(data) ? data : [data];
      return parts.map((p) => quoteString(asBuffer(p))).join(' ');
    }
    case 'CAA':
      return `${d.flags ?? 0} ${String(d.tag)} ${quoteString(String(d.value))}`;
    case 'MX':
      return `${d.preference} ${fqdn(String(d.exchange))}`;
    case 'SRV':
      return `${d.priority} ${d.weight} ${d.port} ${fqdn(String(d.target))}`;
    case 'DS':
      return `${d.keyTag} ${d.algorithm} ${d.digestType} ${asBuffer(d.digest).toString('hex').toUpperCase()}`;
    case 'DNSKEY':
      return `${d.flags} 3 ${d.algorithm} ${asBuffer(d.key).toString('base64')}`;
    case 'RRSIG':
      return [
        d.typeCovered,
        d.algorithm,
        d.labels,
        d.originalTTL,
        formatSigTime(Number(d.expiration)),
        formatSigTime(Number(d.inception)),
        d.keyTag,
        fqdn(String(d.signersName)),
        asBuffer(d.signature).toString('base64'),
      ].join(' ');
    case 'NSEC':
      return [fqdn(String(d.nextDomain)), ...((d.rrtypes as string[]) ?? [])].join(' ');
    case 'NSEC3': {
      const salt = asBuffer(d.salt);
      return [
        d.algorithm,
        d.flags,
        d.iterations,
        salt.length ? salt.toString('hex').toUpperCase() : '-',
        base32hexEncode(asBuffer(d.nextDomain)).toUpperCase(),
        ...((d.rrtypes as string[]) ?? []),
      ].join(' ');
    }
    case 'NSEC3PARAM': {
      const b = asBuffer(data);
      if (b.length >= 5) {
        const salt = b.subarray(5, 5 + b.readUInt8(4));
        return `${b.readUInt8(0)} ${b.readUInt8(1)} ${b.readUInt16BE(2)} ${salt.length ? salt.toString('hex').toUpperCase() : '-'}`;
      }
      break;
    }
    case 'TLSA':
      return `${d.usage} ${d.selector} ${d.matchingType} ${asBuffer(d.certificate).toString('hex').toUpperCase()}`;
    default:
      break;
  }
  const raw = asBuffer(data);
  return `\\# ${raw.length}${raw.length ? ' ' + raw.toString('hex').toUpperCase() : ''}`;
}

/** One record in presentation format: `owner. ttl class type rdata` (evidence text in reports). */
export function formatRecord(r: DnsRecord): string {
  return `${fqdn(r.name)} ${r.ttl} ${r.class || DEFAULT_CLASS} ${r.type} ${formatData(r.type, r.data)}`;
}
