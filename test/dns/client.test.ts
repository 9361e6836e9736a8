import { withProfile } from '../../src/profile.js';
import { CachingDnsClient, type QueryFn } from '../../src/dns/client.js';
import { classifyStep } from '../../src/dns/classify.js';
import type { DnsResponse, QueryOutcome } from '../../src/dns/types.js';

const server = { address: '127.0.0.1', port: 5300 };

function response(over: Partial<DnsResponse>): QueryOutcome {
  return {
    ok: true,
    response: {
      server: '127.0.0.1:5300',
      question: { name: 'www.example.com', type: 'A' },
      rcode: 'NOERROR',
      flags: { aa: false, tc: false, rd: false, ra: false, ad: false, cd: false },
      answers: [],
      authorities: [],
      additionals: [],
      rttMs: 1,
      transport: 'udp',
      ...over,
    },
  };
}

describe('CachingDnsClient', () => {
  test('never runs more than profile.concurrency queries at once', async () => {
    let active = 0;
    let peak = 0;
    const queryFn: QueryFn = async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setImmediate(r));
      active--;
      return response({});
    };
    const client = new CachingDnsClient(withProfile({ concurrency: 3 }), { queryFn });
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.query(server, `n${i}.example`, 'A')));
    expect(peak).toBe(3);
    expect(client.sent).toBe(20);
  });

  test('caches per server, name, type and flags, failures included', async () => {
    const calls: string[] = [];
    const queryFn: QueryFn = async (s, q, o) => {
      calls.push(`${s.address} ${q.name} ${q.type} ${o.dnssec ? 'do' : ''}`);
      return {
        ok: false,
        failure: { server: s.address, question: q, kind: 'timeout', message: 't', rttMs: 1 },
      };
    };
    const client = new CachingDnsClient(withProfile({}), { queryFn });
    await client.query(server, 'a.example', 'A');
    await client.query(server, 'A.Example.', 'a');
    await client.query(server, 'a.example', 'A', { dnssec: true });
    await client.query({ ...server, address: '127.0.0.2' }, 'a.example', 'A');
    expect(calls).toHaveLength(3);
    expect(client.sent).toBe(3);
    expect(client.sentTo('127.0.0.1:5300')).toBe(2);
    expect(client.sentTo({ address: '127.0.0.2', port: 5300 })).toBe(1);
  });

  test('passes the profile timeouts to the transport', async () => {
    let seen: { timeoutMs?: number; retries?: number } = {};
    const queryFn: QueryFn = async (_s, _q, o) => {
      seen = o;
      return response({});
    };
    const client = new CachingDnsClient(withProfile({ timeouts: { dnsQueryMs: 1234, dnsRetries: 0 } }), {
      queryFn,
    });
    await client.query(server, 'a.example', 'A');
    expect(seen.timeoutMs).toBe(1234);
    expect(seen.retries).toBe(0);
  });
});

describe('classifyStep', () => {
  const ns = (name: string, data: string) => ({ name, type: 'NS', class: 'IN', ttl: 60, data });
  const a = { name: 'www.example.com', type: 'A', class: 'IN', ttl: 60, data: '192.0.2.1' };
  const aa = { aa: true, tc: false, rd: false, ra: false, ad: false, cd: false };

  test('an authoritative answer, NODATA and NXDOMAIN are final', () => {
    expect(
      classifyStep(response({ answers: [a], flags: aa }), 'example.com', 'www.example.com', 'A').kind,
    ).toBe('answer');
    expect(classifyStep(response({ flags: aa }), 'example.com', 'www.example.com', 'A').kind).toBe('answer');
    expect(
      classifyStep(response({ rcode: 'NXDOMAIN', flags: aa }), 'example.com', 'www.example.com', 'A').kind,
    ).toBe('answer');
  });

  test('a downward referral names the child zone', () => {
    const step = classifyStep(
      response({ authorities: [ns('example.com', 'ns1.example.net')] }),
      'com',
      'www.example.com',
      'A',
    );
    expect(step).toMatchObject({ kind: 'referral', child: 'example.com' });
  });

  test('answers without AA and upward referrals are lame', () => {
    expect(classifyStep(response({ answers: [a] }), 'example.com', 'www.example.com', 'A')).toMatchObject({
      kind: 'problem',
      status: 'LAME',
    });
    expect(
      classifyStep(response({ rcode: 'NXDOMAIN' }), 'example.com', 'www.example.com', 'A'),
    ).toMatchObject({
      status: 'LAME',
    });
    const up = classifyStep(
      response({ authorities: [ns('', 'a.root-servers.net')] }),
      'example.com',
      'www.example.com',
      'A',
    );
    expect(up).toMatchObject({ kind: 'problem', status: 'LAME' });
    expect(up.kind === 'problem' && up.note).toContain('upward');
  });

  test('failures and error rcodes are problems with their status', () => {
    expect(classifyStep(response({ rcode: 'SERVFAIL' }), 'x', 'x', 'A')).toMatchObject({
      status: 'SERVFAIL',
    });
    expect(classifyStep(response({ rcode: 'REFUSED' }), 'x', 'x', 'A')).toMatchObject({ status: 'REFUSED' });
    const q = { name: 'x', type: 'A' };
    expect(
      classifyStep(
        { ok: false, failure: { server: 's', question: q, kind: 'malformed', message: 'm', rttMs: 0 } },
        'x',
        'x',
        'A',
      ),
    ).toMatchObject({ status: 'MALFORMED' });
    expect(
      classifyStep(
        { ok: false, failure: { server: 's', question: q, kind: 'timeout', message: 'm', rttMs: 0 } },
        'x',
        'x',
        'A',
      ),
    ).toMatchObject({ status: 'TIMEOUT' });
  });
});
