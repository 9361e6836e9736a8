/**
 * Every failing DNSSEC signature is reported, grouped by key and RRset, not only the first (issue 15,
 * point 6): a zone signed by two ZSKs whose A and CAA records were changed after signing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { preflight } from '../../src/index.js';
import { generateKey } from '../../src/lab/dnssec/sign.js';
import { rr, signedScenario, SIGNED_NOW } from './signed-lab.js';

describe('every failing signature of a zone', () => {
  let lab: Lab;
  const ksk = generateKey('twokeys.test', 13);
  const zsk1 = generateKey('twokeys.test', 13, { ksk: false });
  const zsk2 = generateKey('twokeys.test', 13, { ksk: false });
  const tags = [zsk1.keyTag, zsk2.keyTag].sort((a, b) => a - b);
  beforeAll(async () => {
    const changed = [
      rr('twokeys.test', 'A', '127.0.0.99'),
      rr('twokeys.test', 'CAA', { flags: 0, tag: 'issue', value: 'letsencrypt.org; changed=1' }),
    ];
    lab = await startLab(
      signedScenario([
        {
          apex: 'twokeys.test',
          keys: [ksk, zsk1, zsk2],
          records: [
            rr('twokeys.test', 'A', '127.0.0.10'),
            rr('twokeys.test', 'CAA', { flags: 0, tag: 'issue', value: 'letsencrypt.org' }),
          ],
          servers: [
            { name: 'ns1.twokeys.test', address: '127.0.75.1', overrides: changed },
            { name: 'ns2.twokeys.test', address: '127.0.76.1', overrides: changed },
          ],
        },
      ]),
    );
  });
  afterAll(() => lab.stop());

  it('one finding lists both keys, each with the A and the CAA RRset, one evidence line per signature', async () => {
    const r = await preflight(['twokeys.test'], {
      challenge: 'http-01',
      profile: lab.profile,
      now: SIGNED_NOW,
      skip: ['propagation', 'certificate', 'http-01'],
    });
    const bogus = r.identifiers[0]!.findings.filter((f) => f.code.startsWith('DNSSEC_BOGUS'));
    expect(bogus.map((f) => f.code)).toEqual(['DNSSEC_BOGUS_SIGNATURE']);
    const f = bogus[0]!;
    const [k1, k2] = tags;
    const expectedGroups = new RegExp(
      `key ${k1} \\(algorithm 13\\): A twokeys\\.test \\([^)]*\\), CAA twokeys\\.test \\([^)]*\\); ` +
        `key ${k2} \\(algorithm 13\\): A twokeys\\.test \\([^)]*\\), CAA twokeys\\.test \\([^)]*\\)`,
    );
    expect(f.detail).toMatch(expectedGroups);
    expect(f.evidence.map((e) => e.query).sort()).toEqual(
      [
        `RRSIG A twokeys.test by key ${k1} (algorithm 13)`,
        `RRSIG A twokeys.test by key ${k2} (algorithm 13)`,
        `RRSIG CAA twokeys.test by key ${k1} (algorithm 13)`,
        `RRSIG CAA twokeys.test by key ${k2} (algorithm 13)`,
      ].sort(),
    );
    expect(f.remediation).toContain(`4 signatures by keys ${k1}, ${k2} fail`);
    expect(f.caMessage).toMatch(/^DNS problem: looking up (A|CAA) for twokeys\.test: DNSSEC: Bogus$/);
  }, 30_000);
});
