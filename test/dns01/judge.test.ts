/** DNS-01 judging without sockets: the CA's verdict and message, and each diagnosis. */
import type { AuthoritativeAnswer, Lookup, LookupStatus } from '../../src/dns/api.js';
import type { DnsRecord, QueryOutcome } from '../../src/dns/types.js';
import {
  challengeName,
  judgeDns01Readiness,
  judgeDns01Txt,
  keyAuthorizationDigest,
  registrableDomain,
  type Dns01TxtEvidence,
} from '../../src/checks/dns01/index.js';

const V = keyAuthorizationDigest('token-abc.thumbprint-xyz');
const ID = 'www.example.com';
const NAME = '_acme-challenge.www.example.com';

const txt = (name: string, ...strings: string[]): DnsRecord => ({
  name,
  type: 'TXT',
  class: 'IN',
  ttl: 60,
  data: strings.map((s) => Buffer.from(s)),
});

function lookup(status: LookupStatus, records: DnsRecord[] = [], extra: Partial<Lookup> = {}): Lookup {
  return {
    name: NAME,
    type: 'TXT',
    status,
    records,
    cnames: [],
    finalName: NAME,
    zone: 'example.com',
    exchanges: [],
    message: status === 'NOERROR' ? undefined : `ns1 said ${status}`,
    ...extra,
  };
}

function answer(server: string, records: DnsRecord[], name = NAME): AuthoritativeAnswer {
  const outcome: QueryOutcome = {
    ok: true,
    response: {
      server: `${server}:53`,
      question: { name, type: 'TXT' },
      rcode: 'NOERROR',
      flags: { aa: true, tc: false, rd: false, ra: false, ad: false, cd: false },
      answers: records,
      authorities: [],
      additionals: [],
      rttMs: 1,
      transport: 'udp',
    },
  };
  return { server: { name: `ns-${server}`, address: server, port: 53 }, outcome };
}

const ev = (l: Lookup, more: Partial<Dns01TxtEvidence> = {}): Dns01TxtEvidence => ({
  identifier: ID,
  lookup: l,
  ...more,
});
const codes = (fs: { code: string }[]): string[] => fs.map((f) => f.code);

