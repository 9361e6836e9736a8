import { validateChain } from '../../src/dns/dnssec/chain.js';
import { judgeDnssec } from '../../src/checks/dnssec/judge.js';
import { makeDs, signZone } from '../../src/lab/dnssec/sign.js';
import type { DnssecFetch } from '../../src/dns/dnssec/chain.js';
import type { FindingCode } from '../../src/report/finding.js';
import { DNSSEC_CODES } from '../../src/report/codes/dnssec.js';
import { codeInfo } from '../../src/report/catalogue.js';
import { buildWorld, intercept, KEYS, NOW, INCEPTION, EXPIRATION, exampleRecords } from './world.js';

const opts = (anchors: string[]) => ({ trustAnchors: anchors, now: NOW });

describe('judgeDnssec', () => {
  it('every code is in the catalogue with a description', () => {
    for (const c of DNSSEC_CODES) {
      expect(codeInfo(c.code).description.length).toBeGreaterThan(20);
      if (c.severity === 'error') expect(c.acmeProblem).toBe('dns');
    }
  });

  it('no findings for a secure lookup far from expiry', async () => {
    const w = buildWorld();
    const r = await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors));
    expect(judgeDnssec(r, 'www.example.test', undefined, NOW)).toEqual([]);
  });

  it('a DS mismatch names both key tags, the CA message and the DS to publish', async () => {
    const w = buildWorld({ exampleDs: [makeDs(KEYS.other)] });
    const r = await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors));
    const [f, ...rest] = judgeDnssec(r, 'www.example.test', 'A for www.example.test', NOW);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      code: 'DNSSEC_BOGUS_DS_MISMATCH',
      severity: 'error',
      acmeProblem: 'urn:ietf:params:acme:error:dns',
      caMessage: 'DNS problem: looking up A for www.example.test: DNSSEC: Bogus',
    });
    expect(f?.remediation).toContain(`DS ${KEYS.exKsk.keyTag} 13 2 `);
    expect(f?.remediation).toContain(String(KEYS.other.keyTag));
    expect(f?.evidence.some((e) => e.query === 'DS example.test')).toBe(true);
  });

  it('an expired signature says when and asks to re-sign', async () => {
    const w = buildWorld({ example: { expiration: new Date('2026-05-20T00:00:00Z') } });
    const r = await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors));
    const [f] = judgeDnssec(r, 'www.example.test', undefined, NOW);
    expect(f?.code).toBe('DNSSEC_BOGUS_SIGNATURE_EXPIRED');
    expect(f?.remediation).toMatch(/Re-sign the zone example\.test .*2026-05-20T00:00:00Z/);
  });

  it('does not warn about short-lived signatures early in their validity', async () => {
    const w = buildWorld({
      example: { inception: new Date('2026-05-31T00:00:00Z'), expiration: new Date('2026-06-03T00:00:00Z') },
    });
    const r = await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors));
    expect(r.status).toBe('secure');
    expect(judgeDnssec(r, 'www.example.test', undefined, NOW)).toEqual([]);
  });

  it('warns about signatures expiring within a week', async () => {
    const w = buildWorld({ example: { expiration: new Date('2026-06-04T00:00:00Z') } });
    const r = await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors));
    const fs = judgeDnssec(r, 'www.example.test', undefined, NOW);
    expect(fs).toHaveLength(1);
    expect(fs.every((f) => f.code === 'DNSSEC_SIGNATURE_EXPIRING' && f.severity === 'warning')).toBe(true);
    expect(fs.every((f) => f.detail.includes('example.test'))).toBe(true);
  });

  it('insecure delegations are info, NSEC3 iterations a warning', async () => {
    const w = buildWorld();
    const r = await validateChain('www.insecure.test', 'A', w.fetch, opts(w.anchors));
    expect(judgeDnssec(r, 'www.insecure.test', undefined, NOW).map((f) => [f.code, f.severity])).toEqual([
      ['DNSSEC_INSECURE', 'info'],
    ]);
    const w2 = buildWorld({
      example: { denial: 'nsec3', nsec3: { iterations: 151, salt: Buffer.alloc(0) } },
    });
    const r2 = await validateChain('nope.example.test', 'A', w2.fetch, opts(w2.anchors));
    const [f] = judgeDnssec(r2, 'nope.example.test', undefined, NOW);
    expect(f).toMatchObject({ code: 'DNSSEC_NSEC3_ITERATIONS', severity: 'warning' });
    expect(f?.remediation).toContain('iterations 0');
  });

  type Case = { fetch: DnssecFetch; anchors: string[]; name?: string };
  const world = (o: Parameters<typeof buildWorld>[0] = {}): Case => buildWorld(o);
  const ds = makeDs(KEYS.exKsk);
  const dsWithAlgorithm = (algorithm: number) => [{ ...ds, data: { ...(ds.data as object), algorithm } }];
  const rows: [string, FindingCode, 'error' | 'warning' | 'info', () => Promise<Case> | Case][] = [
    [
      'a signature valid only from the future',
      'DNSSEC_BOGUS_SIGNATURE_NOT_YET_VALID',
      'error',
      () => world({ example: { inception: new Date('2026-06-10T00:00:00Z') } }),
    ],
    [
      'a DNSKEY set signed only by the ZSK',
      'DNSSEC_BOGUS_DNSKEY_NOT_SIGNED_BY_DS_KEY',
      'error',
      () => {
        const w = buildWorld({ example: { keys: [KEYS.exZsk], publishKeys: true } });
        w.zones[2] = signZone('example.test', [...exampleRecords(), KEYS.exKsk.dnskey], {
          keys: [KEYS.exZsk],
          inception: INCEPTION,
          expiration: EXPIRATION,
        });
        return w;
      },
    ],
    [
      'an A RRset without its RRSIG',
      'DNSSEC_BOGUS_MISSING_RRSIG',
      'error',
      () =>
        world({
          mutateExample: (rs) =>
            rs.filter(
              (r) =>
                !(
                  r.type === 'RRSIG' &&
                  r.name === 'www.example.test' &&
                  (r.data as { typeCovered: string }).typeCovered === 'A'
                ),
            ),
        }),
    ],
    [
      'data changed after signing',
      'DNSSEC_BOGUS_SIGNATURE',
      'error',
      () =>
        world({
          mutateExample: (rs) =>
            rs.map((r) =>
              r.type === 'A' && r.name === 'www.example.test' ? { ...r, data: '192.0.2.99' } : r,
            ),
        }),
    ],
    [
      'a DS naming another algorithm',
      'DNSSEC_BOGUS_ALGORITHM_MISMATCH',
      'error',
      () => world({ exampleDs: dsWithAlgorithm(8) }),
    ],
    [
      'an NXDOMAIN without its NSEC proof',
      'DNSSEC_BOGUS_DENIAL',
      'error',
      () => {
        const w = buildWorld();
        const fetch = intercept(w.fetch, 'www.example.test', 'A', (r) => ({
          ...r,
          rcode: 'NXDOMAIN',
          answers: [],
          authorities: [],
        }));
        return { fetch, anchors: w.anchors };
      },
    ],
    [
      'a DS with only an unsupported algorithm',
      'DNSSEC_UNSUPPORTED_ALGORITHM',
      'info',
      () => world({ exampleDs: dsWithAlgorithm(253) }),
    ],
    [
      'a zone whose DNSKEY query fails',
      'DNSSEC_INDETERMINATE',
      'warning',
      () => {
        const w = buildWorld();
        const fetch = intercept(w.fetch, 'example.test', 'DNSKEY', () => ({
          rcode: 'SERVFAIL',
          answers: [],
          authorities: [],
        }));
        return { fetch, anchors: w.anchors };
      },
    ],
  ];

  it.each(rows)('%s: %s (%s)', async (_what, code, severity, build) => {
    const c = await build();
    const r = await validateChain('www.example.test', 'A', c.fetch, opts(c.anchors));
    const fs = judgeDnssec(r, 'www.example.test', 'A for www.example.test', NOW);
    expect(fs.map((f) => [f.code, f.severity])).toEqual([[code, severity]]);
    if (severity === 'error') {
      expect(fs[0]).toMatchObject({
        acmeProblem: 'urn:ietf:params:acme:error:dns',
        caMessage: 'DNS problem: looking up A for www.example.test: DNSSEC: Bogus',
      });
    }
    expect(fs[0]?.remediation).toMatch(/example\.test/);
    if (code === 'DNSSEC_INDETERMINATE')
      expect(fs[0]?.remediation).toContain('DNSKEY example.test: SERVFAIL');
  });
});
