import { judgeResolution } from '../../src/checks/resolution/index.js';
import type { Lookup, LookupStatus } from '../../src/dns/api.js';
import type { QueryOutcome } from '../../src/dns/types.js';

const flags = { aa: true, tc: false, rd: false, ra: false, ad: false, cd: false };

function lookup(
  type: 'A' | 'AAAA',
  status: LookupStatus,
  addrs: string[] = [],
  extra: Partial<Lookup> = {},
): Lookup {
  const decisive: QueryOutcome = {
    ok: true,
    response: {
      server: '127.0.1.2:53',
      question: { name: 'www.good.test', type },
      rcode: status === 'NXDOMAIN' ? 'NXDOMAIN' : status === 'NOERROR' ? 'NOERROR' : 'SERVFAIL',
      flags,
      answers: addrs.map((a) => ({ name: 'www.good.test', type, class: 'IN', ttl: 300, data: a })),
      authorities: [],
      additionals: [],
      rttMs: 2,
      transport: 'udp',
    },
  };
  return {
    name: 'www.good.test',
    type,
    status,
    records: addrs.map((a) => ({ name: 'www.good.test', type, class: 'IN', ttl: 300, data: a })),
    cnames: [],
    finalName: 'www.good.test',
    zone: 'good.test',
    exchanges: [decisive],
    decisive,
    ...extra,
  };
}

const codes = (r: ReturnType<typeof judgeResolution>) => r.findings.map((f) => `${f.severity}:${f.code}`);

describe('judgeResolution', () => {
  it('passes with public addresses and says which one the CA tries first', () => {
    const r = judgeResolution(
      'www.good.test',
      {
        a: lookup('A', 'NOERROR', ['93.184.216.34']),
        aaaa: lookup('AAAA', 'NOERROR', ['2606:2800:220:1::1']),
      },
      [],
    );
    expect(codes(r)).toEqual(['info:DNS_RESOLVED']);
    expect(r.findings[0]!.detail).toContain('connect to 2606:2800:220:1::1 first');
    expect(r.findings[0]!.detail).toContain('fall back to 93.184.216.34');
    expect(r.usable).toEqual({ v4: ['93.184.216.34'], v6: ['2606:2800:220:1::1'] });
  });

  it('NXDOMAIN reproduces the CA message and names the server', () => {
    const r = judgeResolution(
      'www.good.test',
      { a: lookup('A', 'NXDOMAIN'), aaaa: lookup('AAAA', 'NXDOMAIN') },
      [],
    );
    expect(codes(r)).toEqual(['error:DNS_NXDOMAIN']);
    const f = r.findings[0]!;
    expect(f.caMessage).toBe(
      'DNS problem: NXDOMAIN looking up A for www.good.test - check that a DNS record exists for this domain',
    );
    expect(f.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
    expect(f.evidence[0]!.source).toBe('127.0.1.2:53');
    expect(f.evidence[0]!.answer).toMatch(/^NXDOMAIN/);
  });

  it('a CNAME ending in NXDOMAIN is reported as dangling, naming the target', () => {
    const cnames = [{ name: 'www.good.test', target: 'gone.cdn.test', ttl: 60, server: '127.0.1.2:53' }];
    const r = judgeResolution(
      'www.good.test',
      { a: lookup('A', 'NXDOMAIN', [], { cnames }), aaaa: lookup('AAAA', 'NXDOMAIN', [], { cnames }) },
      [],
    );
    expect(codes(r)).toEqual(['error:DNS_CNAME_DANGLING']);
    expect(r.findings[0]!.title).toContain('gone.cdn.test');
  });

  it('an existing name without addresses is DNS_NO_ADDRESS with the CA wording', () => {
    const r = judgeResolution(
      'mx.good.test',
      { a: lookup('A', 'NOERROR'), aaaa: lookup('AAAA', 'NOERROR') },
      [],
    );
    expect(codes(r)).toEqual(['error:DNS_NO_ADDRESS']);
    expect(r.findings[0]!.caMessage).toBe(
      'no valid A records found for mx.good.test; no valid AAAA records found for mx.good.test',
    );
  });

  it.each([
    ['SERVFAIL', 'DNS_SERVFAIL', /SERVFAIL looking up A/],
    ['LAME', 'DNS_SERVFAIL', /SERVFAIL looking up A/],
    ['REFUSED', 'DNS_REFUSED', /SERVFAIL looking up A/],
    ['TIMEOUT', 'DNS_TIMEOUT', /query timed out looking up A/],
    ['CNAME_LOOP', 'DNS_CNAME_LOOP', /SERVFAIL/],
    ['NO_NAMESERVERS', 'DNS_NO_NAMESERVERS', /SERVFAIL/],
  ] as const)('%s on both families -> %s', (status, code, msg) => {
    const r = judgeResolution('x.good.test', { a: lookup('A', status), aaaa: lookup('AAAA', status) }, []);
    expect(codes(r)).toEqual([`error:${code}`]);
    expect(r.findings[0]!.caMessage).toMatch(msg);
  });

  it('an AAAA failure with a working A is only a warning: the CA validates over IPv4', () => {
    const r = judgeResolution(
      'x.good.test',
      { a: lookup('A', 'NOERROR', ['93.184.216.34']), aaaa: lookup('AAAA', 'SERVFAIL') },
      [],
    );
    expect(codes(r)).toEqual(['warning:DNS_FAMILY_FAILED', 'info:DNS_RESOLVED']);
  });

  it('an empty A with a failing AAAA reports the AAAA error', () => {
    const r = judgeResolution(
      'x.good.test',
      { a: lookup('A', 'NOERROR'), aaaa: lookup('AAAA', 'TIMEOUT') },
      [],
    );
    expect(r.findings[0]!.caMessage).toBe('DNS problem: query timed out looking up AAAA for x.good.test');
  });

  it.each([['10.0.0.1'], ['169.254.169.254'], ['127.0.0.1'], ['192.168.1.1']])(
    'only reserved %s fails and leaves nothing to connect to',
    (ip) => {
      const r = judgeResolution(
        'x.good.test',
        { a: lookup('A', 'NOERROR', [ip]), aaaa: lookup('AAAA', 'NOERROR') },
        [],
      );
      expect(codes(r)).toEqual(['error:ADDRESS_ONLY_RESERVED']);
      expect(r.usable).toEqual({ v4: [], v6: [] });
      expect(r.findings[0]!.detail).toContain(ip);
    },
  );

  it('reserved beside a public address is a warning and the reserved one is dropped', () => {
    const r = judgeResolution(
      'x.good.test',
      {
        a: lookup('A', 'NOERROR', ['10.0.0.1', '93.184.216.34']),
        aaaa: lookup('AAAA', 'NOERROR', ['fe80::1']),
      },
      [],
    );
    expect(codes(r)).toEqual(['warning:ADDRESS_RESERVED', 'info:DNS_RESOLVED']);
    expect(r.usable).toEqual({ v4: ['93.184.216.34'], v6: [] });
  });

  it('an allowed range (labs) counts as public', () => {
    const r = judgeResolution(
      'x.good.test',
      { a: lookup('A', 'NOERROR', ['127.0.2.1']), aaaa: lookup('AAAA', 'NOERROR') },
      ['127.0.0.0/8'],
    );
    expect(codes(r)).toEqual(['info:DNS_RESOLVED']);
    expect(r.usable.v4).toEqual(['127.0.2.1']);
  });
});