describe('value helpers', () => {
  it('digest is base64url SHA-256 without padding, 43 characters', () => {
    expect(keyAuthorizationDigest('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
    expect(V).toHaveLength(43);
    expect(V).not.toMatch(/[=+/]/);
  });
  it('strips a leading wildcard label for the record name', () => {
    expect(challengeName('*.Example.COM.')).toBe('_acme-challenge.example.com');
    expect(challengeName('www.example.com')).toBe(NAME);
  });
  it('registrable domain honours extra suffixes', () => {
    expect(registrableDomain('a.b.gone.test', ['test'])).toBe('gone.test');
    expect(registrableDomain('a.b.example.co.uk')).toBe('example.co.uk');
  });
});

describe('judgeDns01Txt', () => {
  it('passes when one record equals the value, and warns about old values beside it', () => {
    const j = judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, 'old-value-1'), txt(NAME, V)])), V);
    expect(j.valid).toBe(true);
    expect(j.problem).toBeUndefined();
    expect(codes(j.findings)).toEqual(['DNS01_TXT_FOUND', 'DNS01_TXT_STALE']);
    expect(j.findings[1]!.severity).toBe('warning');
    expect(j.findings[1]!.detail).toContain('"old-value-1"');
  });

  it('joins strings within one record with no separator', () => {
    const j = judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, V.slice(0, 20), V.slice(20))])), V);
    expect(j.valid).toBe(true);
  });

  it('is case-sensitive and does not trim', () => {
    const lower = judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, V.toLowerCase())])), V);
    expect(lower.valid).toBe(false);
    expect(codes(lower.findings)).toEqual(['DNS01_TXT_MISMATCH']);
    expect(lower.findings[0]!.detail).toContain('letter case');
    const spaced = judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, V + ' ')])), V);
    expect(spaced.valid).toBe(false);
    expect(spaced.findings[0]!.detail).toContain('surrounding whitespace');
  });

  it('NODATA: unauthorized, No TXT record found', () => {
    const j = judgeDns01Txt(ev(lookup('NOERROR')), V);
    expect(j.valid).toBe(false);
    expect(j.problem).toEqual({ type: 'unauthorized', detail: `No TXT record found at ${NAME}` });
    expect(codes(j.findings)).toEqual(['DNS01_TXT_MISSING']);
    expect(j.findings[0]!.acmeProblem).toBe('urn:ietf:params:acme:error:unauthorized');
    expect(j.findings[0]!.remediation).toContain(`${NAME} TXT "${V}"`);
  });

  it('NXDOMAIN, SERVFAIL and timeouts are dns problems in the CA words', () => {
    const nx = judgeDns01Txt(ev(lookup('NXDOMAIN')), V);
    expect(nx.problem?.type).toBe('dns');
    expect(nx.problem?.detail).toBe(
      `DNS problem: NXDOMAIN looking up TXT for ${NAME} - check that a DNS record exists for this domain`,
    );
    const sf = judgeDns01Txt(ev(lookup('LAME')), V);
    expect(sf.problem?.detail).toBe(
      `DNS problem: SERVFAIL looking up TXT for ${NAME} - the domain's nameservers may be malfunctioning`,
    );
    expect(codes(sf.findings)).toEqual(['DNS01_LOOKUP_FAILED']);
    expect(sf.findings[0]!.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
    const to = judgeDns01Txt(ev(lookup('TIMEOUT')), V);
    expect(to.problem?.detail).toBe(`DNS problem: query timed out looking up TXT for ${NAME}`);
  });

  it('wrong value: Incorrect TXT record "v" (and N more)', () => {
    const j = judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, 'abc'), txt(NAME, 'def'), txt(NAME, 'ghi')])), V);
    expect(j.problem).toEqual({
      type: 'unauthorized',
      detail: `Incorrect TXT record "abc" (and 2 more) found at ${NAME}`,
    });
    expect(codes(j.findings)).toEqual(['DNS01_TXT_MISMATCH']);
    const one = judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, 'abc')])), V);
    expect(one.problem?.detail).toBe(`Incorrect TXT record "abc" found at ${NAME}`);
  });

  it('names the challenge name, not the CNAME target, in the CA message', () => {
    const target = 'x.auth.acme-dns.io';
    const l = lookup('NOERROR', [txt(target, 'nope')], {
      cnames: [{ name: NAME, target, ttl: 60, server: '1.2.3.4:53' }],
      finalName: target,
    });
    const j = judgeDns01Txt(ev(l), V);
    expect(j.problem?.detail).toBe(`Incorrect TXT record "nope" found at ${NAME}`);
    expect(j.findings[0]!.detail).toContain(`(CNAME to ${target})`);
  });

  it('diagnoses a value wrapped in literal quotes', () => {
    const j = judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, `"${V}"`)])), V);
    expect(j.valid).toBe(false);
    expect(codes(j.findings)).toEqual(['DNS01_TXT_QUOTED']);
    expect(j.findings[0]!.caMessage).toBe(
      `Incorrect TXT record ${JSON.stringify(`"${V}"`)} found at ${NAME}`,
    );
    expect(judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, `\\"${V}\\"`)])), V).findings[0]!.code).toBe(
      'DNS01_TXT_QUOTED',
    );
  });

  it('diagnoses a value split into strings with whitespace added', () => {
    const j = judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, V.slice(0, 20), ' ' + V.slice(20))])), V);
    expect(codes(j.findings)).toEqual(['DNS01_TXT_SPLIT']);
    expect(j.findings[0]!.detail).toContain('2 strings');
  });

  it('diagnoses a value split across records (records are never joined)', () => {
    const j = judgeDns01Txt(ev(lookup('NOERROR', [txt(NAME, V.slice(0, 20)), txt(NAME, V.slice(20))])), V);
    expect(j.valid).toBe(false);
    expect(codes(j.findings)).toEqual(['DNS01_TXT_SPLIT']);
    expect(j.findings[0]!.detail).toContain('2 separate TXT records');
  });

  it('diagnoses the record placed under a doubled name', () => {
    const doubledName = `${NAME}.example.com`;
    const j = judgeDns01Txt(
      ev(lookup('NXDOMAIN'), {
        doubled: {
          name: doubledName,
          lookup: lookup('NOERROR', [txt(doubledName, V)], { name: doubledName, finalName: doubledName }),
        },
      }),
      V,
    );
    expect(j.valid).toBe(false);
    expect(j.problem?.type).toBe('dns');
    expect(codes(j.findings)).toEqual(['DNS01_TXT_DOUBLED_NAME']);
    expect(j.findings[0]!.detail).toContain(doubledName);
    expect(j.findings[0]!.remediation).toContain('"_acme-challenge.www"');
  });

  it('a doubled name that holds nothing adds no finding', () => {
    const doubledName = `${NAME}.example.com`;
    const j = judgeDns01Txt(
      ev(lookup('NOERROR'), { doubled: { name: doubledName, lookup: lookup('NXDOMAIN') } }),
      V,
    );
    expect(codes(j.findings)).toEqual(['DNS01_TXT_MISSING']);
  });

  it('reports servers that lack the value, as an error when the lookup found it', () => {
    const l = lookup('NOERROR', [txt(NAME, V)]);
    const auth = [answer('192.0.2.1', [txt(NAME, V)]), answer('192.0.2.2', [])];
    const j = judgeDns01Txt(ev(l, { authoritative: auth }), V);
    expect(j.valid).toBe(true);
    expect(codes(j.findings)).toEqual(['DNS01_TXT_FOUND', 'DNS01_SERVERS_DISAGREE']);
    const d = j.findings[1]!;
    expect(d.severity).toBe('error');
    expect(d.detail).toContain('ns-192.0.2.2 192.0.2.2:53 serves no TXT record');
    expect(d.evidence).toHaveLength(2);
    const agree = judgeDns01Txt(ev(l, { authoritative: [auth[0]!, answer('192.0.2.3', [txt(NAME, V)])] }), V);
    expect(codes(agree.findings)).toEqual(['DNS01_TXT_FOUND']);
  });
});

