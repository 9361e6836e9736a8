/**
 * Delegation health for every zone the CA reads (issue 15, point 6): the zones of CNAME targets and of
 * `_acme-challenge` CNAME targets are checked like the name's own, each zone once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { labWorld } from '../lab/world.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { gatherDelegation, judgeDelegation } from '../../src/checks/delegation/index.js';
import type { Challenge, Finding } from '../../src/report/finding.js';
import { nameRef } from '../../src/identifiers.js';

const SUBNET = 180;

const scenario = labWorld(SUBNET, [
  {
    zone: 'a.test',
    servers: [{}, {}],
    records: [
      'www.a.test. 300 IN CNAME host.b.test.',
      '_acme-challenge.www.a.test. 300 IN CNAME www.acme.c.test.',
      'multi.a.test. 300 IN CNAME m.b.test.',
      'plain.a.test. 300 IN A 127.0.0.10',
    ],
  },
  // The target zones have one nameserver each.
  {
    zone: 'b.test',
    servers: [{}],
    records: ['host.b.test. 300 IN A 127.0.0.10', 'm.b.test. 300 IN CNAME n.c.test.'],
  },
  {
    zone: 'c.test',
    servers: [{}],
    records: ['www.acme.c.test. 300 IN TXT "value"', 'n.c.test. 300 IN A 127.0.0.10'],
  },
]);

describe('CNAME target zones', () => {
  let lab: Lab;
  let resolver: IterativeResolver;
  beforeAll(async () => {
    lab = await startLab(scenario);
    resolver = new IterativeResolver(lab.profile);
  });
  afterAll(() => lab.stop());

  const check = async (name: string, challenge: Challenge): Promise<Finding[]> =>
    judgeDelegation(await gatherDelegation(resolver, nameRef(name), challenge), name, { challenge });
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
