/**
 * Hostile DNS servers, one row each, through preflight(): malformed and spoofed packets, CNAME and
 * referral loops, truncation tricks, huge answers, reserved glue, slow answers. Each row's zone rN.test is
 * delegated by the lab to its own hostile server at 127.19.1.(N+1). Every row must end within BOUND_MS
 * (the 4 s name deadline plus slack for a loaded 2-core machine), end in well-formed findings (no stack
 * trace, no "undefined", no control character in any renderer), and contact nothing but the world's own
 * addresses (connect()/send() trace). The whole table runs at once; heap growth is bounded for all of it.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { preflight } from '../../src/engine/preflight.js';
import type { Report } from '../../src/report/report.js';
import type { Challenge } from '../../src/report/finding.js';
import { MAX_CNAME_CHAIN, MAX_QUERIES_PER_LOOKUP } from '../../src/dns/limits.js';
import { argsForProfile } from '../../src/config/profile.js';
import { authority, dnsOverTcp, reply, type Script } from './servers.js';
import {
  builtCli,
  inPool,
  NAME_DEADLINE_MS,
  expectWellFormed,
  forbidden,
  measure,
  startWorld,
  traceSockets,
  type ChildRun,
  type Cost,
  type Target,
  type World,
} from './world.js';

/** Per row: the name deadline plus slack for a loaded machine; well under a minute. */
const BOUND_MS = NAME_DEADLINE_MS + 6000;
/** Heap growth for the whole table run at once. */
const HEAP_BOUND = 200 * 1024 * 1024;
/** The built CLI with every row at once: names run in parallel, so about two name deadlines. */
const CLI_KILL_MS = 3 * NAME_DEADLINE_MS + 10_000;

interface Ctx {
  zone: string;
  address: string;
  /** The well-behaved answer for a query (authority() of the row's zone). */
  good: (q: dnsPacket.DecodedPacket) => Buffer;
}

interface Row {
  what: string;
  udp?: (c: Ctx) => Script;
  tcp?: (c: Ctx) => (conn: net.Socket) => void;
  /** Glue for ns.rN.test instead of the row's own address (records of the parent zone). */
  glue?: string[];
  challenge?: Challenge;
  /** 'fail': the CA could not validate either; 'held': the hostile noise is ignored, as for the clean zone. */
  want: 'fail' | 'held';
  check?: (r: Report, c: Ctx & { targets: Target[] }) => void;
}

const qname = (q: dnsPacket.DecodedPacket): string =>
  (q.questions?.[0]?.name ?? '').toLowerCase().replace(/\.$/, '');
const qtype = (q: dnsPacket.DecodedPacket): string => String(q.questions?.[0]?.type ?? '');
const isAcme = (q: dnsPacket.DecodedPacket): boolean => qname(q).startsWith('_acme-challenge.');

/** The question section of a raw query (name, type, class). */
function questionBytes(raw: Buffer): Buffer {
  let i = 12;
  while (raw[i]! !== 0) i += raw[i]! + 1;
  return raw.subarray(12, i + 5);
}
/** A response header for raw's ID with the given counts. */
function header(raw: Buffer, counts: [number, number, number, number], flags = 0x8400): Buffer {
  const h = Buffer.alloc(12);
  raw.copy(h, 0, 0, 2);
  h.writeUInt16BE(flags, 2);
  counts.forEach((n, k) => h.writeUInt16BE(n, 4 + 2 * k));
  return h;
}
const answerA = (name: string, data: string) => ({ name, type: 'A' as const, ttl: 60, data });
const txt = (name: string, data: string[]) => ({ name, type: 'TXT' as const, ttl: 60, data });
const withTc = (b: Buffer): Buffer => {
  const out = Buffer.from(b);
  out.writeUInt16BE(out.readUInt16BE(2) | 0x0200, 2);
  return out;
};
/** A UDP reply with only the header and question, TC set: "ask again over TCP". */
const truncated: (c: Ctx) => Script = () => (q, send) => send(withTc(reply(q)));
const CNAME = (name: string, to: string) => ({ name, type: 'CNAME' as const, ttl: 60, data: to });
const codes = (r: Report): string[] => r.identifiers.flatMap((i) => i.findings.map((f) => f.code));
const text = (r: Report): string => JSON.stringify(r);

