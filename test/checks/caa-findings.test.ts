import { describe, expect, it } from '@jest/globals';
import { evaluateCaa, type CaaInput, type CaaLookup } from '../../src/checks/caa/evaluate.js';
import { caaDnsProblem, judgeCaa } from '../../src/checks/caa/judge.js';
import { caaNames, gatherCaa } from '../../src/checks/caa/gather.js';
import { parseIdentifier } from '../../src/checks/identifiers.js';
import type { Identifier } from '../../src/identifiers.js';
import type { Lookup } from '../../src/dns/api.js';
import type { DnsResponse } from '../../src/dns/types.js';

const LE = 'letsencrypt.org';
const ACCT = 'https://acme-v02.api.letsencrypt.org/acme/acct/42';

function ident(s: string): Identifier {
  const r = parseIdentifier(s);
  if (!r.ok) throw new Error(r.message);
  return r.identifier;
}

type R = [number, string, string];
const set = (name: string, records: R[] = [], status = 'NOERROR'): CaaLookup => ({
  name,
  status,
  records: records.map(([flags, tag, value]) => ({ flags, tag, value })),
  evidence: [
    {
      source: 'ns1.example.net (127.0.0.1:5353)',
      query: `CAA ${name}`,
      answer: records.length ? `${records.length} CAA` : status,
    },
  ],
});

function judge(idText: string, sets: CaaLookup[], extra: Partial<CaaInput> = {}) {
  const id = ident(idText);
  const input: CaaInput = {
    name: id.base,
    wildcard: id.wildcard,
    sets,
    issuerDomain: LE,
    method: 'http-01',
    ...extra,
  };
  const opts = {
    issuerDomain: input.issuerDomain,
    method: input.method,
    ...(input.accountUri ? { accountUri: input.accountUri } : {}),
  };
  return judgeCaa(evaluateCaa(input), id, opts);
}

