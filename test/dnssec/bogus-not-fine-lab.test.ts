/**
 * A lookup DNSSEC makes bogus is never also reported as fine (issue 15, point 6): the CA's resolver answers
 * SERVFAIL for it, so "Nothing to do" beside the bogus-chain error would contradict it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { preflight } from '../../src/index.js';
import { rr, signedScenario, SIGNED_NOW } from './signed-lab.js';

describe('bogus lookups are not reported as working', () => {
  let lab: Lab;
  beforeAll(async () => {
    const challenge = (apex: string, value: string) => rr(`_acme-challenge.${apex}`, 'TXT', [value]);
    const caa = (apex: string) => rr(apex, 'CAA', { flags: 0, tag: 'issue', value: 'letsencrypt.org' });
    lab = await startLab(
      signedScenario([
        {
          // The TXT record was changed after signing: its RRSIG no longer verifies.
          apex: 'bogus.test',
          records: [
            rr('bogus.test', 'A', '127.0.0.10'),
            caa('bogus.test'),
            challenge('bogus.test', 'signed'),
          ],
          servers: [
            {
              name: 'ns1.bogus.test',
              address: '127.0.73.1',
              overrides: [challenge('bogus.test', 'changed')],
            },
            {
              name: 'ns2.bogus.test',
              address: '127.0.74.1',
              overrides: [challenge('bogus.test', 'changed')],
            },
          ],
        },
        {
          apex: 'good.test',
          records: [rr('good.test', 'A', '127.0.0.10'), caa('good.test'), challenge('good.test', 'signed')],
          servers: [
            { name: 'ns1.good.test', address: '127.0.73.2' },
            { name: 'ns2.good.test', address: '127.0.74.2' },
          ],
        },
      ]),
    );
  });
  afterAll(() => lab.stop());

  const codes = async (name: string, challenge: 'dns-01' | 'http-01') => {
    const r = await preflight([name], {
      challenge,
      profile: lab.profile,
      now: SIGNED_NOW,
      skip: ['propagation', 'certificate', 'http-01'],
    });
    return r.identifiers[0]!.findings.map((f) => f.code);
  };

  it('dns-01: no DNS01_LOOKUP_OK beside a bogus TXT chain', async () => {
    const bogus = await codes('bogus.test', 'dns-01');
    expect(bogus).toContain('DNSSEC_BOGUS_SIGNATURE');
    expect(bogus).not.toContain('DNS01_LOOKUP_OK');
    // The same check on a zone whose chain validates keeps it.
    expect(await codes('good.test', 'dns-01')).toContain('DNS01_LOOKUP_OK');
  });

  it('CAA: no "authorized" beside a bogus CAA chain', async () => {
    lab.setRecords('ns1.bogus.test', ['bogus.test. 300 IN CAA 0 issue "letsencrypt.org; x=1"']);
    lab.setRecords('ns2.bogus.test', ['bogus.test. 300 IN CAA 0 issue "letsencrypt.org; x=1"']);
    const bogus = await codes('bogus.test', 'http-01');
    expect(bogus).toContain('DNSSEC_BOGUS_SIGNATURE');
    expect(bogus).not.toContain('CAA_AUTHORIZED');
    expect(await codes('good.test', 'http-01')).toContain('CAA_AUTHORIZED');
  });
});
