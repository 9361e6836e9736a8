/**
 * One UDP socket per address family, shared by every query in flight. Creating and closing a socket per
 * query cost more than the query itself on large runs. Replies are routed by server and message ID; the
 * socket closes as soon as nothing is pending, so idle runs hold no handle. IDs stay random (RFC 5452).
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { randomFillSync } from 'node:crypto';
import ipaddr from 'ipaddr.js';

export interface MuxHandlers {
  /** A reply from the server carrying this query's ID. */
  reply(buf: Buffer): void;
  /** A reply from the server carrying an ID no query is waiting for. */
  stray(buf: Buffer): void;
  error(err: Error): void;
}

export interface MuxTicket {
  id: number;
  send(msg: Buffer, cb: (err: Error | null) => void): void;
  release(): void;
}

const canonicalAddress = (address: string): string => {
  if (net.isIPv4(address)) return address;
  try {
    return ipaddr.process(address).toString();
  } catch {
    return address;
  }
};

/** Canonical forms of the few server addresses a run talks to (parsing an address costs more than a send). */
const canonicalCache = new Map<string, string>();
const MAX_CANONICAL_CACHE = 10_000;

const canonical = (address: string, port: number): string => {
  let a = canonicalCache.get(address);
  if (a === undefined) {
    a = canonicalAddress(address);
    if (canonicalCache.size >= MAX_CANONICAL_CACHE) canonicalCache.clear();
    canonicalCache.set(address, a);
  }
  return `${a}|${port}`;
};

/** Message IDs drawn from a pool of CSPRNG output: one randomInt call per query was a hot spot. */
const idPool = new Uint16Array(4096);
let idNext = idPool.length;
const randomId = (): number => {
  if (idNext >= idPool.length) {
    randomFillSync(idPool);
    idNext = 0;
  }
  return idPool[idNext++]!;
};

/**
 * Replies to a whole order's queries can arrive while the event loop is busy; the default buffer
 * (about 200 KiB, some 200 small datagrams) dropped replies, which then cost a timeout and a retry.
 * The kernel caps it at net.core.rmem_max.
 */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

class UdpMux {
  private sock?: dgram.Socket;
  private readonly byKey = new Map<string, MuxHandlers>();
  private readonly byServer = new Map<string, Set<MuxHandlers>>();

  constructor(private readonly family: 'udp4' | 'udp6') {}

  open(address: string, port: number, handlers: MuxHandlers): MuxTicket {
    const server = canonical(address, port);
    let id = randomId();
    while (this.byKey.has(`${server}#${id}`)) id = randomId();
    const key = `${server}#${id}`;
    this.byKey.set(key, handlers);
    let set = this.byServer.get(server);
    if (!set) this.byServer.set(server, (set = new Set()));
    set.add(handlers);
    const sock = this.socket();
    let released = false;
    return {
      id,
      send: (msg, cb) => sock.send(msg, port, address, (err) => cb(err ?? null)),
      release: () => {
        if (released) return;
        released = true;
        this.byKey.delete(key);
        set!.delete(handlers);
        if (set!.size === 0) this.byServer.delete(server);
        if (this.byKey.size === 0) this.close();
      },
    };
  }

  private socket(): dgram.Socket {
    if (this.sock) return this.sock;
    const sock = dgram.createSocket({ type: this.family, recvBufferSize: RECV_BUFFER_BYTES });
    sock.on('message', (buf, rinfo) => {
      const server = canonical(rinfo.address, rinfo.port);
      const id = buf.length >= 2 ? buf.readUInt16BE(0) : -1;
      const h = this.byKey.get(`${server}#${id}`);
      if (h) return h.reply(buf);
      for (const other of this.byServer.get(server) ?? []) other.stray(buf);
    });
    sock.on('error', (err) => {
      for (const h of [...this.byKey.values()]) h.error(err);
    });
    this.sock = sock;
    return sock;
  }

  private close(): void {
    const sock = this.sock;
    this.sock = undefined;
    try {
      sock?.close();
    } catch {
      // already closed after an error
    }
  }
}

const muxes = { udp4: new UdpMux('udp4'), udp6: new UdpMux('udp6') };

export const udpMuxFor = (address: string): UdpMux => muxes[net.isIPv6(address) ? 'udp6' : 'udp4'];