describe('judgeCaa', () => {
  it('names the record to add when another CA is authorised, with the CA message', () => {
    const fs = judge('www.example.com', [
      set('www.example.com'),
      set('example.com', [[0, 'issue', 'digicert.com']]),
      set('com'),
    ]);
    expect(fs).toHaveLength(1);
    const f = fs[0]!;
    expect(f).toMatchObject({
      code: 'CAA_FORBIDS_ISSUER',
      severity: 'error',
      acmeProblem: 'urn:ietf:params:acme:error:caa',
    });
    expect(f.caMessage).toBe(
      'While processing CAA for www.example.com: CAA record for example.com prevents issuance',
    );
    expect(f.remediation).toContain('example.com. CAA 0 issue "letsencrypt.org"');
    expect(f.detail).toContain('example.com. CAA 0 issue "digicert.com"');
    expect(f.evidence[0]?.source).toContain('127.0.0.1');
  });

  it('uses issuewild in the remediation for a wildcard', () => {
    const [f] = judge(
      '*.example.com',
      [
        set('example.com', [
          [0, 'issue', LE],
          [0, 'issuewild', ';'],
        ]),
        set('com'),
      ],
      { method: 'dns-01' },
    );
    expect(f?.code).toBe('CAA_ISSUEWILD_FORBIDS');
    expect(f?.caMessage).toBe(
      'While processing CAA for *.example.com: CAA record for example.com prevents issuance',
    );
    expect(f?.remediation).toContain('example.com. CAA 0 issuewild "letsencrypt.org"');
  });

  it('rewrites the accounturi when it names another account', () => {
    const [f] = judge(
      'example.com',
      [
        set('example.com', [
          [0, 'issue', `${LE}; accounturi=https://acme-v02.api.letsencrypt.org/acme/acct/7`],
        ]),
        set('com'),
      ],
      { accountUri: ACCT },
    );
    expect(f?.code).toBe('CAA_ACCOUNTURI_MISMATCH');
    expect(f?.remediation).toContain(`example.com. CAA 0 issue "letsencrypt.org; accounturi=${ACCT}"`);
    expect(f?.detail).toContain(ACCT);
  });

  it('adds the method to validationmethods, keeping the other parameters', () => {
    const [f] = judge(
      'example.com',
      [set('example.com', [[0, 'issue', `${LE}; accounturi=${ACCT}; validationmethods=dns-01`]]), set('com')],
      {
        accountUri: ACCT,
        method: 'tls-alpn-01',
      },
    );
    expect(f?.code).toBe('CAA_VALIDATIONMETHODS_EXCLUDES');
    expect(f?.remediation).toContain(
      `example.com. CAA 0 issue "letsencrypt.org; accounturi=${ACCT}; validationmethods=dns-01,tls-alpn-01"`,
    );
  });

  it('fails closed on SERVFAIL with the CA text and a dns problem', () => {
    const fs = judge('www.example.com', [
      set('www.example.com', [], 'SERVFAIL'),
      set('example.com', [[0, 'issue', LE]]),
      set('com'),
    ]);
    expect(fs).toHaveLength(1);
    expect(fs[0]).toMatchObject({
      code: 'CAA_LOOKUP_FAILED',
      severity: 'error',
      acmeProblem: 'urn:ietf:params:acme:error:dns',
    });
    expect(fs[0]?.caMessage).toBe(
      "While processing CAA for www.example.com: DNS problem: SERVFAIL looking up CAA for www.example.com - the domain's nameservers may be malfunctioning",
    );
  });

  it('words timeouts and failures as Boulder does behind its recursive resolver', () => {
    expect(caaDnsProblem({ name: 'a.example', status: 'TIMEOUT' })).toBe(
      'DNS problem: query timed out looking up CAA for a.example',
    );
    // Authoritative servers that refuse reach the CA as its resolver's SERVFAIL.
    expect(caaDnsProblem({ name: 'a.example', status: 'REFUSED' })).toBe(
      "DNS problem: SERVFAIL looking up CAA for a.example - the domain's nameservers may be malfunctioning",
    );
    expect(caaDnsProblem({ name: 'a.example', status: 'LAME' })).toContain(
      'SERVFAIL looking up CAA for a.example',
    );
  });

  it('warns (not errors) about a failed lookup above the relevant name', () => {
    const fs = judge('www.example.com', [
      set('www.example.com', [[0, 'issue', LE]]),
      set('example.com', [], 'TIMEOUT'),
      set('com'),
    ]);
    expect(fs.map((f) => [f.code, f.severity])).toEqual([
      ['CAA_AUTHORIZED', 'info'],
      ['CAA_LOOKUP_FAILED', 'warning'],
    ]);
    expect(fs[1]?.acmeProblem).toBeUndefined();
    expect(fs[1]?.detail).toContain('www.example.com');
  });

  it('explains a critical unknown tag and how to clear it', () => {
    const [f] = judge('example.com', [
      set('example.com', [
        [128, 'tbs', 'Unknown'],
        [0, 'issue', LE],
      ]),
      set('com'),
    ]);
    expect(f?.code).toBe('CAA_CRITICAL_UNKNOWN_TAG');
    expect(f?.remediation).toContain('example.com. CAA 128 tbs "Unknown"');
    expect(f?.remediation).toContain('example.com. CAA 0 tbs "Unknown"');
  });

  it('warns about each malformed record and still denies when nothing else authorises', () => {
    const fs = judge('example.com', [set('example.com', [[0, 'issue', `${LE}; accounturi`]]), set('com')]);
    expect(fs.map((f) => f.code)).toEqual(['CAA_FORBIDS_ISSUER', 'CAA_MALFORMED_RECORD']);
    expect(fs[1]?.severity).toBe('warning');
    expect(fs[1]?.detail).toContain('tag=value');
  });

  it('reports no CAA as info with an optional record for the registered domain', () => {
    const fs = judge('a.b.example.co.uk', [
      set('a.b.example.co.uk', [], 'NXDOMAIN'),
      set('b.example.co.uk'),
      set('example.co.uk'),
      set('co.uk'),
      set('uk'),
    ]);
    expect(fs.map((f) => [f.code, f.severity])).toEqual([['CAA_NONE', 'info']]);
    expect(fs[0]?.remediation).toContain('example.co.uk. CAA 0 issue "letsencrypt.org"');
  });

  it('warns when accounturi cannot be compared', () => {
    const [f] = judge('example.com', [
      set('example.com', [[0, 'issue', `${LE}; accounturi=${ACCT}`]]),
      set('com'),
    ]);
    expect(f).toMatchObject({ code: 'CAA_ACCOUNTURI_UNVERIFIED', severity: 'warning' });
    expect(f?.detail).toContain(ACCT);
  });
});

