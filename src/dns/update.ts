/** RFC 2136 DNS UPDATE: build the message, send it (UDP, TCP on truncation), explain the answer. */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIP, Socket } from 'node:net';
import { encodeName, readName, signMessage, verifyMessage, type TsigKey } from './tsig.js';
import { RRTYPE } from './rrtype.js';

/** RFC 2136 §1.3 opcode 5; RFC 1035 classes; RFC 2136 §2.4 class NONE. */
export const OPCODE_UPDATE = 5;
export const CLASS_IN = 1;
export const CLASS_NONE = 254;
export const CLASS_ANY = 255;

/** RFC 1035 §4.1.1, RFC 2136 §2.2. */
export const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
};

const RCODE_HINTS: Record<string, string> = {
  FORMERR: 'the server could not parse the UPDATE',
  SERVFAIL: 'the server failed internally (zone not loaded, journal not writable?)',
  NOTIMP: 'the server does not implement DNS UPDATE',
  REFUSED: 'the server refused the update: check its update-policy/allow-update for this key and name',
  NOTAUTH:
    'the server is not authoritative for the zone, or rejected the TSIG signature (key name, secret, algorithm or clock)',
  NOTZONE: 'the record name is outside the zone named in the UPDATE',
  NXDOMAIN: 'a prerequisite failed: name does not exist',
  YXDOMAIN: 'a prerequisite failed: name exists',
  YXRRSET: 'a prerequisite failed: RRset exists',
  NXRRSET: 'a prerequisite failed: RRset does not exist',
};

export type UpdateOp =
  | { op: 'add'; name: string; type: 'TXT'; ttl: number; value: string }
  | { op: 'delete'; name: string; type: 'TXT'; value: string };

/** TXT RDATA: the value as character-strings of at most 255 bytes (RFC 1035 §3.3.14). */
export function txtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length || i === 0; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
    if (bytes.length === 0) break;
  }
  return Buffer.concat(parts);
}

function rr(name: string, type: number, klass: number, ttl: number, rdata: Buffer): Buffer {
  const h = Buffer.alloc(10);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(klass, 2);
  h.writeUInt32BE(ttl, 4);
  h.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([encodeName(name.toLowerCase()), h, rdata]);
}

/** Unsigned UPDATE: zone section (zone SOA IN), no prerequisites, the update section (RFC 2136 §2-3). */
export function buildUpdate(id: number, zone: string, ops: UpdateOp[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(OPCODE_UPDATE << 11, 2);
  header.writeUInt16BE(1, 4); // ZOCOUNT
  header.writeUInt16BE(0, 6); // PRCOUNT
  header.writeUInt16BE(ops.length, 8); // UPCOUNT
  header.writeUInt16BE(0, 10); // ADCOUNT
  const zoneSection = Buffer.concat([
    encodeName(zone.toLowerCase()),
    Buffer.from([0, RRTYPE.SOA, 0, CLASS_IN]),
  ]);
  const updates = ops.map((o) =>
    o.op === 'add'
      ? rr(o.name, RRTYPE.TXT, CLASS_IN, o.ttl, txtRdata(o.value))
      : // RFC 2136 §2.5.4: delete an RR from an RRset = class NONE, TTL 0, exact RDATA.
        rr(o.name, RRTYPE.TXT, CLASS_NONE, 0, txtRdata(o.value)),
  );
  return Buffer.concat([header, zoneSection, ...updates]);
}

/** A plain SOA query, recursion not desired. */
export function buildSoaQuery(id: number, name: string): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt16BE(1, 4);
  return Buffer.concat([header, encodeName(name.toLowerCase()), Buffer.from([0, RRTYPE.SOA, 0, CLASS_IN])]);
}

export interface DnsServer {
  address: string;
  port: number;
}

/** Parses "host", "host:port", "[v6]:port" or a bare IPv6 address. */
export function parseServer(s: string, defaultPort = 53): DnsServer {
  const t = s.trim();
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (v6) return { address: v6[1]!, port: v6[2] ? Number(v6[2]) : defaultPort };
  if (isIP(t) === 6) return { address: t, port: defaultPort };
  const m = /^([^:]+)(?::(\d+))?$/.exec(t);
  if (!m) throw new Error(`invalid nameserver "${s}" (expected host or host:port)`);
  const port = m[2] ? Number(m[2]) : defaultPort;
  if (!(port > 0 && port < 65536)) throw new Error(`invalid port in nameserver "${s}"`);
  return { address: m[1]!, port };
}

export class DnsUpdateError extends Error {
  override readonly name = 'DnsUpdateError';
  constructor(
    message: string,
    readonly rcode?: string,
  ) {
    super(message);
  }
}

function label(s: DnsServer): string {
  return isIP(s.address) === 6 ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}

/** Calls stop when signal aborts (no answer is awaited any more); returns the listener's remover. */
function onAbort(signal: AbortSignal | undefined, server: DnsServer, stop: (e: Error) => void): () => void {
  if (!signal) return () => undefined;
  const h = (): void => stop(new DnsUpdateError(`exchange with ${label(server)} abandoned`));
  if (signal.aborted) queueMicrotask(h);
  else signal.addEventListener('abort', h, { once: true });
  return () => signal.removeEventListener('abort', h);
}