const ROWS: Row[] = [
  // Malformed and spoofed packets
  { what: 'one junk byte for every query', udp: () => (_q, send) => send(Buffer.from([0x42])), want: 'fail' },
  { what: 'an empty datagram for every query', udp: () => (_q, send) => send(Buffer.alloc(0)), want: 'fail' },
  {
    what: 'a header that claims 65,535 answers and carries none',
    udp: () => (_q, send, raw) => send(Buffer.concat([header(raw, [1, 65535, 0, 0]), questionBytes(raw)])),
    want: 'fail',
  },
  {
    what: 'an answer whose owner name is a compression pointer to itself',
    udp: () => (_q, send, raw) => {
      const qb = questionBytes(raw);
      const at = 12 + qb.length;
      const rr = Buffer.from([0xc0 | (at >> 8), at & 0xff, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 19, 9, 9]);
      send(Buffer.concat([header(raw, [1, 1, 0, 0]), qb, rr]));
    },
    want: 'fail',
  },
  {
    what: 'an answer with an owner name longer than 255 bytes',
    udp: () => (_q, send, raw) => {
      const label = Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x61)]);
      const long = Buffer.concat([label, label, label, label, label, Buffer.from([0])]);
      const rr = Buffer.concat([long, Buffer.from([0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 19, 9, 9])]);
      send(Buffer.concat([header(raw, [1, 1, 0, 0]), questionBytes(raw), rr]));
    },
    want: 'fail',
  },
  {
    what: 'every reply cut inside its last record',
    udp: (c) => (q, send) => {
      const full = isAcme(q) ? reply(q, { answers: [txt(qname(q), ['cut-here-value'])] }) : c.good(q);
      send(full.subarray(0, full.length - 3));
    },
    want: 'fail',
  },
  {
    what: 'an A record with an rdlength of 1',
    challenge: 'http-01',
    udp: (c) => (q, send, raw) => {
      if (!(qname(q) === `www.${c.zone}` && qtype(q) === 'A')) return send(c.good(q));
      const rr = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 1, 127, 19, 9, 9]);
      send(Buffer.concat([header(raw, [1, 1, 0, 0]), questionBytes(raw), rr]));
    },
    want: 'fail',
    check: (r, c) => {
      expect(text(r)).toMatch(/RDLENGTH 1/);
      expect(c.targets.filter((t) => t.proto === 'tcp' && t.host.startsWith('127.19.9.'))).toEqual([]);
    },
  },
  {
    what: 'every reply with a wrong message ID',
    udp: (c) => (q, send) => send(c.good({ ...q, id: (q.id! + 1) & 0xffff })),
    want: 'fail',
  },
  {
    what: 'answers to another question (spoofed name)',
    udp: (c) => (q, send) =>
      send(c.good({ ...q, questions: [{ name: `evil.${c.zone}`, type: 'A', class: 'IN' }] })),
    want: 'fail',
  },
  {
    what: 'the real answer sent only from another port and another address (off-path spoof)',
    udp: (c) => (q, _send, _raw, from) => {
      // The authority itself stays silent; forgers with the right ID and port answer instead.
      const out = c.good(q);
      for (const s of spoofers(c.address)) void s.then((x) => x.send(out, from.port, from.address));
    },
    want: 'fail',
  },
  {
    what: 'the query echoed back (QR=0)',
    udp: () => (_q, send, raw) => send(Buffer.from(raw)),
    want: 'fail',
  },
  {
    what: 'junk, a wrong ID and a cut reply before the real answer',
    udp: (c) => (q, send) => {
      send(Buffer.from([0xff]));
      send(c.good({ ...q, id: (q.id! + 7) & 0xffff }));
      const g = c.good(q);
      send(g.subarray(0, Math.max(13, g.length - 2)));
      send(g, 30);
    },
    want: 'held',
  },
  {
    what: 'NXDOMAIN carrying an A record',
    challenge: 'http-01',
    udp: (c) => (q, send) =>
      qname(q) === `www.${c.zone}` && qtype(q) === 'A'
        ? send(reply(q, { rcode: 'NXDOMAIN', answers: [answerA(qname(q), '127.19.9.1')] }))
        : send(c.good(q)),
    want: 'fail',
    check: (r, c) => {
      expect(codes(r)).not.toContain('DNS_RESOLVED');
      expect(c.targets.filter((t) => t.host === '127.19.9.1')).toEqual([]);
    },
  },
  // Loops
  {
    what: 'a CNAME to itself',
    challenge: 'http-01',
    udp: (c) => (q, send) =>
      qname(q) === `www.${c.zone}`
        ? send(reply(q, { answers: [CNAME(qname(q), qname(q))] }))
        : send(c.good(q)),
    want: 'fail',
  },
  {
    what: 'a CNAME loop of two names',
    challenge: 'http-01',
    udp: (c) => (q, send) => {
      const n = qname(q);
      if (n === `www.${c.zone}`) return send(reply(q, { answers: [CNAME(n, `loop.${c.zone}`)] }));
      if (n === `loop.${c.zone}`) return send(reply(q, { answers: [CNAME(n, `www.${c.zone}`)] }));
      send(c.good(q));
    },
    want: 'fail',
  },
  {
    what: `a chain of 40 CNAMEs (the CA follows ${MAX_CNAME_CHAIN})`,
    challenge: 'http-01',
    udp: (c) => (q, send) => {
      const n = qname(q);
      const m = /^(?:www|c(\d+))\./.exec(n);
      if (!m || !n.endsWith(c.zone)) return send(c.good(q));
      const k = m[1] === undefined ? 0 : Number(m[1]);
      if (k >= 40) return send(reply(q, { answers: [answerA(n, c.address)] }));
      send(reply(q, { answers: [CNAME(n, `c${k + 1}.${c.zone}`)] }));
    },
    want: 'fail',
    check: (r) => expect(r.stats.dnsQueries).toBeLessThan(40 * 4),
  },
  {
    what: 'a zone that delegates to itself for every name',
    udp: (c) => (q, send) =>
      send(
        dnsPacket.encode({
          id: q.id,
          type: 'response',
          flags: 0,
          questions: q.questions,
          authorities: [{ name: c.zone, type: 'NS', ttl: 60, data: `ns.${c.zone}` }],
          additionals: [answerA(`ns.${c.zone}`, c.address)],
        }),
      ),
    want: 'fail',
  },
  {
    what: 'an upward referral to the root for every name',
    udp: () => (q, send) =>
      send(
        dnsPacket.encode({
          id: q.id,
          type: 'response',
          flags: 0,
          questions: q.questions,
          authorities: [{ name: '.', type: 'NS', ttl: 60, data: 'a.root' }],
          additionals: [answerA('a.root', '127.19.0.1')],
        }),
      ),
    want: 'fail',
  },
  {
    what: 'endless deeper referrals, each to 20 fresh unglued NS names (NXNS)',
    udp: (c) => {
      let k = 0;
      return (q, send) => {
        const n = qname(q);
        k++;
        send(
          dnsPacket.encode({
            id: q.id,
            type: 'response',
            flags: 0,
            questions: q.questions,
            authorities: Array.from({ length: 20 }, (_, j) => ({
              name: n,
              type: 'NS' as const,
              ttl: 60,
              data: `ns${j}.x${k}.${c.zone}`,
            })),
          }),
        );
      };
    },
    want: 'fail',
    check: (r) => expect(r.stats.dnsQueries).toBeLessThan(6 * MAX_QUERIES_PER_LOOKUP),
  },
  // Truncation tricks
  { what: 'TC on every UDP reply, nothing listening on TCP', udp: truncated, want: 'fail' },
  {
    what: 'TC on every UDP reply, TCP accepts and never answers',
    udp: truncated,
    tcp: () => () => undefined,
    want: 'fail',
  },
  {
    what: 'TC on every UDP reply and on every TCP reply (a TC loop)',
    udp: truncated,
    tcp: () => dnsOverTcp((q, send) => send(withTc(reply(q)))),
    // The TCP answer is final, TC or not (no retry loop): an empty authoritative answer.
    want: 'held',
  },
  {
    what: 'TC on UDP, TCP trickles the answer one byte every 100 ms',
    udp: truncated,
    tcp: (c) =>
      dnsOverTcp((q, _send, conn) => {
        const g = c.good(q);
        const framed = Buffer.concat([Buffer.from([g.length >> 8, g.length & 0xff]), g]);
        let i = 0;
        const t = setInterval(() => {
          if (conn.destroyed || i >= framed.length) return clearInterval(t);
          conn.write(framed.subarray(i, ++i));
        }, 100);
        conn.on('close', () => clearInterval(t));
      }),
    want: 'fail',
  },
  {
    what: 'TC on UDP, TCP sends a 65,535-byte length prefix and then nothing',
    udp: truncated,
    tcp: () => dnsOverTcp((_q, _send, conn) => void conn.write(Buffer.from([0xff, 0xff, 0x00]))),
    want: 'fail',
  },
  {
    what: 'TC on UDP, TCP floods replies with wrong IDs',
    udp: truncated,
    tcp: (c) =>
      dnsOverTcp((q, send, conn) => {
        const g = c.good({ ...q, id: (q.id! + 1) & 0xffff });
        const t = setInterval(() => {
          if (conn.destroyed) return clearInterval(t);
          for (let i = 0; i < 20; i++) send(g);
        }, 10);
        conn.on('close', () => clearInterval(t));
      }),
    want: 'fail',
  },
  {
    what: 'TC on UDP, TCP answers and then sends 1 MB of junk',
    udp: truncated,
    tcp: (c) =>
      dnsOverTcp((q, send, conn) => {
        send(c.good(q));
        conn.write(Buffer.alloc(1024 * 1024, 0x41));
      }),
    want: 'held',
  },
  // Huge answers
  {
    what: 'a 64 KB TXT RRset over TCP (1,000 strings) at _acme-challenge',
    udp: (c) => (q, send) => (isAcme(q) ? send(withTc(reply(q))) : send(c.good(q))),
    tcp: (c) =>
      dnsOverTcp((q, send) => {
        if (!isAcme(q)) return send(c.good(q));
        const strings = Array.from({ length: 1000 }, (_, i) => `v${i}-${'x'.repeat(50)}`);
        const rrs = Array.from({ length: 1000 }, (_, i) => txt(qname(q), [strings[i]!]));
        let n = rrs.length;
        while (n > 0 && reply(q, { answers: rrs.slice(0, n) }).length > 65535) n -= 20;
        send(reply(q, { answers: rrs.slice(0, n) }));
      }),
    want: 'held',
    check: (r) => expect(text(r).length).toBeLessThan(2 * 1024 * 1024),
  },
  {
    what: 'a UDP datagram of about 60 KB, beyond the 1,232-byte EDNS size asked for',
    udp: (c) => (q, send) => {
      if (!(isAcme(q) && qtype(q) === 'TXT')) return send(c.good(q));
      // dns-packet does not compress owner names: as many records as fit in one datagram.
      const rrs = Array.from({ length: 1000 }, (_, i) => txt(qname(q), [`u${i}${'y'.repeat(60)}`]));
      let n = rrs.length;
      while (n > 0 && reply(q, { answers: rrs.slice(0, n) }).length > 65000) n -= 10;
      send(reply(q, { answers: rrs.slice(0, n) }));
    },
    want: 'held',
  },
  {
    what: 'a CAA RRset of 1,500 records',
    udp: (c) => (q, send) =>
      qtype(q) === 'CAA' && qname(q) === `www.${c.zone}` ? send(withTc(reply(q))) : send(c.good(q)),
    tcp: (c) =>
      dnsOverTcp((q, send) => {
        if (!(qtype(q) === 'CAA' && qname(q) === `www.${c.zone}`)) return send(c.good(q));
        const caa = Array.from({ length: 1500 }, (_, i) => ({
          name: qname(q),
          type: 'CAA' as const,
          ttl: 60,
          data: { flags: 0, tag: 'issue' as const, value: `ca${i}.example` },
        }));
        let n = caa.length;
        while (n > 0 && reply(q, { answers: caa.slice(0, n) }).length > 65535) n -= 50;
        send(reply(q, { answers: caa.slice(0, n) }));
      }),
    // The CA refuses too: CAA names other CAs only.
    want: 'fail',
    check: (r) => expect(codes(r).some((k) => k.startsWith('CAA_'))).toBe(true),
  },
  // Reserved glue: never queried
  ...[
    ['169.254.169.254'],
    ['10.0.0.53'],
    ['0.0.0.0'],
    ['192.168.1.1', '100.64.0.1'],
    ['::ffff:169.254.169.254'],
    ['64:ff9b::a9fe:a9fe', '::169.254.169.254', 'fe80::1'],
  ].map((glue): Row => ({
    what: `glue only at reserved ${glue.join(', ')}`,
    glue,
    want: 'fail',
    check: (r) => expect(text(r)).toMatch(/reserved/),
  })),
  // Slow answers
  {
    what: 'every answer 400 ms late (just under the 500 ms query timeout)',
    udp: (c) => (q, send) => send(c.good(q), 400),
    want: 'held',
  },
  {
    what: 'every first attempt dropped (answers only the retry)',
    udp: (c) => {
      const seen = new Set<string>();
      return (q, send) => {
        const key = `${qname(q)}|${qtype(q)}`;
        if (seen.has(key)) return send(c.good(q));
        seen.add(key);
      };
    },
    want: 'held',
  },
];

