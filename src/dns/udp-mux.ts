/**
 * UDP sockets for DNS queries. RFC 5452 section 9.2: an off-path attacker must guess the source port as
 * well as the message ID, so the port must change from query to query. One socket per query cost more
 * than the query itself on large runs, and one shared socket gave every query the same port. The middle
 * way: a pool of sockets, each bound to a port the kernel picks at random, each query sent from a socket
 * drawn at random, and each socket retired after a few queries so ports keep changing through a run.
 * A reply counts only on the socket its query left from, from that server, with that message ID.
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
 * The kernel caps it at net.core.rmem_max. Shared out over the pool's sockets.
 */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

/** Sockets open at once per address family: the ports an attacker must cover at any moment. */
export const UDP_POOL_SIZE = 32;
/** Queries one socket sends before it is retired (closed once its last reply is in) for a fresh port. */
export const QUERIES_PER_SOCKET = 4;

export interface UdpPoolShape {
  size: number;
  queriesPerSocket: number;
}
export const DEFAULT_UDP_POOL_SHAPE: UdpPoolShape = {
  size: UDP_POOL_SIZE,
  queriesPerSocket: QUERIES_PER_SOCKET,
};
let shape = DEFAULT_UDP_POOL_SHAPE;

/**
 * For `npm run bench` only: the pool against one shared socket (`{ size: 1, queriesPerSocket: Infinity }`),
 * the design RFC 5452 ruled out, to show what the random ports cost.
 */
export function setUdpPoolShape(next: UdpPoolShape): void {
  shape = { size: Math.max(1, Math.floor(next.size)), queriesPerSocket: Math.max(1, next.queriesPerSocket) };
}

class PooledSocket {
  readonly byKey = new Map<string, MuxHandlers>();
  readonly byServer = new Map<string, Set<MuxHandlers>>();
  sent = 0;
  closed = false;
  readonly sock: dgram.Socket;

  constructor(
    family: 'udp4' | 'udp6',
    private readonly onIdle: (s: PooledSocket) => void,
  ) {
    const sock = dgram.createSocket({
      type: family,
      recvBufferSize: Math.floor(RECV_BUFFER_BYTES / shape.size) * 4,
    });
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
  }

  get retiring(): boolean {
    return this.sent >= shape.queriesPerSocket;
  }

  release(key: string, server: string, handlers: MuxHandlers): void {
    this.byKey.delete(key);
    const set = this.byServer.get(server);
    set?.delete(handlers);
    if (set && set.size === 0) this.byServer.delete(server);
    if (this.byKey.size === 0 && this.retiring) this.close();
    else if (this.byKey.size === 0) this.onIdle(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onIdle(this);
    try {
      this.sock.close();
    } catch {
      // already closed after an error
    }
  }
}

class UdpMux {
  /** Sockets that still take new queries. */
  private readonly open_: PooledSocket[] = [];
  private readonly idleTimers = new Map<PooledSocket, NodeJS.Immediate>();

  constructor(private readonly family: 'udp4' | 'udp6') {}

  open(address: string, port: number, handlers: MuxHandlers): MuxTicket {
    const server = canonical(address, port);
    const ps = this.pick();
    ps.sent++;
    if (ps.retiring) this.open_.splice(this.open_.indexOf(ps), 1);
    let id = randomId();
    while (ps.byKey.has(`${server}#${id}`)) id = randomId();
    const key = `${server}#${id}`;
    ps.byKey.set(key, handlers);
    let set = ps.byServer.get(server);
    if (!set) ps.byServer.set(server, (set = new Set()));
    set.add(handlers);
    let released = false;
    return {
      id,
      send: (msg, cb) => ps.sock.send(msg, port, address, (err) => cb(err ?? null)),
      release: () => {
        if (released) return;
        released = true;
        ps.release(key, server, handlers);
      },
    };
  }

  /** A socket drawn at random; a new one while the pool is not full (most queries then get a new port). */
  private pick(): PooledSocket {
    const n = this.open_.length;
    if (n < shape.size && (n === 0 || randomId() % shape.size >= n)) {
      const ps = new PooledSocket(this.family, (s) => this.idle(s));
      this.open_.push(ps);
      return ps;
    }
    const ps = this.open_[randomId() % n]!;
    this.cancelIdle(ps);
    return ps;
  }

  /** A socket with nothing pending closes at the next turn of the event loop unless it is picked again. */
  private idle(ps: PooledSocket): void {
    if (ps.closed) {
      this.cancelIdle(ps);
      const i = this.open_.indexOf(ps);
      if (i >= 0) this.open_.splice(i, 1);
      return;
    }
    if (this.idleTimers.has(ps)) return;
    this.idleTimers.set(
      ps,
      setImmediate(() => {
        this.idleTimers.delete(ps);
        if (ps.byKey.size === 0) ps.close();
      }),
    );
  }

  private cancelIdle(ps: PooledSocket): void {
    const t = this.idleTimers.get(ps);
    if (t) {
      clearImmediate(t);
      this.idleTimers.delete(ps);
    }
  }
}

const muxes = { udp4: new UdpMux('udp4'), udp6: new UdpMux('udp6') };

export const udpMuxFor = (address: string): UdpMux => muxes[net.isIPv6(address) ? 'udp6' : 'udp4'];
