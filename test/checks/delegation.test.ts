import type { Delegation, Lookup } from '../../src/dns/api.js';
import type { DnsRecord, QueryOutcome, ServerEndpoint } from '../../src/dns/types.js';
import { judgeDelegation, type DelegationEvidence } from '../../src/checks/delegation/index.js';
import { PROBE_RETRIES } from '../../src/checks/delegation/gather.js';
import { formatRecordShort } from '../../src/checks/delegation/format.js';
import { networkOf } from '../../src/checks/delegation/nsset.js';
import { serialNewer } from '../../src/checks/delegation/consistency.js';
import { codeInfo } from '../../src/report/catalogue.js';
import type { Finding } from '../../src/report/finding.js';
import { nameRef } from '../../src/identifiers.js';

const ZONE = 'example.com';
const NAME = 'www.example.com';
const NS1: ServerEndpoint = { name: 'ns1.example.com', address: '198.51.100.1', port: 53 };
const NS2: ServerEndpoint = { name: 'ns2.example.net', address: '203.0.113.2', port: 53 };

const rec = (name: string, type: string, data: unknown, ttl = 300): DnsRecord => ({
  name,
  type,
  class: 'IN',
  ttl,
  data,
});
const soa = (serial: number): DnsRecord =>
  rec(ZONE, 'SOA', {
    mname: 'ns1.example.com',
    rname: 'hostmaster.example.com',
    serial,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 300,
  });

interface ReplySpec {
  rcode?: string;
  aa?: boolean;
  answers?: DnsRecord[];
  authorities?: DnsRecord[];
}

function reply(server: ServerEndpoint, name: string, type: string, spec: ReplySpec): QueryOutcome {
  return {
    ok: true,
    response: {
      server: `${server.address}:${server.port}`,
      question: { name, type },
      rcode: spec.rcode ?? 'NOERROR',
      flags: { aa: spec.aa ?? true, tc: false, rd: false, ra: false, ad: false, cd: false },
      answers: spec.answers ?? [],
      authorities: spec.authorities ?? [],
      additionals: [],
      rttMs: 3,
      transport: 'udp',
    },
  };
}

const timeout = (server: ServerEndpoint, name: string, type: string): QueryOutcome => ({
  ok: false,
  failure: {
    server: `${server.address}:${server.port}`,
    question: { name, type },
    kind: 'timeout',
    message: 'no reply',
    rttMs: 400,
  },
});

/** A healthy zone's answer to a question; tests replace what a server says. */
function healthy(server: ServerEndpoint, name: string, type: string): QueryOutcome {
  const at = (answers: DnsRecord[]) => reply(server, name, type, { answers });
  if (name === ZONE && type === 'NS')
    return at([rec(ZONE, 'NS', 'ns1.example.com'), rec(ZONE, 'NS', 'ns2.example.net')]);
  if (name === ZONE && type === 'SOA') return at([soa(2026112301)]);
  if (name === NAME && type === 'A') return at([rec(NAME, 'A', '192.0.2.10')]);
  if (name === NAME && type === 'CAA')
    return at([rec(NAME, 'CAA', { flags: 0, tag: 'issue', value: 'letsencrypt.org' })]);
  if (name === `_acme-challenge.${NAME}`)
    return reply(server, name, type, { rcode: 'NXDOMAIN', authorities: [soa(2026112301)] });
  return at([]);
}

type Answerer = (server: ServerEndpoint, name: string, type: string) => QueryOutcome | undefined;

