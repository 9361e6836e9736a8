/**
 * TCP and EDNS behaviour of nameservers (issue 15, point 6), probed as Zonemaster does, against lab
 * servers with the per-server knobs tcp: off, edns: drop|formerr|nobadvers and do: drop.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { Behaviour } from '../../src/lab/scenario.js';
import { labWorld, worldAddress } from '../lab/world.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { gatherDelegation, judgeDelegation } from '../../src/checks/delegation/index.js';
import { preflight } from '../../src/index.js';
import type { Finding } from '../../src/report/finding.js';
import { nameRef } from '../../src/identifiers.js';

const SUBNET = 160;
const ip = (n: number): string => worldAddress(SUBNET, n);

/** Each zone: two servers on different networks, the knobs per server. */
const ZONES: [string, Behaviour | undefined, Behaviour | undefined][] = [
  ['healthy.test', undefined, undefined],
  ['tcpoff.test', { tcp: 'off' }, undefined],
  ['ednsdrop.test', { edns: 'drop' }, undefined],
  ['ednsformerr.test', { edns: 'formerr' }, undefined],
  ['nobadvers.test', { edns: 'nobadvers' }, { edns: 'nobadvers' }],
  ['dodrop.test', { do: 'drop' }, { do: 'drop' }],
  ['onedodrop.test', undefined, { do: 'drop' }],
  ['alldrop.test', { edns: 'drop' }, { edns: 'drop' }],
];

const scenario = labWorld(
  SUBNET,
  ZONES.map(([zone, b1, b2]) => ({
    zone,
    servers: [b1 ? { behaviour: b1 } : {}, b2 ? { behaviour: b2 } : {}],
    records: [`www.${zone}. 300 IN A 127.0.0.10`],
  })),
);

const TRANSPORT_CODES = [
  'DELEGATION_TCP_FAILS',
  'DELEGATION_EDNS_UNSUPPORTED',
  'DELEGATION_DO_DROPPED',
  'DELEGATION_EDNS_NO_BADVERS',
];

