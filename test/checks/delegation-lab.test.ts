/** Delegation checks over real sockets: the lab on loopback, the iterative resolver from its root. */
import { startLab, type Lab } from '../../src/lab/index.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { checkDelegation, gatherDelegation, judgeDelegation } from '../../src/checks/delegation/index.js';
import type { Finding } from '../../src/report/finding.js';
import { verdictOf } from '../../src/report/finding.js';
import { nameRef } from '../../src/identifiers.js';

const SCENARIO = 'fixtures/scenarios/delegation-health.yaml';

describe('delegation checks against the lab', () => {
  let lab: Lab;
  let resolver: IterativeResolver;
  beforeAll(async () => {
    lab = await startLab(SCENARIO);
    resolver = new IterativeResolver(lab.profile);
  });
  afterAll(async () => {
    await lab.stop();
  });

  const check = async (name: string): Promise<Finding[]> =>
    judgeDelegation(await gatherDelegation(resolver, nameRef(name)), name);
  const codes = (fs: Finding[]): string[] => [...new Set(fs.map((f) => f.code))].sort();

  it('passes a healthy zone with two servers on different networks', async () => {
    expect(await check('www.healthy.test')).toEqual([]);
  });

  it('reports the REFUSED server beside a good one as lame', async () => {
    const fs = await check('www.lame.test');
    expect(codes(fs)).toEqual(['DELEGATION_LAME_SERVER']);
    expect(fs[0]!.detail).toContain(`ns2.lame.test (127.0.23.1:${lab.port})`);
    expect(fs[0]!.evidence).toContainEqual(
      expect.objectContaining({ query: 'SOA lame.test', answer: 'REFUSED', address: '127.0.23.1' }),
    );
    expect(verdictOf(fs)).toBe('warn');
  });

  it('fails a zone whose servers all refuse', async () => {
    const fs = await check('www.dead.test');
    expect(codes(fs)).toContain('DELEGATION_ALL_LAME');
    const f = fs.find((x) => x.code === 'DELEGATION_ALL_LAME')!;
    expect(f.severity).toBe('error');
    expect(f.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
    expect(verdictOf(fs)).toBe('fail');
  });

  it('servers that answer A and SOA but refuse CAA: the query type fails, the zone is not all lame', async () => {
    const fs = await check('www.caafail.test');
    expect(codes(fs)).toEqual(['DELEGATION_QUERY_TYPE_FAILS']);
    const f = fs[0]!;
    expect(f.severity).toBe('error');
    expect(f.title).toBe('Every nameserver of caafail.test fails CAA www.caafail.test');
    expect(f.detail).toContain('answer NS, SOA, A, AAAA, CNAME and TXT queries authoritatively');
    expect(f.detail).toContain(`ns1.caafail.test (127.0.35.1:${lab.port}): REFUSED`);
    expect(f.remediation).toContain('Make ns1.caafail.test');
    expect(f.remediation).not.toContain('load the zone');
    expect(f.caMessage).toBe(
      "While processing CAA for www.caafail.test: DNS problem: SERVFAIL looking up CAA for www.caafail.test - the domain's nameservers may be malfunctioning",
    );
  });

  it('one server of two fails CAA only: it is named for that type, not called lame', async () => {
    const fs = await check('www.onecaa.test');
    expect(codes(fs)).toEqual(['DELEGATION_QUERY_TYPE_FAILS']);
    const f = fs[0]!;
    expect(f.severity).toBe('warning');
    expect(f.title).toBe('Nameserver ns2.onecaa.test fails CAA www.onecaa.test');
    expect(f.detail).toContain('but gives SERVFAIL for CAA www.onecaa.test');
    expect(f.detail).toMatch(
      /answers NS, SOA, A, AAAA, CNAME and TXT queries for onecaa\.test authoritatively/,
    );
  });

  it('reports the NS set differing between the registrar and the zone', async () => {
    const fs = await check('www.mismatch.test');
    expect(codes(fs)).toEqual(['DELEGATION_NS_MISMATCH']);
    expect(fs[0]!.detail).toContain('Only at the parent: ns3.mismatch.test.');
    expect(fs[0]!.detail).toContain('Only in the zone: ns2.mismatch.test.');
    expect(fs[0]!.remediation).toContain('match the zone: ns1.mismatch.test, ns2.mismatch.test');
  });

  it('reports the forgotten secondary: old A record and older serial', async () => {
    const fs = await check('www.secondary.test');
    expect(codes(fs)).toEqual(['DELEGATION_SERVERS_DISAGREE', 'DELEGATION_SOA_SERIAL_MISMATCH']);
    const d = fs.find((f) => f.code === 'DELEGATION_SERVERS_DISAGREE')!;
    expect(d.title).toBe('Authoritative servers disagree about A www.secondary.test');
    expect(d.detail).toContain('says A 127.0.0.74');
    expect(d.detail).toContain(`ns2.secondary.test (127.0.30.1:${lab.port}) says A 127.0.0.99`);
    // What the CA does with each server's answer.
    expect(d.detail).toContain(
      `With each answer: ns1.secondary.test (127.0.29.1:${lab.port}): the CA uses 127.0.0.74 (first, or after an IPv6 connection failure); ns2.secondary.test (127.0.30.1:${lab.port}): the CA uses 127.0.0.99`,
    );
    expect(d.remediation).toContain('ns2.secondary.test (serial 2026112200) serves an older copy');
    const s = fs.find((f) => f.code === 'DELEGATION_SOA_SERIAL_MISMATCH')!;
    expect(s.remediation).toContain(
      'it serves serial 2026112200, the primary (ns1.secondary.test) 2026112301',
    );
  });

  it('reports a serial lag alone', async () => {
    const fs = await check('www.serial.test');
    expect(codes(fs)).toEqual(['DELEGATION_SOA_SERIAL_MISMATCH']);
  });

  it('warns about a single nameserver', async () => {
    const fs = await check('www.single.test');
    expect(codes(fs)).toEqual(['DELEGATION_SINGLE_NS']);
  });

  it('warns when both nameservers share a /24', async () => {
    const fs = await check('www.samenet.test');
    expect(codes(fs)).toEqual(['DELEGATION_SAME_SUBNET']);
    expect(fs[0]!.detail).toContain('127.0.34.0/24');
  });

  it('leaves the registry zone alone for a name that does not exist (its zone is the TLD)', async () => {
    const fs = await check('nothere.test');
    expect(fs).toEqual([]);
  });

  it('sees a fault set at run time (a server starts answering without AA)', async () => {
    lab.setFault('ns1.healthy.test', { mode: 'noaa' });
    try {
      const fresh = new IterativeResolver(lab.profile);
      const fs = judgeDelegation(
        await gatherDelegation(fresh, nameRef('www.healthy.test')),
        'www.healthy.test',
      );
      expect(codes(fs)).toEqual(['DELEGATION_LAME_SERVER']);
      expect(fs[0]!.detail).toContain('without the AA bit');
    } finally {
      lab.setFault('ns1.healthy.test', undefined);
    }
  });

  it('asks only about the data the challenge uses, in one call', async () => {
    const dns01 = await checkDelegation(resolver, nameRef('www.secondary.test'), { challenge: 'dns-01' });
    expect(dns01.find((f) => f.code === 'DELEGATION_SERVERS_DISAGREE')).toBeUndefined();
    const http01 = await checkDelegation(resolver, nameRef('www.secondary.test'), { challenge: 'http-01' });
    expect(http01.find((f) => f.code === 'DELEGATION_SERVERS_DISAGREE')!.severity).toBe('warning');
  });

  it('matches the verdicts the scenario file expects', async () => {
    for (const [name, want] of Object.entries(lab.scenario.expect ?? {})) {
      const fs = await check(name);
      expect({ name, verdict: verdictOf(fs) }).toEqual({ name, verdict: want.verdict });
      // The file's codes are the whole engine's first error; only delegation codes come from this family.
      if (want.code?.startsWith('DELEGATION_')) expect(fs.map((f) => f.code)).toContain(want.code);
    }
  });
});