function evidence(
  opts: {
    servers?: ServerEndpoint[];
    parentNs?: string[];
    answer?: Answerer;
    unresolvedNs?: Delegation['unresolvedNs'];
  } = {},
): DelegationEvidence {
  const servers = opts.servers ?? [NS1, NS2];
  const delegation: Delegation = {
    zone: ZONE,
    parentNs: opts.parentNs ?? ['ns1.example.com', 'ns2.example.net'],
    servers,
    unresolvedNs: opts.unresolvedNs ?? [],
  };
  const ask = (name: string, type: string) => ({
    delegation,
    answers: servers.map((server) => ({
      server,
      outcome: opts.answer?.(server, name, type) ?? healthy(server, name, type),
    })),
  });
  return {
    name: NAME,
    zone: delegation,
    ns: ask(ZONE, 'NS'),
    soa: ask(ZONE, 'SOA'),
    data: [
      ...['A', 'AAAA', 'CNAME', 'CAA'].map((t) => ({ name: NAME, type: t, result: ask(NAME, t) })),
      { name: `_acme-challenge.${NAME}`, type: 'TXT', result: ask(`_acme-challenge.${NAME}`, 'TXT') },
    ],
  };
}

const codes = (fs: Finding[]): string[] => fs.map((f) => f.code).sort();
const only = (fs: Finding[], code: string): Finding => {
  const hit = fs.filter((f) => f.code === code);
  expect(hit).toHaveLength(1);
  return hit[0]!;
};

