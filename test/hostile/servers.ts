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