describe('judgeDns01Readiness', () => {
  it('a lookup that works, with old values, is ready and reports them', () => {
    const fs = judgeDns01Readiness(ev(lookup('NOERROR', [txt(NAME, 'left-over')])));
    expect(codes(fs)).toEqual(['DNS01_LOOKUP_OK', 'DNS01_TXT_STALE']);
    expect(codes(judgeDns01Readiness(ev(lookup('NXDOMAIN'))))).toEqual(['DNS01_LOOKUP_OK']);
  });

  it('SERVFAIL is an error with the CA message', () => {
    const fs = judgeDns01Readiness(ev(lookup('SERVFAIL')));
    expect(codes(fs)).toEqual(['DNS01_LOOKUP_FAILED']);
    expect(fs[0]!.caMessage).toContain(`SERVFAIL looking up TXT for ${NAME}`);
  });

  const cname = (target: string, status: LookupStatus, zone: string): Lookup =>
    lookup(status, [], {
      cnames: [{ name: NAME, target, ttl: 60, server: '1.2.3.4:53' }],
      finalName: target,
      zone,
    });

  it('follows and reports an acme-dns style CNAME', () => {
    const fs = judgeDns01Readiness(ev(cname('x.auth.acme-dns.io', 'NOERROR', 'auth.acme-dns.io')));
    expect(codes(fs)).toEqual(['DNS01_CNAME_DELEGATED']);
    expect(fs[0]!.remediation).toContain('x.auth.acme-dns.io');
  });

  it('a CNAME into a domain that does not exist, or whose servers fail, is dangling', () => {
    const gone = judgeDns01Readiness(ev(cname('x.auth.gone.test', 'NXDOMAIN', 'test')), {
      extraPublicSuffixes: ['test'],
    });
    expect(codes(gone)).toEqual(['DNS01_CNAME_DANGLING']);
    expect(gone[0]!.detail).toContain('gone.test does not exist');
    const fail = judgeDns01Readiness(ev(cname('x.auth.acme-dns.io', 'SERVFAIL', 'acme-dns.io')));
    expect(codes(fail)).toEqual(['DNS01_CNAME_DANGLING']);
    expect(fail[0]!.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
    // NXDOMAIN inside an existing zone: the target will be created there.
    expect(codes(judgeDns01Readiness(ev(cname('x.auth.acme-dns.io', 'NXDOMAIN', 'acme-dns.io'))))).toEqual([
      'DNS01_CNAME_DELEGATED',
    ]);
  });

  it('reports authoritative servers that disagree', () => {
    const fs = judgeDns01Readiness(
      ev(lookup('NOERROR', []), {
        authoritative: [answer('192.0.2.1', [txt(NAME, 'a')]), answer('192.0.2.2', [])],
      }),
    );
    expect(codes(fs)).toEqual(['DNS01_LOOKUP_OK', 'DNS01_SERVERS_DISAGREE']);
    expect(fs[1]!.severity).toBe('warning');
  });
});
