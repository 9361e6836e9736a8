import type { Delegation } from '../../src/dns/api.js';
import type { DnsRecord, QueryOutcome, ServerEndpoint } from '../../src/dns/types.js';
import {
  gatherPropagation,
  judgePropagation,
  type PropagationEvidence,
  type ResolverReply,
} from '../../src/checks/propagation/index.js';
import type { AskAllResult } from '../../src/checks/delegation/index.js';
import type { Finding } from '../../src/report/finding.js';

const ZONE = 'example.com';
const NAME = 'www.example.com';
const NS1: ServerEndpoint = { name: 'ns1.example.com', address: '198.51.100.1', port: 53 };
const NS2: ServerEndpoint = { name: 'ns2.example.net', address: '203.0.113.2', port: 53 };
const GOOGLE: ServerEndpoint = { name: 'Google', address: '8.8.8.8', port: 53 };
const CLOUDFLARE: ServerEndpoint = { name: 'Cloudflare', address: '1.1.1.1', port: 53 };
const QUAD9: ServerEndpoint = { name: 'Quad9', address: '9.9.9.9', port: 53 };

const rec = (name: string, type: string, data: unknown, ttl = 3600): DnsRecord => ({
  name,
  type,
  class: 'IN',
  ttl,
  data,
});
const soa = (ttl: number): DnsRecord =>
  rec(
    ZONE,
    'SOA',
    {
      mname: 'ns1.example.com',
      rname: 'h.example.com',
      serial: 1,
      refresh: 1,
      retry: 1,
      expire: 1,
      minimum: 300,
    },
    ttl,
  );

function reply(
  server: ServerEndpoint,
  name: string,
  type: string,
  answers: DnsRecord[],
  o: { rcode?: string; aa?: boolean; authorities?: DnsRecord[] } = {},
): QueryOutcome {
  return {
    ok: true,
    response: {
      server: `${server.address}:${server.port}`,
      question: { name, type },
      rcode: o.rcode ?? 'NOERROR',
      flags: { aa: o.aa ?? true, tc: false, rd: true, ra: !(o.aa ?? true), ad: false, cd: false },
      answers,
      authorities: o.authorities ?? [],
      additionals: [],
      rttMs: 5,
      transport: 'udp',
    },
  };
}
const recursive = (
  r: ServerEndpoint,
  name: string,
  type: string,
  answers: DnsRecord[],
  o: { rcode?: string; authorities?: DnsRecord[] } = {},
) => reply(r, name, type, answers, { ...o, aa: false });

const delegation: Delegation = {
  zone: ZONE,
  parentNs: ['ns1.example.com', 'ns2.example.net'],
  servers: [NS1, NS2],
  unresolvedNs: [],
};
const authority = (per: (s: ServerEndpoint) => QueryOutcome): AskAllResult => ({
  delegation,
  answers: [NS1, NS2].map((server) => ({ server, outcome: per(server) })),
});

function ev(type: string, auth: AskAllResult, resolvers: ResolverReply[], name = NAME): PropagationEvidence {
  return {
    name,
    gatheredAt: '2026-11-23T11:00:00.000Z',
    queries: [{ name, type, authority: auth, resolvers }],
  };
}

const newA = authority((s) => reply(s, NAME, 'A', [rec(NAME, 'A', '192.0.2.2', 300)]));
const codes = (fs: Finding[]): string[] => fs.map((f) => f.code).sort();

