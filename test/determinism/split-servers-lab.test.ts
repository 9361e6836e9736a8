/**
 * The same DNS state gives the same findings on every run (issue 15, point 6): where a zone's servers
 * disagree, which one answers first must not decide the verdict. Each run delays a different server, so
 * a resolver that takes the first reply sees a different answer from run to run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { labWorld, worldAddress } from '../lab/world.js';
import { preflight } from '../../src/index.js';
import type { NetworkProfile } from '../../src/profile.js';
import { IterativeResolver } from '../../src/dns/iterative.js';

const SUBNET = 200;
const ip = (n: number): string => worldAddress(SUBNET, n);
const RUNS = 20;
/** Longer than the resolver's hedge delay (376 ms), well inside the query timeout set below. */
const SLOW_MS = 600;

const scenario = labWorld(SUBNET, [
  {
    zone: 'split.test',
    servers: [
      {},
      {
        overrides: [
          '_acme-challenge.dis.split.test. 300 IN TXT -',
          'caa.split.test. 300 IN CAA 0 issue "example.org"',
          'addr.split.test. 300 IN A 127.0.0.99',
        ],
      },
    ],
    // The parent lists ns2 first: the order of a referral must not choose the server either.
    parentReversed: true,
    records: [
      'dis.split.test. 300 IN A 127.0.0.10',
      '_acme-challenge.dis.split.test. 300 IN TXT "left-over-value"',
      'caa.split.test. 300 IN A 127.0.0.10',
      'addr.split.test. 300 IN A 127.0.0.10',
    ],
  },
  {
    zone: 'dropcaa.test',
    servers: [{ fault: { mode: 'timeout', types: ['CAA'] } }, {}],
    records: ['www.dropcaa.test. 300 IN A 127.0.0.10'],
  },
  // Both servers answer A and SOA but never CAA: per-type deadness, not a dead zone.
  {
    zone: 'nocaa.test',
    servers: [{ fault: { mode: 'timeout', types: ['CAA'] } }, { fault: { mode: 'timeout', types: ['CAA'] } }],
    records: ['www.nocaa.test. 300 IN A 127.0.0.10'],
  },
]);

describe('servers that disagree give the same findings on every run', () => {
  let lab: Lab;
  let profile: NetworkProfile;
  beforeAll(async () => {
    lab = await startLab(scenario);
    profile = { ...lab.profile, timeouts: { ...lab.profile.timeouts, dnsQueryMs: 2000 } };
  });
  afterAll(() => lab.stop());

  const NAMES = ['dis.split.test', 'caa.split.test'];
  const run = async (i: number) => {
    // Odd runs slow ns1, even runs ns2: the other one always replies first.
    lab.setFault(i % 2 ? 'ns1.split.test' : 'ns2.split.test', { delayMs: SLOW_MS });
    lab.setFault(i % 2 ? 'ns2.split.test' : 'ns1.split.test', undefined);
    const skip = ['propagation', 'certificate', 'dnssec', 'http01'];
    const [dns, http] = await Promise.all([
      preflight(NAMES, { challenge: 'dns-01', profile, skip }),
      preflight(['addr.split.test'], { challenge: 'http-01', profile, skip }),
    ]);
    return [...dns.identifiers, ...http.identifiers].map((id) => ({
      name: id.identifier,
      verdict: id.verdict,
      findings: id.findings.map((f) => ({ code: f.code, severity: f.severity, detail: f.detail })),
    }));
  };

  it(`${RUNS} runs, each with the other server answering first, give identical findings`, async () => {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await run(i));
    for (const r of runs.slice(1)) expect(r).toEqual(runs[0]);
    const [dis, caa, addr] = runs[0]!;
    // TXT: each server's answer and what the CA would make of it.
    expect(dis!.findings.map((f) => f.code)).toContain('DNS01_SERVERS_DISAGREE');
    // CAA: one server's set allows issuance, the other's refuses; both outcomes are named, no "any CA may issue".
    const codes = caa!.findings.map((f) => f.code);
    expect(codes).toContain('CAA_SERVERS_DISAGREE');
    expect(codes).not.toContain('CAA_NONE');
    const split = caa!.findings.find((f) => f.code === 'CAA_SERVERS_DISAGREE')!;
    expect(split.severity).toBe('warning');
    expect(split.detail).toMatch(
      new RegExp(`${ip(2).replace(/\./g, '\\.')}:\\d+ no CAA records \\(NODATA\\), so CAA lets the CA issue`),
    );
    expect(split.detail).toContain('0 issue "example.org", so the CA refuses');
    expect(split.detail).toContain('CAA record for caa.split.test prevents issuance');
    expect(caa!.verdict).toBe('warn');
    // A: the address the CA would use with each server's answer.
    const a = addr!.findings.find((f) => f.code === 'DELEGATION_SERVERS_DISAGREE')!;
    expect(a.detail).toContain('the CA uses 127.0.0.10');
    expect(a.detail).toContain('the CA uses 127.0.0.99');
  }, 120_000);
});

describe('a server that drops one query type', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(scenario);
  });
  afterAll(() => lab.stop());

  it('is still asked other types after its first timeout (deadness is per query type)', async () => {
    const resolver = new IterativeResolver(lab.profile);
    const caa = await resolver.askAll('www.dropcaa.test', 'CAA');
    if ('error' in caa) throw new Error(caa.error.message);
    const silent = caa.answers.find((a) => a.server.address === ip(4))!;
    expect(!silent.outcome.ok && silent.outcome.failure.kind).toBe('timeout');
    const a = await resolver.askAll('www.dropcaa.test', 'A');
    if ('error' in a) throw new Error(a.error.message);
    const again = a.answers.find((x) => x.server.address === ip(4))!;
    expect(again.outcome.ok && again.outcome.response.flags.aa).toBe(true);
    // The same type is not waited on again for another name of the zone.
    const sentBefore = resolver.client.sent;
    const next = await resolver.askAll('other.dropcaa.test', 'CAA');
    if ('error' in next) throw new Error(next.error.message);
    const skipped = next.answers.find((x) => x.server.address === ip(4))!;
    expect(!skipped.outcome.ok && skipped.outcome.failure.message).toMatch(/not asked again/);
    expect(resolver.client.sent).toBe(sentBefore + 1);
  });

  it('servers that answer A and SOA but never CAA: the CAA type fails, the zone is not all lame', async () => {
    const r = await preflight(['www.nocaa.test'], {
      challenge: 'http-01',
      profile: lab.profile,
      skip: ['propagation', 'certificate', 'dnssec', 'http01'],
    });
    const codes = r.identifiers[0]!.findings.map((f) => f.code);
    expect(codes).not.toContain('DELEGATION_ALL_LAME');
    const f = r.identifiers[0]!.findings.find((x) => x.code === 'DELEGATION_QUERY_TYPE_FAILS')!;
    expect(f.title).toMatch(/^Every nameserver of nocaa\.test fails CAA www\.nocaa\.test/);
    const caa = r.identifiers[0]!.findings.find((x) => x.code === 'CAA_LOOKUP_FAILED')!;
    expect(caa.caMessage).toMatch(/query timed out looking up CAA for www\.nocaa\.test/);
  }, 60_000);
});