function response(name: string, answers: DnsResponse['answers'], rcode = 'NOERROR'): DnsResponse {
  return {
    server: '127.0.0.1:5353',
    question: { name, type: 'CAA' },
    rcode,
    flags: { aa: true, tc: false, rd: false, ra: false, ad: false, cd: false },
    answers,
    authorities: [],
    additionals: [],
    rttMs: 1,
    transport: 'udp',
  };
}

describe('gatherCaa', () => {
  it('lists the name and every parent up to the TLD', () => {
    expect(caaNames('a.b.Example.com.')).toEqual(['a.b.example.com', 'b.example.com', 'example.com', 'com']);
  });

  it('asks for every name in parallel and keeps records, status and evidence', async () => {
    const asked: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const resolver = {
      async resolve(name: string, type: string): Promise<Lookup> {
        asked.push(`${type} ${name}`);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        if (name === 'www.example.com') throw new Error('resolver exploded');
        const answers =
          name === 'example.com'
            ? [
                {
                  name,
                  type: 'CAA',
                  class: 'IN',
                  ttl: 60,
                  data: { flags: 0, tag: 'issue', value: LE, issuerCritical: false },
                },
              ]
            : [];
        const rcode = name === 'com' ? 'SERVFAIL' : 'NOERROR';
        const outcome = { ok: true as const, response: response(name, answers, rcode) };
        return {
          name,
          type,
          status: rcode === 'NOERROR' ? 'NOERROR' : 'SERVFAIL',
          records: answers,
          cnames: [],
          finalName: name,
          exchanges: [outcome],
          decisive: outcome,
          ...(rcode === 'SERVFAIL' ? { message: 'all servers of com said SERVFAIL' } : {}),
        };
      },
    };
    const sets = await gatherCaa(resolver, 'www.example.com');
    expect(asked.sort()).toEqual(['CAA com', 'CAA example.com', 'CAA www.example.com']);
    expect(maxInFlight).toBe(3);
    expect(sets.map((s) => [s.name, s.status, s.records.length])).toEqual([
      ['www.example.com', 'SERVFAIL', 0],
      ['example.com', 'NOERROR', 1],
      ['com', 'SERVFAIL', 0],
    ]);
    expect(sets[0]?.message).toContain('resolver exploded');
    expect(sets[1]?.records[0]).toEqual({ flags: 0, tag: 'issue', value: LE });
    expect(sets[1]?.evidence[0]).toMatchObject({ source: '127.0.0.1:5353', query: 'CAA example.com' });
    expect(sets[1]?.evidence[0]?.answer).toContain('letsencrypt.org');
    expect(sets[2]?.message).toBe('all servers of com said SERVFAIL');
  });
});

describe('CAA for a TLD that does not exist', () => {
  it('is a DNS error with the CA message, not "no CAA records"', () => {
    const fs = judge('www.example.zz', [
      set('www.example.zz', [], 'NXDOMAIN'),
      set('example.zz', [], 'NXDOMAIN'),
      set('zz', [], 'NXDOMAIN'),
    ]);
    expect(fs.map((f) => [f.code, f.severity])).toEqual([['CAA_LOOKUP_FAILED', 'error']]);
    expect(fs[0]?.caMessage).toBe(
      'While processing CAA for www.example.zz: DNS problem: NXDOMAIN looking up CAA for zz - check that a DNS record exists for this domain',
    );
    expect(fs[0]?.title).toMatch(/TLD zz does not exist/);
    expect(fs[0]?.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
  });
});