/** One request/response exchange over UDP; switches to TCP when the answer is truncated. */
export async function exchange(
  server: DnsServer,
  msg: Buffer,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const id = msg.readUInt16BE(0);
  const res = await udpExchange(server, msg, id, timeoutMs, signal);
  if ((res.readUInt16BE(2) & 0x0200) !== 0) return tcpExchange(server, msg, id, timeoutMs, signal);
  return res;
}

function udpExchange(
  server: DnsServer,
  msg: Buffer,
  id: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = createSocket(isIP(server.address) === 6 ? 'udp6' : 'udp4');
    let unlisten = (): void => undefined;
    const end = (): void => {
      clearTimeout(timer);
      unlisten();
      sock.close();
    };
    const timer = setTimeout(() => {
      end();
      reject(new DnsUpdateError(`no answer from ${label(server)} within ${timeoutMs} ms`));
    }, timeoutMs);
    unlisten = onAbort(signal, server, (e) => {
      end();
      reject(e);
    });
    sock.on('error', (e) => {
      end();
      reject(new DnsUpdateError(`cannot talk to ${label(server)}: ${e.message}`));
    });
    sock.on('message', (data) => {
      if (data.length < 12 || data.readUInt16BE(0) !== id || (data.readUInt16BE(2) & 0x8000) === 0) return;
      end();
      resolve(data);
    });
    sock.send(msg, server.port, server.address);
  });
}

function tcpExchange(
  server: DnsServer,
  msg: Buffer,
  id: number,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    let buf = Buffer.alloc(0);
    const unlisten = onAbort(signal, server, (e) => {
      sock.destroy();
      reject(e);
    });
    sock.once('close', unlisten);
    const fail = (m: string) => {
      sock.destroy();
      reject(new DnsUpdateError(m));
    };
    sock.setTimeout(timeoutMs, () => fail(`no TCP answer from ${label(server)} within ${timeoutMs} ms`));
    sock.on('error', (e) => fail(`cannot talk to ${label(server)} over TCP: ${e.message}`));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const out = buf.subarray(2, 2 + buf.readUInt16BE(0));
        sock.destroy();
        if (out.length < 12 || out.readUInt16BE(0) !== id)
          reject(new DnsUpdateError('TCP answer ID mismatch'));
        else resolve(Buffer.from(out));
      }
    });
    sock.connect(server.port, server.address, () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(msg.length);
      sock.write(Buffer.concat([len, msg]));
    });
  });
}

export function rcodeOf(res: Buffer): string {
  const r = res.readUInt16BE(2) & 0x000f;
  return RCODE_NAMES[r] ?? `RCODE${r}`;
}

/** Zone apex for name, from the SOA in the answer or authority section of the server's reply. */
export async function findZone(
  server: DnsServer,
  name: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<string> {
  const res = await exchange(server, buildSoaQuery(randomInt(0, 0x10000), name), timeoutMs, signal);
  const rcode = rcodeOf(res);
  if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') {
    throw new DnsUpdateError(
      `SOA query for ${name} to ${label(server)} returned ${rcode}; cannot find the zone`,
      rcode,
    );
  }
  let pos = 12;
  for (let i = 0; i < res.readUInt16BE(4); i++) pos = readName(res, pos).next + 4;
  const rrs = res.readUInt16BE(6) + res.readUInt16BE(8);
  for (let i = 0; i < rrs; i++) {
    const owner = readName(res, pos);
    const type = res.readUInt16BE(owner.next);
    if (type === RRTYPE.SOA) return owner.name.toLowerCase();
    pos = owner.next + 10 + res.readUInt16BE(owner.next + 8);
  }
  throw new DnsUpdateError(
    `${label(server)} returned no SOA for ${name} (${rcode}); it is probably not authoritative for that name`,
    rcode,
  );
}

export interface SendUpdateOptions {
  server: DnsServer;
  zone: string;
  ops: UpdateOp[];
  key?: TsigKey;
  timeoutMs?: number;
  /** Abandons the exchange at once; an UPDATE already sent may still be applied by the server. */
  signal?: AbortSignal;
  /** Seconds since the epoch; tests fix it. */
  now?: () => number;
}

/** Sends a signed UPDATE and resolves when the server answered NOERROR with a valid signature. */
export async function sendUpdate(o: SendUpdateOptions): Promise<void> {
  const now = o.now ?? (() => Math.floor(Date.now() / 1000));
  const unsigned = buildUpdate(randomInt(0, 0x10000), o.zone, o.ops);
  const signed = o.key ? signMessage(unsigned, o.key, now()) : { wire: unsigned, mac: undefined };
  const res = await exchange(o.server, signed.wire, o.timeoutMs ?? 10_000, o.signal);
  const rcode = rcodeOf(res);
  const where = `UPDATE of zone ${o.zone} at ${label(o.server)}`;
  if (o.key) {
    const v = verifyMessage(res, o.key, signed.mac, now());
    if (!v.ok) {
      const extra = rcode === 'NOERROR' ? '' : ` (rcode ${rcode}: ${RCODE_HINTS[rcode] ?? 'see server log'})`;
      throw new DnsUpdateError(`${where}: response TSIG check failed: ${v.reason}${extra}`, rcode);
    }
  }
  if (rcode !== 'NOERROR') {
    throw new DnsUpdateError(`${where} returned ${rcode}: ${RCODE_HINTS[rcode] ?? 'see server log'}`, rcode);
  }
}