describe('judgePropagation', () => {
  it('is silent when every resolver serves what the authority serves (TTLs differ)', () => {
    const fs = judgePropagation(
      ev('A', newA, [
        { resolver: GOOGLE, outcome: recursive(GOOGLE, NAME, 'A', [rec(NAME, 'A', '192.0.2.2', 12)]) },
        {
          resolver: CLOUDFLARE,
          outcome: recursive(CLOUDFLARE, NAME, 'A', [rec(NAME, 'A', '192.0.2.2', 299)]),
        },
      ]),
      NAME,
    );
    expect(fs).toEqual([]);
  });

  it('reports a stale cache with its remaining TTL and when it clears', () => {
    const fs = judgePropagation(
      ev('A', newA, [
        { resolver: GOOGLE, outcome: recursive(GOOGLE, NAME, 'A', [rec(NAME, 'A', '192.0.2.2', 200)]) },
        {
          resolver: CLOUDFLARE,
          outcome: recursive(CLOUDFLARE, NAME, 'A', [rec(NAME, 'A', '192.0.2.1', 3540)]),
        },
        { resolver: QUAD9, outcome: recursive(QUAD9, NAME, 'A', [rec(NAME, 'A', '192.0.2.1', 1200)]) },
      ]),
      NAME,
    );
    expect(codes(fs)).toEqual(['PROPAGATION_STALE_CACHE']);
    const f = fs[0]!;
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain('Cloudflare (1.1.1.1) still serves A 192.0.2.1 for up to 3540 s');
    expect(f.detail).toContain('Quad9 (9.9.9.9) still serves A 192.0.2.1 for up to 1200 s');
    expect(f.detail).toContain('The authoritative servers now answer A www.example.com with A 192.0.2.2');
    expect(f.detail).toContain('validation may see the old data for up to 3540 s (until 11:59:00 UTC)');
    expect(f.remediation).toContain('Wait 3540 s (until 11:59:00 UTC)');
    expect(f.evidence).toContainEqual(
      expect.objectContaining({
        source: 'Cloudflare (1.1.1.1)',
        query: 'A www.example.com',
        answer: 'A 192.0.2.1 (TTL 3540 s remaining)',
      }),
    );
    expect(f.evidence).toContainEqual(
      expect.objectContaining({ source: 'ns1.example.com (198.51.100.1)', answer: 'A 192.0.2.2' }),
    );
  });

  it('reports a cached negative answer for a freshly created TXT record, timed by the SOA TTL', () => {
    const ch = `_acme-challenge.${NAME}`;
    const auth = authority((s) => reply(s, ch, 'TXT', [rec(ch, 'TXT', [Buffer.from('token')], 60)]));
    const fs = judgePropagation(
      ev(
        'TXT',
        auth,
        [
          {
            resolver: GOOGLE,
            outcome: recursive(GOOGLE, ch, 'TXT', [], { rcode: 'NXDOMAIN', authorities: [soa(240)] }),
          },
        ],
        ch,
      ),
      NAME,
    );
    const f = fs[0]!;
    expect(f.code).toBe('PROPAGATION_STALE_CACHE');
    expect(f.detail).toContain(
      'Google (8.8.8.8) still serves NXDOMAIN (a cached negative answer) for up to 240 s',
    );
    expect(f.detail).toContain('TXT "token"');
  });

  it('compares CNAME chains only as far as the authoritative zone holds them', () => {
    const auth = authority((s) => reply(s, NAME, 'A', [rec(NAME, 'CNAME', 'edge.cdn.example.net')]));
    const fs = judgePropagation(
      ev('A', auth, [
        {
          resolver: GOOGLE,
          outcome: recursive(GOOGLE, NAME, 'A', [
            rec(NAME, 'CNAME', 'edge.cdn.example.net', 100),
            rec('edge.cdn.example.net', 'A', '192.0.2.7', 20),
          ]),
        },
        {
          resolver: CLOUDFLARE,
          outcome: recursive(CLOUDFLARE, NAME, 'A', [
            rec(NAME, 'CNAME', 'edge.cdn.example.net', 50),
            rec('edge.cdn.example.net', 'A', '192.0.2.8', 20),
          ]),
        },
      ]),
      NAME,
    );
    expect(fs).toEqual([]);
  });

  it('reports resolvers that disagree when the authority gives no answer to compare with', () => {
    const dead = authority((s) => reply(s, NAME, 'A', [], { rcode: 'REFUSED', aa: false }));
    const fs = judgePropagation(
      ev('A', dead, [
        { resolver: GOOGLE, outcome: recursive(GOOGLE, NAME, 'A', [rec(NAME, 'A', '192.0.2.1', 100)]) },
        {
          resolver: CLOUDFLARE,
          outcome: recursive(CLOUDFLARE, NAME, 'A', [rec(NAME, 'A', '192.0.2.2', 30)]),
        },
      ]),
      NAME,
    );
    expect(codes(fs)).toEqual(['PROPAGATION_RESOLVERS_DISAGREE']);
    expect(fs[0]!.detail).toContain(
      'Google (8.8.8.8) says A 192.0.2.1; Cloudflare (1.1.1.1) says A 192.0.2.2',
    );
    expect(fs[0]!.detail).toContain('no usable answer to compare with');
    expect(fs[0]!.remediation).toContain('wait 100 s');
  });

  it('reports resolvers split across two authoritative answers as disagreeing, not stale', () => {
    const split = authority((s) =>
      reply(s, NAME, 'A', [rec(NAME, 'A', s === NS1 ? '192.0.2.1' : '192.0.2.2', 300)]),
    );
    const fs = judgePropagation(
      ev('A', split, [
        { resolver: GOOGLE, outcome: recursive(GOOGLE, NAME, 'A', [rec(NAME, 'A', '192.0.2.1', 100)]) },
        {
          resolver: CLOUDFLARE,
          outcome: recursive(CLOUDFLARE, NAME, 'A', [rec(NAME, 'A', '192.0.2.2', 30)]),
        },
      ]),
      NAME,
    );
    expect(codes(fs)).toEqual(['PROPAGATION_RESOLVERS_DISAGREE']);
    expect(fs[0]!.detail).toContain(
      'The authoritative servers themselves disagree (A 192.0.2.1 / A 192.0.2.2',
    );
  });

  it('reports a resolver that times out or SERVFAILs while the authority answers, once per resolver', () => {
    const e: PropagationEvidence = {
      name: NAME,
      gatheredAt: '2026-11-23T11:00:00.000Z',
      queries: ['A', 'AAAA'].map((type) => ({
        name: NAME,
        type,
        authority: authority((s) =>
          reply(s, NAME, type, type === 'A' ? [rec(NAME, 'A', '192.0.2.2', 300)] : []),
        ),
        resolvers: [
          {
            resolver: GOOGLE,
            outcome: recursive(GOOGLE, NAME, type, type === 'A' ? [rec(NAME, 'A', '192.0.2.2', 300)] : []),
          },
          { resolver: QUAD9, outcome: recursive(QUAD9, NAME, type, [], { rcode: 'SERVFAIL' }) },
          {
            resolver: CLOUDFLARE,
            outcome: {
              ok: false,
              failure: {
                server: '1.1.1.1:53',
                question: { name: NAME, type },
                kind: 'timeout',
                message: 'no reply',
                rttMs: 400,
              },
            },
          },
        ],
      })),
    };
    const fs = judgePropagation(e, NAME);
    expect(codes(fs)).toEqual(['PROPAGATION_RESOLVER_FAILED', 'PROPAGATION_RESOLVER_FAILED']);
    const q9 = fs.find((f) => f.detail.startsWith('Quad9'))!;
    expect(q9.severity).toBe('warning');
    expect(q9.detail).toContain(
      'Quad9 (9.9.9.9) answered SERVFAIL for A www.example.com while the authoritative servers answer A 192.0.2.2; SERVFAIL for AAAA www.example.com',
    );
    expect(q9.detail).toContain('the CA uses its own resolver');
    expect(q9.remediation).toContain('DNSSEC');
    const cf = fs.find((f) => f.detail.startsWith('Cloudflare'))!;
    expect(cf.evidence).toContainEqual(
      expect.objectContaining({ source: 'Cloudflare (1.1.1.1)', answer: 'timeout after 400 ms' }),
    );
  });

  it('does not blame resolvers when the authority itself fails', () => {
    const dead = authority((s) => reply(s, NAME, 'A', [], { rcode: 'SERVFAIL', aa: false }));
    const fs = judgePropagation(
      ev('A', dead, [{ resolver: GOOGLE, outcome: recursive(GOOGLE, NAME, 'A', [], { rcode: 'SERVFAIL' }) }]),
      NAME,
    );
    expect(fs).toEqual([]);
  });

  it('shows the port of a resolver on a non-standard port', () => {
    const lab: ServerEndpoint = { name: 'LabResolver', address: '127.0.0.1', port: 5353 };
    const fs = judgePropagation(
      ev('A', newA, [
        { resolver: lab, outcome: recursive(lab, NAME, 'A', [rec(NAME, 'A', '192.0.2.9', 10)]) },
      ]),
      NAME,
    );
    expect(fs[0]!.detail).toContain('LabResolver (127.0.0.1:5353) still serves A 192.0.2.9 for up to 10 s');
  });
});

describe('gatherPropagation', () => {
  it('asks the authority and the resolvers the same questions, in parallel', async () => {
    const asked: string[] = [];
    const e = await gatherPropagation(
      {
        askAll: async (n, t) => {
          asked.push(`auth ${t} ${n}`);
          return newA;
        },
        askResolvers: async (n, t) => {
          asked.push(`res ${t} ${n}`);
          return [{ resolver: GOOGLE, outcome: recursive(GOOGLE, n, t, []) }];
        },
      },
      'WWW.Example.com.',
      ['A', 'AAAA'],
      () => new Date('2026-11-23T11:00:00Z'),
    );
    expect(e.name).toBe(NAME);
    expect(e.gatheredAt).toBe('2026-11-23T11:00:00.000Z');
    expect(e.queries.map((q) => q.type)).toEqual(['A', 'AAAA']);
    expect(asked.sort()).toEqual([
      'auth A www.example.com',
      'auth AAAA www.example.com',
      'res A www.example.com',
      'res AAAA www.example.com',
    ]);
  });
});