/** Forgers: a socket on the server's own address (another port) and one on another address. */
const forgers: Promise<dgram.Socket>[] = [];
function spoofers(address: string): Promise<dgram.Socket>[] {
  if (forgers.length === 0) {
    for (const at of [address, '127.19.3.1']) {
      forgers.push(
        new Promise((r) => {
          const s = dgram.createSocket('udp4');
          s.bind(0, at, () => r(s));
        }),
      );
    }
  }
  return forgers;
}

const zoneOf = (i: number): string => `r${i}.test`;
const addressOf = (i: number): string => `127.19.1.${i + 1}`;

describe('hostile DNS servers, one per row, through preflight()', () => {
  let world: World;
  let trace: ReturnType<typeof traceSockets>;
  let baseline: Report;
  const results = new Map<number, Cost<Report>>();
  let child: ChildRun;
  let heapGrowth = 0;

  beforeAll(async () => {
    const ctxs = ROWS.map((_, i): Ctx => ({
      zone: zoneOf(i),
      address: addressOf(i),
      good: authority(zoneOf(i), addressOf(i)),
    }));
    const clean = { zone: 'clean.test', address: '127.19.2.1', good: authority('clean.test', '127.19.2.1') };
    world = await startWorld({
      records: [
        ...ROWS.flatMap((row, i) => [
          `${zoneOf(i)}. 300 IN NS ns.${zoneOf(i)}.`,
          ...(row.glue ?? [addressOf(i)]).map(
            (a) => `ns.${zoneOf(i)}. 300 IN ${a.includes(':') ? 'AAAA' : 'A'} ${a}`,
          ),
        ]),
        'clean.test. 300 IN NS ns.clean.test.',
        'ns.clean.test. 300 IN A 127.19.2.1',
      ],
      dns: [
        ...ROWS.map((row, i) => {
          const c = ctxs[i]!;
          const udp: Script = row.udp?.(c) ?? ((q, send) => send(c.good(q)));
          return {
            address: c.address,
            udp,
            ...(row.tcp ? { tcp: row.tcp(c) } : {}),
          };
        }),
        { address: clean.address, udp: (q, send) => send(clean.good(q)) },
      ],
    });
    trace = traceSockets();
    baseline = await preflight(['www.clean.test'], { profile: world.profile, challenge: 'dns-01' });
    const heap = process.memoryUsage().heapUsed;
    await inPool(
      ROWS.map((row, i) => async () => {
        results.set(
          i,
          await measure(() =>
            preflight([`www.${zoneOf(i)}`], { profile: world.profile, challenge: row.challenge ?? 'dns-01' }),
          ),
        );
      }),
    );
    heapGrowth = process.memoryUsage().heapUsed - heap;
    // Every row in one run of the built CLI, as a user would meet them: its peak RSS is the bound.
    child = await builtCli(
      [
        'check',
        ...ROWS.map((_, i) => `www.${zoneOf(i)}`),
        '--challenge',
        'dns-01',
        '--format',
        'json',
        ...argsForProfile(world.profile),
      ],
      CLI_KILL_MS,
    );
  }, 120_000);

  afterAll(async () => {
    trace?.restore();
    for (const f of forgers) (await f).close();
    await world?.stop();
  });

  it.each(ROWS.map((row, i) => [row.what, i] as const))('%s', (_what, i) => {
    const row = ROWS[i]!;
    const { value: report, ms } = results.get(i)!;
    expect(ms).toBeLessThan(BOUND_MS);
    expectWellFormed(report);
    const verdict = report.identifiers[0]!.verdict;
    if (row.want === 'fail') expect(verdict).toBe('fail');
    else expect(verdict).toBe(baseline.identifiers[0]!.verdict);
    row.check?.(report, {
      zone: zoneOf(i),
      address: addressOf(i),
      good: authority(zoneOf(i), addressOf(i)),
      targets: trace.targets(),
    });
  });

  it('the clean zone the rows are compared with passes its DNS checks (the table can fail)', () => {
    expect(baseline.identifiers[0]!.verdict).not.toBe('fail');
    expect(codes(baseline)).toContain('DNS01_LOOKUP_OK');
  });

  it(`the whole table at once grows the heap by less than ${HEAP_BOUND / 1024 / 1024} MB`, () => {
    expect(heapGrowth).toBeLessThan(HEAP_BOUND);
  });

  it(`the built CLI checks all ${ROWS.length} rows at once: ends by itself, peak RSS under 200 MB, nothing outside the world`, () => {
    expect(child.killed).toBe(false);
    expect(child.ms).toBeLessThan(CLI_KILL_MS);
    expect(child.maxRssKb).toBeLessThan(200 * 1024);
    expect(child.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const report = JSON.parse(child.stdout) as Report;
    expect(report.identifiers).toHaveLength(ROWS.length);
    expect(child.targets.length).toBeGreaterThan(ROWS.length);
    expect(forbidden(child.targets, world.addresses)).toEqual([]);
  });

  it('no packet or connection went anywhere but the world (reserved glue included)', () => {
    const targets = trace.targets();
    expect(targets.length).toBeGreaterThan(ROWS.length);
    expect(forbidden(targets, world.addresses)).toEqual([]);
  });
});
