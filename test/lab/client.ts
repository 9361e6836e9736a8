/** A minimal dns-packet client for lab tests: one question, UDP or TCP, raw bytes kept. */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';

/** dns-packet's decoded message with the fields its types leave optional made definite. */
export type Decoded = dnsPacket.DecodedPacket & {
  id: number;
  rcode: string;
  answers: dnsPacket.Answer[];
  authorities: dnsPacket.Answer[];
  additionals: dnsPacket.Answer[];
  flag_aa: boolean;
  flag_tc: boolean;
  flag_ra: boolean;
};

export interface RawReply {
  raw?: Buffer;
  packet?: Decoded;
  decodeError?: string;
  timedOut: boolean;
  id: number;
}

export interface AskOptions {
  tcp?: boolean;
  dnssec?: boolean;
  rd?: boolean;
  /** 0 sends no OPT record. */
  udpPayload?: number;
  timeoutMs?: number;
}

let nextId = 1000;

function finish(id: number, raw: Buffer | undefined): RawReply {
  if (!raw) return { timedOut: true, id };
  try {
    return { raw, packet: dnsPacket.decode(raw) as Decoded, timedOut: false, id };
  } catch (e) {
    return { raw, decodeError: (e as Error).message, timedOut: false, id };
  }
}

export function ask(
  address: string,
  port: number,
  name: string,
  type: string,
  opts: AskOptions = {},
): Promise<RawReply> {
  const id = nextId++ & 0xffff;
  const payload = opts.udpPayload ?? 1232;
  const msg = dnsPacket.encode({
    id,
    type: 'query',
    flags: opts.rd ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name, type: type as dnsPacket.RecordType, class: 'IN' }],
    additionals:
      payload > 0
        ? [
            {
              type: 'OPT',
              name: '.',
              udpPayloadSize: payload,
              flags: opts.dnssec ? dnsPacket.DNSSEC_OK : 0,
            } as dnsPacket.Answer,
          ]
        : [],
  });
  const timeoutMs = opts.timeoutMs ?? 1000;
  if (opts.tcp) {
    return new Promise((resolve) => {
      const sock = net.connect({ host: address, port });
      let buf = Buffer.alloc(0);
      const done = (raw: Buffer | undefined): void => {
        clearTimeout(timer);
        sock.destroy();
        resolve(finish(id, raw));
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      sock.on('connect', () => {
        const len = Buffer.alloc(2);
        len.writeUInt16BE(msg.length);
        sock.write(Buffer.concat([len, msg]));
      });
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0))
          done(buf.subarray(2, 2 + buf.readUInt16BE(0)));
      });
      sock.on('error', () => done(undefined));
    });
  }
  return new Promise((resolve) => {
    const sock = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    const done = (raw: Buffer | undefined): void => {
      clearTimeout(timer);
      sock.close();
      resolve(finish(id, raw));
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.on('message', (m) => done(m));
    sock.send(msg, port, address);
  });
}

export const names = (rs: dnsPacket.Answer[] | undefined): string[] =>
  (rs ?? []).map((r) => `${r.name} ${r.type}${'data' in r ? ' ' + JSON.stringify(r.data) : ''}`);
