/** Hostile servers on loopback for the hostile suite: each answers (or not) exactly as a test scripts it. */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

export interface Received {
  query: dnsPacket.DecodedPacket;
  port: number;
  at: number;
}

export interface HostileDns {
  address: string;
  port: number;
  received: Received[];
  close(): Promise<void>;
}

export type Script = (
  query: dnsPacket.DecodedPacket,
  send: (msg: Buffer, delayMs?: number) => void,
  raw: Buffer,
  from: { address: string; port: number },
) => void;

/** A UDP DNS "server" on address:port (port 0: any) that runs script for every datagram it receives. */
export async function hostileDns(script: Script, address = '127.0.0.1', port = 0): Promise<HostileDns> {
  const sock = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((r) => sock.bind(port, address, r));
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  sock.on('message', (msg, rinfo) => {
    let query: dnsPacket.DecodedPacket;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    received.push({ query, port: rinfo.port, at: Date.now() });
    script(
      query,
      (out, delayMs = 0) => {
        const go = (): void => void sock.send(out, rinfo.port, rinfo.address, () => undefined);
        if (delayMs <= 0) return go();
        const t = setTimeout(() => {
          timers.delete(t);
          go();
        }, delayMs);
        timers.add(t);
      },
      msg,
      { address: rinfo.address, port: rinfo.port },
    );
  });
  return {
    address,
    port: sock.address().port,
    received,
    close: () => {
      for (const t of timers) clearTimeout(t);
      return new Promise<void>((r) => sock.close(() => r()));
    },
  };
}

/** An authoritative answer to query with the given sections. */
export function reply(
  query: dnsPacket.DecodedPacket,
  extra: Partial<dnsPacket.Packet> & { rcode?: string } = {},
): Buffer {
  const { rcode, ...rest } = extra;
  const rcodes: Record<string, number> = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };
  const flags = dnsPacket.AUTHORITATIVE_ANSWER | (rcodes[rcode ?? 'NOERROR'] ?? 0);
  return dnsPacket.encode({ id: query.id, type: 'response', flags, questions: query.questions, ...rest });
}

/** A TCP listener that accepts and never answers (slowloris the other way round). */
export async function silentTcp(
  address = '127.0.0.1',
  port = 0,
): Promise<{ port: number; close(): Promise<void> }> {
  const conns = new Set<net.Socket>();
  const server = net.createServer((c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(port, address, r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const c of conns) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A TCP connection handler that speaks DNS over TCP (RFC 1035 4.2.2 framing) and runs script per query. */
export function dnsOverTcp(
  script: (query: dnsPacket.DecodedPacket, send: (msg: Buffer) => void, conn: net.Socket) => void,
): (conn: net.Socket) => void {
  return (conn) => {
    let buf = Buffer.alloc(0);
    conn.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= buf.readUInt16BE(0) + 2) {
        const msg = buf.subarray(2, buf.readUInt16BE(0) + 2);
        buf = buf.subarray(msg.length + 2);
        let query: dnsPacket.DecodedPacket;
        try {
          query = dnsPacket.decode(msg);
        } catch {
          continue;
        }
        script(
          query,
          (out) => {
            const len = Buffer.alloc(2);
            len.writeUInt16BE(out.length & 0xffff);
            if (!conn.destroyed) conn.write(Buffer.concat([len, out]));
          },
          conn,
        );
      }
    });
  };
}

/**
 * The well-behaved authority of zone (apex, NS at ns.<zone> = address, www.<zone> A = address) as a
 * script: hostile rows start from it and break one thing.
 */
export function authority(zone: string, address: string) {
  const soa = {
    name: zone,
    type: 'SOA' as const,
    ttl: 300,
    data: {
      mname: `ns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial: 1,
      refresh: 7200,
      retry: 3600,
      expire: 1209600,
      minimum: 300,
    },
  };
  const ns = { name: zone, type: 'NS' as const, ttl: 300, data: `ns.${zone}` };
  const glue = { name: `ns.${zone}`, type: 'A' as const, ttl: 300, data: address };
  return (q: dnsPacket.DecodedPacket): Buffer => {
    const question = q.questions?.[0];
    const name = (question?.name ?? '').toLowerCase().replace(/\.$/, '');
    const type = question?.type;
    if (name === zone && type === 'SOA') return reply(q, { answers: [soa] });
    if (name === zone && type === 'NS') return reply(q, { answers: [ns], additionals: [glue] });
    if ((name === `www.${zone}` || name === `ns.${zone}`) && type === 'A')
      return reply(q, { answers: [{ name, type: 'A', ttl: 300, data: address }] });
    const exists = [zone, `www.${zone}`, `ns.${zone}`].includes(name);
    return reply(q, { rcode: exists ? 'NOERROR' : 'NXDOMAIN', authorities: [soa] });
  };
}
