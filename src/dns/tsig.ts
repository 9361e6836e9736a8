/** TSIG (RFC 8945): sign requests, verify responses. Byte-exact, written by hand. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { RRTYPE } from './rrtype.js';

export const CLASS_ANY = 255;
/** RFC 8945 §10: recommended fudge, seconds. */
export const DEFAULT_FUDGE = 300;

/** TSIG error codes, RFC 8945 §4.3 and RFC 2845. */
export const TSIG_ERRORS: Record<number, string> = {
  0: 'NOERROR',
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
  22: 'BADTRUNC',
};

/** Algorithm name (canonical, no trailing dot) -> node:crypto digest. */
export const TSIG_ALGORITHMS: Record<string, string> = {
  'hmac-md5.sig-alg.reg.int': 'md5',
  'hmac-sha1': 'sha1',
  'hmac-sha224': 'sha224',
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
};

export interface TsigKey {
  /** Key name, e.g. "acme-key." (case and trailing dot do not matter). */
  name: string;
  /** Algorithm name, e.g. "hmac-sha256." */
  algorithm: string;
  secret: Buffer;
}

export class TsigError extends Error {
  override readonly name = 'TsigError';
}

/** Lower-case, no trailing dot. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.+$/, '');
}

export function digestFor(algorithm: string): string {
  const d = TSIG_ALGORITHMS[canonicalName(algorithm)];
  if (!d) {
    throw new TsigError(
      `unsupported TSIG algorithm "${algorithm}"; supported: ${Object.keys(TSIG_ALGORITHMS).join(', ')}`,
    );
  }
  return d;
}

/** Uncompressed wire form of a name ('' or '.' is the root). */
export function encodeName(name: string): Buffer {
  const n = name.replace(/\.+$/, '');
  const parts: Buffer[] = [];
  if (n !== '') {
    for (const label of n.split('.')) {
      const b = Buffer.from(label, 'ascii');
      if (b.length === 0 || b.length > 63) throw new TsigError(`invalid label in name "${name}"`);
      parts.push(Buffer.from([b.length]), b);
    }
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new TsigError(`name too long: "${name}"`);
  return out;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

export interface TsigVariables {
  keyName: string;
  algorithm: string;
  timeSigned: number;
  fudge: number;
  error: number;
  otherData: Buffer;
}

/** RFC 8945 §4.3.3: the TSIG variables digested after the message. */
export function tsigVariables(v: TsigVariables): Buffer {
  return Buffer.concat([
    encodeName(canonicalName(v.keyName)),
    u16(CLASS_ANY),
    Buffer.alloc(4), // TTL 0
    encodeName(canonicalName(v.algorithm)),
    u48(v.timeSigned),
    u16(v.fudge),
    u16(v.error),
    u16(v.otherData.length),
    v.otherData,
  ]);
}

/** HMAC over [requestMac] + message + variables (RFC 8945 §4.3.1-4.3.3). */
export function computeMac(key: TsigKey, message: Buffer, vars: TsigVariables, requestMac?: Buffer): Buffer {
  const h = createHmac(digestFor(key.algorithm), key.secret);
  if (requestMac) {
    h.update(u16(requestMac.length));
    h.update(requestMac);
  }
  h.update(message);
  h.update(tsigVariables(vars));
  return h.digest();
}

export interface TsigRecord extends TsigVariables {
  mac: Buffer;
  originalId: number;
}

/** The TSIG RR as it goes on the wire (RFC 8945 §4.2). */
export function encodeTsigRecord(r: TsigRecord): Buffer {
  const rdata = Buffer.concat([
    encodeName(canonicalName(r.algorithm)),
    u48(r.timeSigned),
    u16(r.fudge),
    u16(r.mac.length),
    r.mac,
    u16(r.originalId),
    u16(r.error),
    u16(r.otherData.length),
    r.otherData,
  ]);
  return Buffer.concat([
    encodeName(canonicalName(r.keyName)),
    u16(RRTYPE.TSIG),
    u16(CLASS_ANY),
    Buffer.alloc(4),
    u16(rdata.length),
    rdata,
  ]);
}

export interface SignedMessage {
  wire: Buffer;
  mac: Buffer;
}

/** Appends a TSIG RR to an unsigned message (ARCOUNT is incremented). */
export function signMessage(
  message: Buffer,
  key: TsigKey,
  timeSigned: number = Math.floor(Date.now() / 1000),
  fudge: number = DEFAULT_FUDGE,
): SignedMessage {
  if (message.length < 12) throw new TsigError('message shorter than a DNS header');
  const vars: TsigVariables = {
    keyName: key.name,
    algorithm: key.algorithm,
    timeSigned,
    fudge,
    error: 0,
    otherData: Buffer.alloc(0),
  };
  const mac = computeMac(key, message, vars);
  const rr = encodeTsigRecord({ ...vars, mac, originalId: message.readUInt16BE(0) });
  const wire = Buffer.concat([message, rr]);
  wire.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { wire, mac };
}

/** Reads a (possibly compressed) name; returns it and the offset after it in the original stream. */
export function readName(buf: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  for (let jumps = 0; jumps < 128; jumps++) {
    if (pos >= buf.length) throw new TsigError('name runs past end of message');
    const len = buf[pos]!;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      return { name: labels.join('.'), next };
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= buf.length) throw new TsigError('truncated compression pointer');
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | buf[pos + 1]!;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new TsigError('unsupported label type');
    if (pos + 1 + len > buf.length) throw new TsigError('label runs past end of message');
    labels.push(buf.toString('ascii', pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  throw new TsigError('too many compression pointers');
}

export interface FoundTsig {
  record: TsigRecord;
  /** Offset where the TSIG RR starts. */
  start: number;
}

/** Finds the TSIG RR, which must be the last additional record (RFC 8945 §5.1). */
export function findTsig(msg: Buffer): FoundTsig | undefined {
  if (msg.length < 12) throw new TsigError('message shorter than a DNS header');
  const counts = [msg.readUInt16BE(4), msg.readUInt16BE(6), msg.readUInt16BE(8), msg.readUInt16BE(10)];
  let pos = 12;
  for (let i = 0; i < counts[0]!; i++) pos = readName(msg, pos).next + 4;
  const rrs = counts[1]! + counts[2]! + counts[3]!;
  let last: { start: number; type: number; rdata: number; rdlen: number } | undefined;
  for (let i = 0; i < rrs; i++) {
    const start = pos;
    pos = readName(msg, pos).next;
    if (pos + 10 > msg.length) throw new TsigError('truncated resource record');
    const type = msg.readUInt16BE(pos);
    const rdlen = msg.readUInt16BE(pos + 8);
    last = { start, type, rdata: pos + 10, rdlen };
    pos += 10 + rdlen;
    if (pos > msg.length) throw new TsigError('truncated RDATA');
  }
  if (!last || counts[3] === 0 || last.type !== RRTYPE.TSIG) return undefined;
  const keyName = readName(msg, last.start).name;
  let p = last.rdata;
  const alg = readName(msg, p);
  p = alg.next;
  const timeSigned = msg.readUIntBE(p, 6);
  const fudge = msg.readUInt16BE(p + 6);
  const macLen = msg.readUInt16BE(p + 8);
  const mac = Buffer.from(msg.subarray(p + 10, p + 10 + macLen));
  p += 10 + macLen;
  const originalId = msg.readUInt16BE(p);
  const error = msg.readUInt16BE(p + 2);
  const otherLen = msg.readUInt16BE(p + 4);
  const otherData = Buffer.from(msg.subarray(p + 6, p + 6 + otherLen));
  if (p + 6 + otherLen !== last.rdata + last.rdlen) throw new TsigError('TSIG RDATA length mismatch');
  return {
    start: last.start,
    record: { keyName, algorithm: alg.name, timeSigned, fudge, mac, originalId, error, otherData },
  };
}

export interface VerifyResult {
  ok: boolean;
  /** Why verification failed, or the TSIG error the server reported. */
  reason?: string;
  tsig?: TsigRecord;
}

/**
 * Verifies a signed message. For a response pass the request's MAC.
 * `now` is seconds since the epoch.
 */
export function verifyMessage(
  msg: Buffer,
  key: TsigKey,
  requestMac?: Buffer,
  now: number = Math.floor(Date.now() / 1000),
): VerifyResult {
  const found = findTsig(msg);
  if (!found) return { ok: false, reason: 'message is not signed (no TSIG record)' };
  const t = found.record;
  if (canonicalName(t.keyName) !== canonicalName(key.name)) {
    return {
      ok: false,
      reason: `signed with key "${t.keyName}", expected "${canonicalName(key.name)}"`,
      tsig: t,
    };
  }
  if (canonicalName(t.algorithm) !== canonicalName(key.algorithm)) {
    return {
      ok: false,
      reason: `signed with algorithm "${t.algorithm}", expected "${canonicalName(key.algorithm)}"`,
      tsig: t,
    };
  }
  if (t.error !== 0) {
    return { ok: false, reason: `server reported TSIG error ${TSIG_ERRORS[t.error] ?? t.error}`, tsig: t };
  }
  const unsigned = Buffer.from(msg.subarray(0, found.start));
  unsigned.writeUInt16BE(t.originalId, 0);
  unsigned.writeUInt16BE(msg.readUInt16BE(10) - 1, 10);
  const expected = computeMac(key, unsigned, t, requestMac);
  if (t.mac.length !== expected.length || !timingSafeEqual(t.mac, expected)) {
    return { ok: false, reason: 'TSIG MAC does not verify (wrong secret or altered message)', tsig: t };
  }
  if (Math.abs(now - t.timeSigned) > t.fudge) {
    return {
      ok: false,
      reason: `TSIG time ${t.timeSigned} is outside fudge ${t.fudge}s of local time ${now}`,
      tsig: t,
    };
  }
  return { ok: true, tsig: t };
}
