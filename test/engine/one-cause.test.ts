/**
 * REFUSED is reported as REFUSED, and one cause gives one error (issue 15, point 6): a zone whose servers
 * all refuse fails every lookup the CA makes in it, but only the CA's first error stays an error; the
 * others point to it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { preflight } from '../../src/index.js';
import type { Challenge } from '../../src/report/finding.js';

describe('a zone whose servers all refuse', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/delegation-health.yaml');
  });
  afterAll(() => lab.stop());

  const run = async (challenge: Challenge) => {
    const r = await preflight(['www.dead.test'], { challenge, profile: lab.profile, skip: ['propagation'] });
    return r.identifiers[0]!;
  };

  const cases: [Challenge, string, string][] = [
    ['http-01', 'DNS_REFUSED', 'DNS problem: SERVFAIL looking up A for www.dead.test'],
    [
      'dns-01',
      'DNS01_LOOKUP_FAILED',
      'DNS problem: SERVFAIL looking up TXT for _acme-challenge.www.dead.test',
    ],
  ];
  it.each(cases)('%s: one error (%s), the consequences point to it', async (challenge, code, ca) => {
    const id = await run(challenge);
    expect(id.verdict).toBe('fail');
    const errors = id.findings.filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.code)).toEqual([code]);
    expect(errors[0]!.caMessage).toContain(ca);
    expect(errors[0]!.detail).toContain('REFUSED');
    const lame = id.findings.find((f) => f.code === 'DELEGATION_ALL_LAME')!;
    expect(lame.severity).toBe('info');
    expect(lame.detail).toMatch(new RegExp(`^Follows from ${code} `));
    expect(lame.acmeProblem).toBeUndefined();
    const caa = id.findings.find((f) => f.code === 'CAA_LOOKUP_FAILED');
    if (caa) expect(caa.severity).toBe('info');
    expect(id.findings.some((f) => f.code === 'DNS_SERVFAIL')).toBe(false);
  });
});
