/** A tiny in-test authoritative DNS server set: UDP on several 127.0.53.x addresses sharing one port. */
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';

export type Fault = 'timeout' | 'servfail' | 'refused' | 'noaa' | 'upward';

export interface FakeServer {
  address: string;
  /** Zone apexes served ('' is the root). */
  zones: string[];
  fault?: Fault;
}

interface Rec {
  name: string;
  type: string;
  data: string;
}

const parse = (line: string): Rec => {
  const [name, type, ...rest] = line.trim().split(/\s+/);
  return { name: name === '.' ? '' : name!.toLowerCase(), type: type!.toUpperCase(), data: rest.join(' ') };
};
const below = (n: string, z: string): boolean => z === '' || n === z || n.endsWith('.' + z);
const abs = (n: string): string => (n === '' ? '.' : n);

function toAnswer(r: Rec): dnsPacket.Answer {
  if (r.type === 'SOA') {
    return {
      name: abs(r.name),
      type: 'SOA',
      ttl: 300,
      data: {
        mname: 'ns.' + r.name,
        rname: 'hostmaster.' + r.name,
        serial: 1,
        refresh: 1,
        retry: 1,
        expire: 1,
        minimum: 60,
      },
    } as dnsPacket.Answer;
  }
  return { name: abs(r.name), type: r.type, ttl: 300, data: r.data } as dnsPacket.Answer;
}

/** The authoritative answer of a server holding `zones` (apex -> records). Pure. */
export function answer(
  zones: Map<string, Rec[]>,
  served: string[],
  qname: string,
  qtype: string,
): {
  rcode: 'NOERROR' | 'NXDOMAIN';
  aa: boolean;
  answers: Rec[];
  authorities: Rec[];
  additionals: Rec[];
} | null {
  const zone = served.filter((z) => below(qname, z)).sort((a, b) => b.length - a.length)[0];
  if (zone === undefined) return null;
  const recs = zones.get(zone) ?? [];
  const glueFor = (ns: Rec[]): Rec[] =>
    ns.flatMap((n) =>
      [...zones.values()]
        .flat()
        .filter((r) => r.name === n.data && (r.type === 'A' || r.type === 'AAAA') && below(r.name, zone)),
    );
  // A zone cut below the apex on the way to qname: refer.
  const cut = [
    ...new Set(
      recs.filter((r) => r.type === 'NS' && r.name !== zone && below(qname, r.name)).map((r) => r.name),
    ),
  ].sort((a, b) => a.length - b.length)[0];
  if (cut !== undefined && !(qtype === 'DS' && qname === cut)) {
    const ns = recs.filter((r) => r.type === 'NS' && r.name === cut);
    return { rcode: 'NOERROR', aa: false, answers: [], authorities: ns, additionals: glueFor(ns) };
  }
  const soa = [{ name: zone, type: 'SOA', data: '' }];
  const at = recs.filter((r) => r.name === qname);
  const exact = at.filter((r) => r.type === qtype);
  if (exact.length > 0)
    return { rcode: 'NOERROR', aa: true, answers: exact, authorities: [], additionals: [] };
  const cname = at.filter((r) => r.type === 'CNAME');
  if (cname.length > 0)
    return { rcode: 'NOERROR', aa: true, answers: cname, authorities: [], additionals: [] };
  if (qtype === 'SOA' && qname === zone)
    return { rcode: 'NOERROR', aa: true, answers: soa, authorities: [], additionals: [] };
  const exists = recs.some((r) => below(r.name, qname)) || qname === zone;
  return { rcode: exists ? 'NOERROR' : 'NXDOMAIN', aa: true, answers: [], authorities: soa, additionals: [] };
}

export interface FakeNet {
  port: number;
  /** Queries received per server address. */
  received: Map<string, number>;
  /** Every question received, with its RD flag. */
  log: { address: string; name: string; type: string; rd: boolean }[];
  close(): Promise<void>;
}

/** Starts one UDP socket per server, all on the same port. */
export async function startFakeNet(
  servers: FakeServer[],
  zoneText: Record<string, string[]>,
): Promise<FakeNet> {
  const zones = new Map(Object.entries(zoneText).map(([z, lines]) => [z, lines.map(parse)]));
  for (let attempt = 0; ; attempt++) {
    const socks: dgram.Socket[] = [];
    const received = new Map<string, number>();
    const log: FakeNet['log'] = [];
    try {
      let port = 0;
      for (const s of servers) {
        const sock = dgram.createSocket('udp4');
        socks.push(sock);
        await new Promise<void>((resolve, reject) => {
          sock.once('error', reject);
          sock.bind(port, s.address, () => resolve());
        });
        port = sock.address().port;
        sock.on('message', (msg, rinfo) => {
          received.set(s.address, (received.get(s.address) ?? 0) + 1);
          const q = dnsPacket.decode(msg);
          const question = q.questions![0]!;
          const qname = question.name === '.' ? '' : question.name.toLowerCase();
          log.push({ address: s.address, name: qname, type: question.type, rd: q.flag_rd });
          const reply = (p: Partial<dnsPacket.Packet>): void => {
            sock.send(
              dnsPacket.encode({ id: q.id, type: 'response', questions: q.questions, ...p }),
              rinfo.port,
              rinfo.address,
            );
          };
          if (s.fault === 'timeout') return;
          if (s.fault === 'servfail' || s.fault === 'refused') {
            reply({ flags: s.fault === 'servfail' ? 2 : 5 });
            return;
          }
          if (s.fault === 'upward') {
            reply({ authorities: [{ name: '.', type: 'NS', ttl: 300, data: 'a.root' }] });
            return;
          }
          const a = answer(zones, s.zones, qname, question.type);
          if (!a) {
            reply({ flags: 5 });
            return;
          }
          const aa = a.aa && s.fault !== 'noaa';
          reply({
            flags: (aa ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | (a.rcode === 'NXDOMAIN' ? 3 : 0),
            answers: a.answers.map(toAnswer),
            authorities: a.authorities.map(toAnswer),
            additionals: a.additionals.map(toAnswer),
          });
        });
      }
      return {
        port,
        received,
        log,
        close: () =>
          Promise.all(socks.map((sock) => new Promise<void>((r) => sock.close(() => r())))).then(
            () => undefined,
          ),
      };
    } catch (err) {
      for (const sock of socks) {
        try {
          sock.close();
        } catch {
          // never bound
        }
      }
      if (attempt >= 5) throw err;
    }
  }
}