describe('nameserver TCP and EDNS behaviour', () => {
  let lab: Lab;
  let resolver: IterativeResolver;
  beforeAll(async () => {
    lab = await startLab(scenario);
    resolver = new IterativeResolver(lab.profile);
  });
  afterAll(() => lab.stop());

  const check = async (name: string): Promise<Finding[]> =>
    judgeDelegation(await gatherDelegation(resolver, nameRef(name), 'http-01'), name, {
      challenge: 'http-01',
    });
  const only = (fs: Finding[], code: string): Finding => {
    const hits = fs.filter((f) => f.code === code);
    expect(hits).toHaveLength(1);
    return hits[0]!;
  };
  const transportCodes = (fs: Finding[]): string[] =>
    fs.map((f) => f.code).filter((c) => TRANSPORT_CODES.includes(c));

  it('a server that answers every probe: nothing to report', async () => {
    expect(await check('www.healthy.test')).toEqual([]);
  });

  it('tcp off: the server is named, with what was sent over TCP and what came back', async () => {
    const fs = await check('www.tcpoff.test');
    expect(transportCodes(fs)).toEqual(['DELEGATION_TCP_FAILS']);
    const f = only(fs, 'DELEGATION_TCP_FAILS');
    expect(f.severity).toBe('warning');
    expect(f.detail).toMatch(/^ns1\.tcpoff\.test answers SOA tcpoff\.test over UDP but not over TCP/);
    expect(f.detail).not.toContain('ns2.tcpoff.test');
    expect(f.evidence).toContainEqual(
      expect.objectContaining({
        source: `ns1.tcpoff.test (${ip(4)}:${lab.port})`,
        query: 'SOA tcpoff.test over TCP',
        answer: expect.stringMatching(/^network error/),
      }),
    );
    expect(f.remediation).toContain('TCP port 53');
  });

  it('EDNS dropped by one server of two: reported for EDNS, not as a lame server', async () => {
    const fs = await check('www.ednsdrop.test');
    expect(fs.map((f) => f.code)).not.toContain('DELEGATION_LAME_SERVER');
    expect(transportCodes(fs)).toEqual(['DELEGATION_EDNS_UNSUPPORTED']);
    const f = only(fs, 'DELEGATION_EDNS_UNSUPPORTED');
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain('takes a server that drops them (ns1.ednsdrop.test) for dead');
    expect(f.evidence).toEqual([
      expect.objectContaining({
        query: 'SOA ednsdrop.test over UDP without EDNS',
        answer: 'NOERROR (aa), no OPT record',
      }),
      expect.objectContaining({
        query: 'SOA ednsdrop.test over UDP with EDNS version 0 (no DO bit)',
        answer: expect.stringMatching(/^timeout after \d+ ms/),
      }),
    ]);
  });

  it('EDNS dropped by every server: the zone is reachable without EDNS, so not all lame but an EDNS error', async () => {
    const fs = await check('www.alldrop.test');
    expect(fs.map((f) => f.code)).toEqual(['DELEGATION_EDNS_UNSUPPORTED']);
    const f = fs[0]!;
    expect(f.severity).toBe('error');
    expect(f.caMessage).toBe('DNS problem: query timed out looking up A for www.alldrop.test');
    expect(f.remediation).not.toContain('load the zone');
    const withoutEdns = f.evidence.filter((e) => (e.query ?? '').endsWith('over UDP without EDNS'));
    expect(withoutEdns.map((e) => e.address).sort()).toEqual([ip(16), ip(17)]);
    for (const e of withoutEdns) expect(e.answer).toMatch(/^(NOERROR|NXDOMAIN) \(aa\), no OPT record$/);
  }, 30_000);

  it('EDNS answered FORMERR: the CA retries without EDNS, a warning that says what is lost', async () => {
    const fs = await check('www.ednsformerr.test');
    const f = only(fs, 'DELEGATION_EDNS_UNSUPPORTED');
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain(`ns1.ednsformerr.test (${ip(8)}:${lab.port}): FORMERR, no OPT record`);
    expect(f.detail).toContain('limited to 512 bytes');
  });

  it('unknown EDNS version answered as version 0: info, the CA is not affected', async () => {
    const fs = await check('www.nobadvers.test');
    expect(transportCodes(fs)).toEqual(['DELEGATION_EDNS_NO_BADVERS']);
    const f = only(fs, 'DELEGATION_EDNS_NO_BADVERS');
    expect(f.severity).toBe('info');
    expect(f.evidence).toHaveLength(2);
    expect(f.evidence[0]).toEqual(
      expect.objectContaining({
        query: 'SOA nobadvers.test over UDP with EDNS version 1',
        answer: 'NOERROR (aa), OPT version 0',
      }),
    );
  });

  it('the healthy servers answer EDNS version 1 with BADVERS (the lab follows RFC 6891)', async () => {
    const r = await resolver.askAll('healthy.test', 'SOA', { ednsVersion: 1 });
    if ('error' in r) throw new Error(r.error.message);
    expect(r.answers.map((a) => a.outcome.ok && a.outcome.response.rcode)).toEqual(['BADVERS', 'BADVERS']);
  });

  it('DO-bit queries dropped by every server: an error with the CA message; by one: a warning', async () => {
    const all = only(await check('www.dodrop.test'), 'DELEGATION_DO_DROPPED');
    expect(all.severity).toBe('error');
    expect(all.acmeProblem).toBe('urn:ietf:params:acme:error:dns');
    expect(all.caMessage).toBe('DNS problem: query timed out looking up A for www.dodrop.test');
    expect(all.detail).toContain('every server of the zone drops them');
    expect(all.evidence).toContainEqual(
      expect.objectContaining({ query: 'SOA dodrop.test over UDP with EDNS version 0 and the DO bit' }),
    );
    const one = only(await check('www.onedodrop.test'), 'DELEGATION_DO_DROPPED');
    expect(one.severity).toBe('warning');
    expect(one.detail).toMatch(/^ns2\.onedodrop\.test answers/);
  });

  it('through preflight(): each zone probed once, findings per knob', async () => {
    lab.resetCounts();
    const r = await preflight(['www.tcpoff.test', 'tcpoff.test', 'www.dodrop.test', 'www.alldrop.test'], {
      challenge: 'http-01',
      profile: lab.profile,
      skip: ['propagation', 'certificate', 'http01', 'dnssec'],
    });
    const byName = new Map(r.identifiers.map((i) => [i.identifier, i.findings.map((f) => f.code)]));
    expect(byName.get('www.tcpoff.test')).toContain('DELEGATION_TCP_FAILS');
    expect(byName.get('www.dodrop.test')).toContain('DELEGATION_DO_DROPPED');
    const dodrop = r.identifiers.find((i) => i.identifier === 'www.dodrop.test')!;
    expect(dodrop.verdict).toBe('fail');
    // Our lookups (no DO bit) work, the CA's do not: nothing it reads there is called fine.
    expect(dodrop.findings.map((f) => f.code)).not.toContain('CAA_NONE');
    // Every server drops EDNS: one error for the CA's lookup, the EDNS finding pointing at the cause.
    const all = r.identifiers.find((i) => i.identifier === 'www.alldrop.test')!;
    expect(all.verdict).toBe('fail');
    expect(all.findings.map((f) => f.code)).toContain('DELEGATION_EDNS_UNSUPPORTED');
    expect(all.findings.map((f) => f.code)).not.toContain('DELEGATION_ALL_LAME');
    expect(all.findings.filter((f) => f.severity === 'error')).toHaveLength(1);
    // Two names of tcpoff.test, one TCP probe per server of the zone.
    const tcpSoa = lab.log.filter(
      (e) => e.transport === 'tcp' && e.name === 'tcpoff.test' && e.type === 'SOA',
    );
    expect(tcpSoa.map((e) => e.serverName)).toEqual(['ns2.tcpoff.test']);
  }, 30_000);
});
