/** One lab DNS server: UDP and TCP sockets on one loopback address and port. */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import type { Reply } from './respond.js';

export type Transport = 'udp' | 'tcp';

export interface ServerHandlers {
  /** Called once per decodable query; returns what to send. */
  handle(req: dnsPacket.DecodedPacket, transport: Transport): Reply;
  /** Delay before sending, read per query so faults can change at run time. */
  delayMs?(req: dnsPacket.DecodedPacket): number;
  /** False: a TCP connection is reset as it opens (a server or firewall without DNS over TCP). */
  tcpOpen?(): boolean;
}

/** RFC 1035 4.2.2: TCP messages carry a two-byte length prefix. */
const TCP_LENGTH_PREFIX = 2;

export class LabDnsServer {
  private udp?: dgram.Socket;
  private tcp?: net.Server;
  private readonly conns = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;
  port = 0;

  constructor(
    readonly address: string,
    private readonly handlers: ServerHandlers,
  ) {}

  /** Binds UDP then TCP on port (0 picks one); rejects with the socket error (e.g. EADDRINUSE). */
  async listen(port: number): Promise<number> {
    this.closed = false;
    const family = this.address.includes(':') ? 'udp6' : 'udp4';
    const udp = dgram.createSocket({ type: family, reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, this.address, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    this.udp = udp;
    this.port = udp.address().port;
    udp.on('message', (msg, rinfo) => this.onUdp(msg, rinfo));
    udp.on('error', () => undefined);
    const tcp = net.createServer((s) => this.onTcp(s));
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ port: this.port, host: this.address, exclusive: true }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      await new Promise<void>((r) => udp.close(() => r()));
      this.udp = undefined;
      throw e;
    }
    this.tcp = tcp;
    return this.port;
  }

  private decode(msg: Buffer): dnsPacket.DecodedPacket | undefined {
    try {
      return dnsPacket.decode(msg);
    } catch {
      return undefined;
    }
  }

  /** The handler's reply; a bug in it becomes a SERVFAIL rather than a crashed test process. */
  private reply(req: dnsPacket.DecodedPacket, transport: Transport): Reply {
    try {
      return this.handlers.handle(req, transport);
    } catch {
      const b = Buffer.alloc(12);
      b.writeUInt16BE(req.id ?? 0, 0);
      b.writeUInt16BE(0x8002, 2); // QR, SERVFAIL
      return { kind: 'bytes', bytes: b };
    }
  }

  private later(ms: number, fn: () => void): void {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  private onUdp(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const req = this.decode(msg);
    if (!req) return;
    const reply = this.reply(req, 'udp');
    if (reply.kind === 'silence') return;
    this.later(this.handlers.delayMs?.(req) ?? 0, () => {
      this.udp?.send(reply.bytes, rinfo.port, rinfo.address, () => undefined);
    });
  }

  private onTcp(sock: net.Socket): void {
    if (this.handlers.tcpOpen?.() === false) {
      sock.resetAndDestroy();
      return;
    }
    this.conns.add(sock);
    sock.on('close', () => this.conns.delete(sock));
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= TCP_LENGTH_PREFIX) {
        const len = buf.readUInt16BE(0);
        if (buf.length < TCP_LENGTH_PREFIX + len) break;
        const msg = buf.subarray(TCP_LENGTH_PREFIX, TCP_LENGTH_PREFIX + len);
        buf = buf.subarray(TCP_LENGTH_PREFIX + len);
        const req = this.decode(msg);
        if (!req) {
          sock.destroy();
          return;
        }
        const reply = this.reply(req, 'tcp');
        if (reply.kind === 'silence') continue;
        this.later(this.handlers.delayMs?.(req) ?? 0, () => {
          if (sock.destroyed) return;
          const prefix = Buffer.alloc(TCP_LENGTH_PREFIX);
          prefix.writeUInt16BE(reply.bytes.length);
          sock.write(Buffer.concat([prefix, reply.bytes]));
        });
      }
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.conns) s.destroy();
    this.conns.clear();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    await Promise.all([
      udp ? new Promise<void>((r) => udp.close(() => r())) : Promise.resolve(),
      tcp ? new Promise<void>((r) => tcp.close(() => r())) : Promise.resolve(),
    ]);
  }
}