describe('judgeDelegation', () => {
  it('finds nothing wrong with a healthy, diverse two-server zone', () => {
    expect(judgeDelegation(evidence(), NAME)).toEqual([]);
  });

  it('reports a server that answers REFUSED as lame (warning) naming the server and what it said', () => {
    const fs = judgeDelegation(
      evidence({
        answer: (s, n, t) => (s === NS2 ? reply(s, n, t, { rcode: 'REFUSED', aa: false }) : undefined),
      }),
      NAME,
    );
    expect(codes(fs)).toEqual(['DELEGATION_LAME_SERVER']);
    const f = fs[0]!;
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain('ns2.example.net (203.0.113.2)');
    expect(f.detail).toContain('REFUSED');
    expect(f.detail).toMatch(/retries them/);
    expect(f.evidence).toContainEqual(
      expect.objectContaining({
        source: 'ns2.example.net (203.0.113.2)',
        query: 'SOA example.com',
        answer: 'REFUSED',
      }),
    );
    expect(f.remediation).toContain('remove ns2.example.net from the NS records');
    expect(f.acmeProblem).toBeUndefined();
  });

  it('reports a timeout with its duration and warns about waiting for it', () => {
    const fs = judgeDelegation(
      evidence({ answer: (s, n, t) => (s === NS1 ? timeout(s, n, t) : undefined) }),
      NAME,
    );
    const f = only(fs, 'DELEGATION_LAME_SERVER');
    expect(f.evidence.map((e) => e.answer)).toContain('timeout after 400 ms');
    expect(f.detail).toContain('wait for its timeout');
  });

  it('reports a server without the AA bit and one giving an upward referral', () => {
    const fs = judgeDelegation(
      evidence({
        servers: [NS1, NS2, { name: 'ns3.example.org', address: '192.0.2.99', port: 53 }],
        answer: (s, n, t) => {
          if (s === NS1)
            return reply(s, n, t, {
              aa: false,
              answers: healthy(s, n, t).ok
                ? (healthy(s, n, t) as { ok: true; response: { answers: DnsRecord[] } }).response.answers
                : [],
            });
          if (s.name === 'ns3.example.org')
            return reply(s, n, t, { aa: false, authorities: [rec('', 'NS', 'a.root-servers.net')] });
          return undefined;
        },
      }),
      NAME,
    );
    const lame = fs.filter((f) => f.code === 'DELEGATION_LAME_SERVER');
    expect(lame).toHaveLength(2);
    expect(lame.find((f) => f.detail.includes('ns1.example.com'))!.detail).toContain(
      'answer without the AA bit (not authoritative): SOA serial 2026112301',
    );
    expect(lame.find((f) => f.detail.includes('ns3.example.org'))!.detail).toContain(
      'upward referral to . (a.root-servers.net)',
    );
  });

  it('does not count a referral to a child zone as lameness', () => {
    const fs = judgeDelegation(
      evidence({
        answer: (s, n, t) =>
          n.startsWith('_acme-challenge')
            ? reply(s, n, t, {
                aa: false,
                authorities: [rec(`_acme-challenge.${NAME}`, 'NS', 'ns.acme-dns.example.org')],
              })
            : undefined,
      }),
      NAME,
    );
    expect(fs).toEqual([]);
  });

  it('reports all servers lame as an error with the dns problem and the CA message', () => {
    const fs = judgeDelegation(
      evidence({ answer: (s, n, t) => reply(s, n, t, { rcode: 'SERVFAIL', aa: false }) }),
      NAME,
    );
    expect(codes(fs)).toEqual(['DELEGATION_ALL_LAME']);
    const f = fs[0]!;
    expect(f.severity).toBe('error');
    expect(f.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
    expect(f.caMessage).toBe(
      `DNS problem: SERVFAIL looking up A for ${NAME} - the domain's nameservers may be malfunctioning`,
    );
    expect(f.detail).toContain('ns1.example.com (198.51.100.1): SERVFAIL');
    expect(f.evidence.length).toBeGreaterThanOrEqual(2);
  });

  it('uses the timeout wording when every server times out', () => {
    const fs = judgeDelegation(evidence({ answer: (s, n, t) => timeout(s, n, t) }), NAME);
    expect(only(fs, 'DELEGATION_ALL_LAME').caMessage).toBe(
      `DNS problem: query timed out looking up A for ${NAME}`,
    );
  });

  it('treats all servers failing only TXT as a query type failing: fatal for dns-01, a warning for http-01', () => {
    const ev = evidence({
      answer: (s, n, t) => (t === 'TXT' ? reply(s, n, t, { rcode: 'REFUSED' }) : undefined),
    });
    const dns01 = judgeDelegation(ev, NAME, { challenge: 'dns-01' });
    const f = only(dns01, 'DELEGATION_QUERY_TYPE_FAILS');
    expect(f.severity).toBe('error');
    expect(f.caMessage).toContain('looking up TXT for _acme-challenge.www.example.com');
    expect(codes(dns01)).not.toContain('DELEGATION_ALL_LAME');
    const http01 = judgeDelegation(ev, NAME, { challenge: 'http-01' });
    expect(codes(http01)).toEqual(['DELEGATION_QUERY_TYPE_FAILS']);
    expect(only(http01, 'DELEGATION_QUERY_TYPE_FAILS').severity).toBe('warning');
  });

  it('reports a zone that cannot be reached at all (findZone error)', () => {
    const lookup: Lookup = {
      name: NAME,
      type: 'NS',
      status: 'LAME',
      records: [],
      cnames: [],
      finalName: NAME,
      exchanges: [reply(NS1, ZONE, 'NS', { rcode: 'REFUSED', aa: false })],
      message: 'no server of example.com answered authoritatively',
    };
    const fs = judgeDelegation({ name: NAME, zone: { error: lookup }, data: [] }, NAME);
    const f = only(fs, 'DELEGATION_ALL_LAME');
    expect(f.severity).toBe('error');
    expect(f.evidence[0]).toEqual(expect.objectContaining({ source: '198.51.100.1:53', answer: 'REFUSED' }));
    expect(
      judgeDelegation({ name: NAME, zone: { error: { ...lookup, status: 'NXDOMAIN' } }, data: [] }, NAME),
    ).toEqual([]);
    const none = judgeDelegation(
      { name: NAME, zone: { error: { ...lookup, status: 'NO_NAMESERVERS' } }, data: [] },
      NAME,
    );
    expect(only(none, 'DELEGATION_NS_NO_ADDRESS').severity).toBe('error');
  });

  it('reports the NS set differing between parent and child, with the registrar fix', () => {
    const fs = judgeDelegation(evidence({ parentNs: ['ns1.example.com', 'ns3.example.org'] }), NAME);
    const f = only(fs, 'DELEGATION_NS_MISMATCH');
    expect(f.detail).toContain('Only at the parent: ns3.example.org.');
    expect(f.detail).toContain('Only in the zone: ns2.example.net.');
    expect(f.remediation).toContain(
      'Update the NS records at the registrar to match the zone: ns1.example.com, ns2.example.net',
    );
    expect(f.evidence[0]).toEqual(
      expect.objectContaining({ query: 'NS example.com', answer: 'NS ns1.example.com, NS ns3.example.org' }),
    );
  });

  it('reports a nameserver name with no address', () => {
    const fs = judgeDelegation(
      evidence({
        parentNs: ['ns1.example.com', 'ns2.example.net'],
        unresolvedNs: [{ name: 'ns3.example.com', reason: 'NXDOMAIN for A and AAAA' }],
      }),
      NAME,
    );
    const f = only(fs, 'DELEGATION_NS_NO_ADDRESS');
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain('ns3.example.com has no usable address (NXDOMAIN for A and AAAA)');
    expect(f.remediation).toContain('glue at the registrar for ns3.example.com');
  });

  it('fails when no nameserver has an address', () => {
    const fs = judgeDelegation(
      evidence({
        servers: [],
        unresolvedNs: [
          { name: 'ns1.example.com', reason: 'no glue and NXDOMAIN' },
          { name: 'ns2.example.net', reason: 'SERVFAIL' },
        ],
      }),
      NAME,
    );
    const f = only(fs, 'DELEGATION_NS_NO_ADDRESS');
    expect(f.severity).toBe('error');
    expect(f.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
    expect(f.detail).toContain('No nameserver of example.com can be reached');
  });

  it('skips NS-set hygiene for a registry zone (the name has no zone of its own)', () => {
    const ev = evidence({ servers: [NS1], parentNs: ['a.gtld-servers.net'] });
    const com = { ...ev, zone: { ...(ev.zone as Delegation), zone: 'com' } };
    expect(judgeDelegation(com, NAME)).toEqual([]);
    expect(codes(judgeDelegation(ev, NAME))).toEqual(['DELEGATION_NS_MISMATCH']);
  });

  it('reports differing SOA serials with the per-server serial and the secondary to reload', () => {
    const fs = judgeDelegation(
      evidence({
        answer: (s, n, t) =>
          s === NS2 && t === 'SOA' ? reply(s, n, t, { answers: [soa(2026112300)] }) : undefined,
      }),
      NAME,
    );
    const f = only(fs, 'DELEGATION_SOA_SERIAL_MISMATCH');
    expect(f.detail).toContain('ns1.example.com (198.51.100.1) SOA serial 2026112301');
    expect(f.detail).toContain('ns2.example.net (203.0.113.2) SOA serial 2026112300');
    expect(f.remediation).toBe(
      'reload the secondary ns2.example.net or fix its zone transfer from the primary; it serves serial 2026112300, the primary (ns1.example.com) 2026112301.',
    );
    expect(f.evidence.map((e) => e.answer)).toEqual(['SOA serial 2026112301', 'SOA serial 2026112300']);
  });

  it('reports a forgotten secondary serving an old A record: which server says what, and which is stale', () => {
    const fs = judgeDelegation(
      evidence({
        answer: (s, n, t) => {
          if (s !== NS2) return undefined;
          if (t === 'SOA') return reply(s, n, t, { answers: [soa(2026112300)] });
          if (n === NAME && t === 'A') return reply(s, n, t, { answers: [rec(NAME, 'A', '192.0.2.1')] });
          return undefined;
        },
      }),
      NAME,
    );
    expect(codes(fs)).toEqual(['DELEGATION_SERVERS_DISAGREE', 'DELEGATION_SOA_SERIAL_MISMATCH']);
    const f = only(fs, 'DELEGATION_SERVERS_DISAGREE');
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('Authoritative servers disagree about A www.example.com');
    expect(f.detail).toContain(
      'ns1.example.com (198.51.100.1) says A 192.0.2.10; ns2.example.net (203.0.113.2) says A 192.0.2.1',
    );
    expect(f.detail).toContain('a forgotten secondary');
    expect(f.detail).toContain('may see either answer');
    expect(f.remediation).toContain('ns2.example.net (serial 2026112300) serves an older copy');
    expect(f.remediation).toContain('answers A www.example.com with A 192.0.2.10');
  });

  it('says which server gives NXDOMAIN where the others answer', () => {
    const fs = judgeDelegation(
      evidence({
        answer: (s, n, t) =>
          s === NS1 && n.startsWith('_acme')
            ? reply(s, n, t, { answers: [rec(n, 'TXT', [Buffer.from('tok')])] })
            : undefined,
      }),
      NAME,
    );
    const f = only(fs, 'DELEGATION_SERVERS_DISAGREE');
    expect(f.detail).toContain(
      'ns2.example.net (203.0.113.2) answers NXDOMAIN where ns1.example.com (198.51.100.1) TXT "tok"',
    );
    expect(f.remediation).toContain(
      'Make every nameserver of example.com serve the same data for TXT _acme-challenge.www.example.com',
    );
    // TXT matters only to dns-01
    const http01 = judgeDelegation(
      evidence({
        answer: (s, n, t) =>
          s === NS1 && n.startsWith('_acme')
            ? reply(s, n, t, { answers: [rec(n, 'TXT', [Buffer.from('tok')])] })
            : undefined,
      }),
      NAME,
      { challenge: 'http-01' },
    );
    expect(only(http01, 'DELEGATION_SERVERS_DISAGREE').severity).toBe('info');
  });

  it('ignores TTL and order differences between servers', () => {
    const fs = judgeDelegation(
      evidence({
        answer: (s, n, t) =>
          n === NAME && t === 'A'
            ? reply(s, n, t, {
                answers:
                  s === NS1
                    ? [rec(NAME, 'A', '192.0.2.1', 60), rec(NAME, 'A', '192.0.2.2')]
                    : [rec(NAME, 'A', '192.0.2.2', 90), rec(NAME, 'A', '192.0.2.1')],
              })
            : undefined,
      }),
      NAME,
    );
    expect(fs).toEqual([]);
  });

  it('warns about a single nameserver', () => {
    const fs = judgeDelegation(
      evidence({
        servers: [NS1],
        parentNs: ['ns1.example.com'],
        answer: (s, n, t) =>
          t === 'NS' ? reply(s, n, t, { answers: [rec(ZONE, 'NS', 'ns1.example.com')] }) : undefined,
      }),
      NAME,
    );
    expect(codes(fs)).toEqual(['DELEGATION_SINGLE_NS']);
    expect(fs[0]!.detail).toContain('one nameserver only, ns1.example.com');
  });

  it('warns when every nameserver sits in one /24', () => {
    const a = { ...NS1, address: '198.51.100.1' };
    const b = { ...NS2, address: '198.51.100.200' };
    const fs = judgeDelegation(evidence({ servers: [a, b] }), NAME);
    const f = only(fs, 'DELEGATION_SAME_SUBNET');
    expect(f.detail).toContain('198.51.100.0/24');
    expect(f.evidence.map((e) => e.address)).toEqual(['198.51.100.1', '198.51.100.200']);
  });

  it('reads IPv6 networks as /48', () => {
    expect(networkOf('2001:db8:1:2::53')).toBe('2001:db8:1::/48');
    expect(networkOf('2001:db8:2::53')).toBe('2001:db8:2::/48');
    expect(networkOf('192.0.2.77')).toBe('192.0.2.0/24');
    const fs = judgeDelegation(
      evidence({
        servers: [
          { ...NS1, address: '2001:db8:1:1::1' },
          { ...NS2, address: '2001:db8:1:2::1' },
        ],
      }),
      NAME,
    );
    expect(only(fs, 'DELEGATION_SAME_SUBNET').detail).toContain('2001:db8:1::/48');
  });

  it('compares serials with RFC 1982 arithmetic', () => {
    expect(serialNewer(2, 1)).toBe(true);
    expect(serialNewer(1, 2 ** 32 - 1)).toBe(true); // wrapped
    expect(serialNewer(2 ** 32 - 1, 1)).toBe(false);
  });

  it('formats records in presentation form', () => {
    expect(formatRecordShort(rec('x', 'A', '127.0.2.1'))).toBe('A 127.0.2.1');
    expect(formatRecordShort(soa(2026112301))).toBe('SOA serial 2026112301');
    expect(formatRecordShort(rec('x', 'TXT', [Buffer.from('a"b'), Buffer.from('c')]))).toBe(
      'TXT "a\\"b" "c"',
    );
    expect(formatRecordShort(rec('x', 'CAA', { flags: 128, tag: 'issue', value: 'letsencrypt.org' }))).toBe(
      'CAA 128 issue "letsencrypt.org"',
    );
    expect(formatRecordShort(rec('x', 'CNAME', 'target.example.net'))).toBe('CNAME target.example.net');
  });

  it('documents every code it emits', () => {
    for (const c of [
      'DELEGATION_ALL_LAME',
      'DELEGATION_LAME_SERVER',
      'DELEGATION_NS_MISMATCH',
      'DELEGATION_NS_NO_ADDRESS',
      'DELEGATION_SOA_SERIAL_MISMATCH',
      'DELEGATION_SERVERS_DISAGREE',
      'DELEGATION_SINGLE_NS',
      'DELEGATION_SAME_SUBNET',
    ]) {
      expect(codeInfo(c).description.length).toBeGreaterThan(20);
    }
    expect(codeInfo('DELEGATION_ALL_LAME').acmeProblem).toBe('dns');
  });
});

describe('gatherDelegation', () => {
  it('finds the zone, then asks every server NS, SOA and the CA questions (wildcard stripped)', async () => {
    const { gatherDelegation } = await import('../../src/checks/delegation/index.js');
    const asked: string[] = [];
    const base = evidence();
    const ev = await gatherDelegation(
      {
        // No CNAMEs: no target zone to gather.
        resolve: async (n, t) => ({
          name: n,
          type: t,
          status: 'NOERROR',
          records: [],
          cnames: [],
          finalName: n,
          exchanges: [],
        }),
        findZone: async (n) => {
          asked.push(`zone ${n}`);
          return base.zone as Delegation;
        },
        askAll: async (n, t, o) => {
          asked.push(`${t} ${n}${o ? ' ' + JSON.stringify(o) : ''}`);
          return base.ns!;
        },
      },
      nameRef('*.WWW.example.com'),
    );
    expect(ev.name).toBe(NAME);
    expect(asked[0]).toBe('zone www.example.com');
    expect(asked.slice(1).sort()).toEqual(
      [
        'NS example.com',
        'SOA example.com',
        // The transport probes: TCP, no EDNS, EDNS version 1, DO bit; with PROBE_RETRIES retries each.
        `SOA example.com {"tcp":true,"retries":${PROBE_RETRIES}}`,
        `SOA example.com {"udpPayload":0,"retries":${PROBE_RETRIES}}`,
        `SOA example.com {"ednsVersion":1,"retries":${PROBE_RETRIES}}`,
        `SOA example.com {"dnssec":true,"retries":${PROBE_RETRIES}}`,
        `A ${NAME}`,
        `AAAA ${NAME}`,
        `CNAME ${NAME}`,
        `CAA ${NAME}`,
        `TXT _acme-challenge.${NAME}`,
      ].sort(),
    );
    expect(ev.data.map((q) => `${q.type} ${q.name}`)).toContain(`TXT _acme-challenge.${NAME}`);
  });
});
