/**
 * What the engine reports when part of the work cannot be done, over the in-process lab: a DNSSEC chain
 * that cannot be validated (the root's DNSKEY query fails) and a check family that throws.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab, type Scenario } from '../../src/lab/index.js';
import { preflight } from '../../src/engine/preflight.js';
import { CHECK_FAMILIES } from '../../src/engine/registry.js';
import type { CheckFamily } from '../../src/engine/context.js';

/** The real root KSK-2017 DS: the lab root serves no DNSKEY, so nothing can be proven from it. */
const ROOT_DS = '. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D';

const scenario: Scenario = {
  servers: [
    {
      name: 'a.root-servers.test',
      address: '127.0.44.1',
      role: 'authoritative',
      zones: ['.'],
      overrides: [],
      fault: { mode: 'servfail', types: ['DNSKEY'] },
    },
    { name: 'ns1.nic.test', address: '127.0.44.2', role: 'authoritative', zones: ['test'], overrides: [] },
    {
      name: 'ns1.example.test',
      address: '127.0.44.3',
      role: 'authoritative',
      zones: ['example.test'],
      overrides: [],
    },
  ],
  zones: {
    '.': {
      records: [
        '. 86400 IN SOA a.root-servers.test. h.root-servers.test. 1 1800 900 604800 86400',
        '. 518400 IN NS a.root-servers.test.',
        'a.root-servers.test. 518400 IN A 127.0.44.1',
        'test. 172800 IN NS ns1.nic.test.',
        'ns1.nic.test. 172800 IN A 127.0.44.2',
      ],
    },
    test: {
      records: [
        'test. 900 IN SOA ns1.nic.test. h.nic.test. 1 1800 900 604800 900',
        'test. 172800 IN NS ns1.nic.test.',
        'ns1.nic.test. 172800 IN A 127.0.44.2',
        'example.test. 3600 IN NS ns1.example.test.',
        'ns1.example.test. 3600 IN A 127.0.44.3',
      ],
    },
    'example.test': {
      records: [
        'example.test. 3600 IN SOA ns1.example.test. h.example.test. 1 7200 3600 1209600 300',
        'example.test. 3600 IN NS ns1.example.test.',
        'ns1.example.test. 3600 IN A 127.0.44.3',
        'www.example.test. 300 IN A 127.0.0.10',
      ],
    },
  },
  web: [],
  trustAnchors: [ROOT_DS],
};

const DNS_ONLY = ['http-01', 'tls-alpn-01', 'certificate', 'propagation', 'delegation'];

describe('checks that cannot complete', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(scenario);
  });
  afterAll(() => lab.stop());

  it('a DNSSEC chain whose root DNSKEY query fails is indeterminate, naming the failed query', async () => {
    const report = await preflight(['www.example.test'], { profile: lab.profile, skip: DNS_ONLY });
    const [id] = report.identifiers;
    const f = id!.findings.find((x) => x.code === 'DNSSEC_INDETERMINATE');
    expect(f).toMatchObject({ severity: 'warning', identifier: 'www.example.test' });
    expect(f?.detail).toMatch(
      /DNSKEY \.: no server answered authoritatively \(a\.root-servers\.test [^)]*: SERVFAIL\)/,
    );
    expect(f?.remediation).toContain('DNSKEY .: no server answered authoritatively');
    // The addresses themselves resolve: the lab serves no signatures and the name is not bogus.
    expect(id!.findings.map((x) => x.code)).toContain('DNS_RESOLVED');
    expect(id!.verdict).toBe('warn');
  });

  it.each([
    ['gatherer', () => Promise.reject(new RangeError('Invalid array length')), () => []],
    [
      'judge',
      () => Promise.resolve({}),
      () => {
        throw new RangeError('Invalid array length');
      },
    ],
  ])(
    'a family whose %s throws becomes CHECK_INCOMPLETE; the other families still report',
    async (_w, gather, judge) => {
      const broken: CheckFamily = { name: 'exploding', applies: () => true, gather, judge };
      const report = await preflight(['www.example.test'], {
        profile: { ...lab.profile, trustAnchors: [] },
        families: [...CHECK_FAMILIES.filter((f) => !DNS_ONLY.includes(f.name)), broken],
      });
      const findings = report.identifiers[0]!.findings;
      const f = findings.find((x) => x.code === 'CHECK_INCOMPLETE');
      expect(f).toMatchObject({
        severity: 'warning',
        title: 'The exploding checks could not run for www.example.test',
        detail: 'exploding: Invalid array length',
      });
      expect(f?.evidence).toEqual([{ source: 'acme-preflight', answer: 'RangeError' }]);
      expect(findings.map((x) => x.code)).toContain('DNS_RESOLVED');
      expect(report.identifiers[0]!.verdict).toBe('warn');
    },
  );
});
