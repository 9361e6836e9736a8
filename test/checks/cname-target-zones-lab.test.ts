/**
 * Delegation health for every zone the CA reads (issue 15, point 6): the zones of CNAME targets and of
 * `_acme-challenge` CNAME targets are checked like the name's own, each zone once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { scenarioSchema } from '../../src/lab/scenario.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { gatherDelegation, judgeDelegation } from '../../src/checks/delegation/index.js';
import type { Challenge, Finding } from '../../src/report/finding.js';

const ip = (n: number, m = 1): string => `127.0.${180 + n}.${m}`;
const soa = (z: string): string => `${z}. 300 IN SOA ns1.${z}. hostmaster.${z}. 1 7200 3600 1209600 300`;

const scenario = scenarioSchema.parse({
  servers: [
    { name: 'a.root', address: ip(0), zones: ['.'] },
    { name: 'a.nic.test', address: ip(1), zones: ['test'] },
    { name: 'ns1.a.test', address: ip(2), zones: ['a.test'] },
    { name: 'ns2.a.test', address: ip(3), zones: ['a.test'] },
    // The target zones have one nameserver each.
    { name: 'ns1.b.test', address: ip(4), zones: ['b.test'] },
    { name: 'ns1.c.test', address: ip(5), zones: ['c.test'] },
  ],
  zones: {
    '.': {
      records: [
        '. 300 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300',
        '. 300 IN NS a.root.',
        `a.root. 300 IN A ${ip(0)}`,
        'test. 300 IN NS a.nic.test.',
        `a.nic.test. 300 IN A ${ip(1)}`,
      ],
    },
    test: {
      records: [
        soa('test'),
        'test. 300 IN NS a.nic.test.',
        `a.nic.test. 300 IN A ${ip(1)}`,
        'a.test. 300 IN NS ns1.a.test.',
        'a.test. 300 IN NS ns2.a.test.',
        `ns1.a.test. 300 IN A ${ip(2)}`,
        `ns2.a.test. 300 IN A ${ip(3)}`,
        'b.test. 300 IN NS ns1.b.test.',
        `ns1.b.test. 300 IN A ${ip(4)}`,
        'c.test. 300 IN NS ns1.c.test.',
        `ns1.c.test. 300 IN A ${ip(5)}`,
      ],
    },
    'a.test': {
      records: [
        soa('a.test'),
        'a.test. 300 IN NS ns1.a.test.',
        'a.test. 300 IN NS ns2.a.test.',
        `ns1.a.test. 300 IN A ${ip(2)}`,
        `ns2.a.test. 300 IN A ${ip(3)}`,
        'www.a.test. 300 IN CNAME host.b.test.',
        '_acme-challenge.www.a.test. 300 IN CNAME www.acme.c.test.',
        'multi.a.test. 300 IN CNAME m.b.test.',
        'plain.a.test. 300 IN A 127.0.0.10',
      ],
    },
    'b.test': {
      records: [
        soa('b.test'),
        'b.test. 300 IN NS ns1.b.test.',
        `ns1.b.test. 300 IN A ${ip(4)}`,
        'host.b.test. 300 IN A 127.0.0.10',
        'm.b.test. 300 IN CNAME n.c.test.',
      ],
    },
    'c.test': {
      records: [
        soa('c.test'),
        'c.test. 300 IN NS ns1.c.test.',
        `ns1.c.test. 300 IN A ${ip(5)}`,
        'www.acme.c.test. 300 IN TXT "value"',
        'n.c.test. 300 IN A 127.0.0.10',
      ],
    },
  },
});

describe('CNAME target zones', () => {
  let lab: Lab;
  let resolver: IterativeResolver;
  beforeAll(async () => {
    lab = await startLab(scenario);
    resolver = new IterativeResolver(lab.profile);
  });
  afterAll(() => lab.stop());

  const check = async (name: string, challenge: Challenge): Promise<Finding[]> =>
    judgeDelegation(await gatherDelegation(resolver, name, challenge), name, { challenge });
  const singleNs = (fs: Finding[]): string[] =>
    fs
      .filter((f) => f.code === 'DELEGATION_SINGLE_NS')
      .map((f) => /(\w+\.test) is served by one/.exec(f.detail)![1]!);

  it('a name without CNAMEs in a healthy zone: nothing', async () => {
    expect(await check('plain.a.test', 'http-01')).toEqual([]);
  });

  it('http-01: the A, AAAA and CAA lookups all reach b.test through one CNAME; it is reported once', async () => {
    const fs = await check('www.a.test', 'http-01');
    expect(singleNs(fs)).toEqual(['b.test']);
    const f = fs.find((x) => x.code === 'DELEGATION_SINGLE_NS')!;
    expect(f.detail).toMatch(
      /^The CA's lookups for www\.a\.test follow www\.a\.test CNAME host\.b\.test into b\.test\. /,
    );
    expect(f.remediation).toContain('Add a second nameserver for b.test');
  });

  it("dns-01: the _acme-challenge CNAME's zone (c.test) and the name's own CNAME zone (b.test, read for CAA)", async () => {
    const fs = await check('www.a.test', 'dns-01');
    expect(singleNs(fs).sort()).toEqual(['b.test', 'c.test']);
    const c = fs.find((x) => x.code === 'DELEGATION_SINGLE_NS' && x.detail.includes('c.test is served'))!;
    expect(c.detail).toContain('_acme-challenge.www.a.test CNAME www.acme.c.test');
  });

  it('a chain through two zones: each zone once', async () => {
    const fs = await check('multi.a.test', 'http-01');
    expect(singleNs(fs).sort()).toEqual(['b.test', 'c.test']);
  });
});
