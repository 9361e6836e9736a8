/** CAA end to end over loopback: lab DNS servers, the iterative resolver, the evaluator and the findings. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab, type Scenario } from '../../src/lab/index.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { gatherCaa } from '../../src/checks/caa/gather.js';
import { evaluateCaa } from '../../src/checks/caa/evaluate.js';
import { judgeCaa } from '../../src/checks/caa/judge.js';
import { checkCaa } from '../../src/checks/caa/index.js';
import { parseIdentifier } from '../../src/checks/identifiers.js';

const scenario: Scenario = {
  servers: [
    {
      name: 'a.root-servers.test',
      address: '127.0.41.1',
      role: 'authoritative',
      zones: ['.'],
      overrides: [],
    },
    { name: 'ns1.nic.test', address: '127.0.41.2', role: 'authoritative', zones: ['test'], overrides: [] },
    {
      name: 'ns1.good.test',
      address: '127.0.41.3',
      role: 'authoritative',
      zones: ['good.test'],
      overrides: [],
    },
    {
      name: 'ns1.sf.test',
      address: '127.0.41.4',
      role: 'authoritative',
      zones: ['sf.test'],
      overrides: [],
      fault: { mode: 'servfail', types: ['CAA'] },
    },
  ],
  zones: {
    '.': {
      records: [
        '. 86400 IN SOA a.root-servers.test. h.root-servers.test. 1 1800 900 604800 86400',
        '. 518400 IN NS a.root-servers.test.',
        'a.root-servers.test. 518400 IN A 127.0.41.1',
        'test. 172800 IN NS ns1.nic.test.',
        'ns1.nic.test. 172800 IN A 127.0.41.2',
      ],
    },
    test: {
      records: [
        'test. 900 IN SOA ns1.nic.test. h.nic.test. 1 1800 900 604800 900',
        'test. 172800 IN NS ns1.nic.test.',
        'ns1.nic.test. 172800 IN A 127.0.41.2',
        'good.test. 3600 IN NS ns1.good.test.',
        'ns1.good.test. 3600 IN A 127.0.41.3',
        'sf.test. 3600 IN NS ns1.sf.test.',
        'ns1.sf.test. 3600 IN A 127.0.41.4',
      ],
    },
    'good.test': {
      records: [
        'good.test. 3600 IN SOA ns1.good.test. h.good.test. 1 7200 3600 1209600 300',
        'good.test. 3600 IN NS ns1.good.test.',
        'ns1.good.test. 3600 IN A 127.0.41.3',
        'good.test. 300 IN CAA 0 issue "letsencrypt.org"',
        'www.good.test. 300 IN A 127.0.0.10',
        'deny.good.test. 300 IN A 127.0.0.10',
        'deny.good.test. 300 IN CAA 0 issue "digicert.com"',
        'deny.good.test. 300 IN CAA 0 iodef "mailto:sec@good.test"',
        'iodef.good.test. 300 IN CAA 0 iodef "mailto:sec@good.test"',
        'wildonly.good.test. 300 IN CAA 0 issuewild "digicert.com"',
      ],
    },
    'sf.test': {
      records: [
        'sf.test. 3600 IN SOA ns1.sf.test. h.sf.test. 1 7200 3600 1209600 300',
        'sf.test. 3600 IN NS ns1.sf.test.',
        'ns1.sf.test. 3600 IN A 127.0.41.4',
        'www.sf.test. 300 IN A 127.0.0.10',
      ],
    },
  },
  web: [],
};

describe('CAA over the lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(scenario);
  });
  afterAll(async () => {
    await lab.stop();
  });

  async function check(name: string) {
    const parsed = parseIdentifier(name);
    if (!parsed.ok) throw new Error(parsed.message);
    const id = parsed.identifier;
    const sets = await gatherCaa(new IterativeResolver(lab.profile), id.base);
    const decision = evaluateCaa({
      name: id.base,
      wildcard: id.wildcard,
      sets,
      issuerDomain: 'letsencrypt.org',
      method: 'dns-01',
    });
    return {
      sets,
      decision,
      findings: judgeCaa(decision, id, { issuerDomain: 'letsencrypt.org', method: 'dns-01' }),
    };
  }

  it('finds the relevant set at the parent through NODATA and NXDOMAIN', async () => {
    for (const name of ['www.good.test', 'nope.good.test', '*.good.test']) {
      const { sets, decision, findings } = await check(name);
      expect(decision).toMatchObject({ allowed: true, reason: 'AUTHORIZED', relevantName: 'good.test' });
      expect(sets.map((s) => s.name)).toEqual(
        [name.replace('*.', ''), 'good.test', 'test'].filter((n, i, a) => a.indexOf(n) === i),
      );
      expect(findings.map((f) => f.code)).toEqual(['CAA_AUTHORIZED']);
      expect(findings[0]?.evidence[0]?.source).toContain('127.0.41.3');
    }
    expect((await check('nope.good.test')).sets[0]?.status).toBe('NXDOMAIN');
  });

  it('denies where the name has its own set naming another CA', async () => {
    const { decision, findings } = await check('deny.good.test');
    expect(decision).toMatchObject({
      allowed: false,
      reason: 'FORBIDS_ISSUER',
      relevantName: 'deny.good.test',
    });
    expect(findings[0]?.caMessage).toBe(
      'While processing CAA for deny.good.test: CAA record for deny.good.test prevents issuance',
    );
    expect(findings[0]?.remediation).toContain('deny.good.test. CAA 0 issue "letsencrypt.org"');
    expect(findings[0]?.detail).toContain('digicert.com');
  });

  it.each([
    ['iodef.good.test', 'issue', 'iodef.good.test. CAA 0 iodef "mailto:sec@good.test"'],
    // RFC 8659 §4.2: issuewild governs wildcard names only; a plain name looks at issue alone.
    ['wildonly.good.test', 'issue', 'wildonly.good.test. CAA 0 issuewild "digicert.com"'],
  ])('%s: a CAA set without an %s property does not restrict issuance', async (name, tag, record) => {
    const { decision, findings } = await check(name);
    expect(decision).toMatchObject({ allowed: true, reason: 'NO_RELEVANT_RECORDS', relevantName: name });
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['CAA_NO_RELEVANT_RECORDS', 'info']]);
    expect(findings[0]?.detail).toContain(record);
    expect(findings[0]?.detail).toContain(`has no ${tag} property`);
    expect(findings[0]?.remediation).toContain(`${name}. CAA 0 ${tag} "letsencrypt.org"`);
  });

  it('a wildcard uses issuewild when present, so an issuewild-only set naming another CA denies it', async () => {
    const { decision, findings } = await check('*.wildonly.good.test');
    expect(decision).toMatchObject({ allowed: false, reason: 'ISSUEWILD_FORBIDS' });
    expect(findings[0]?.code).toBe('CAA_ISSUEWILD_FORBIDS');
  });

  it('fails closed when the zone SERVFAILs CAA queries', async () => {
    const { decision, findings } = await check('www.sf.test');
    expect(decision).toMatchObject({ allowed: false, reason: 'LOOKUP_FAILED' });
    expect(decision.failedLookup?.name).toBe('www.sf.test');
    expect(findings[0]).toMatchObject({ code: 'CAA_LOOKUP_FAILED', severity: 'error' });
    expect(findings[0]?.caMessage).toContain('DNS problem: SERVFAIL looking up CAA for www.sf.test');
    expect(findings[0]?.evidence.some((e) => e.source.includes('127.0.41.4'))).toBe(true);
  });

  it('checkCaa runs the whole check and skips IP identifiers', async () => {
    const resolver = new IterativeResolver(lab.profile);
    const www = parseIdentifier('*.deny.good.test');
    const ip = parseIdentifier('8.8.8.8');
    if (!www.ok || !ip.ok) throw new Error('parse');
    const r = await checkCaa(resolver, www.identifier, { method: 'dns-01' });
    expect(r.decision?.reason).toBe('FORBIDS_ISSUER');
    expect(r.findings[0]?.caMessage).toBe(
      'While processing CAA for *.deny.good.test: CAA record for deny.good.test prevents issuance',
    );
    expect(await checkCaa(resolver, ip.identifier, { method: 'http-01' })).toEqual({ findings: [] });
  });
});
