/** Boulder's own CAA test tables as data, against the pure CAA functions. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  CAA_CRITICAL_FLAGS,
  evaluateCaa,
  judgeCaaRecord,
  KNOWN_CAA_TAGS,
  type CaaLookup,
  type CaaRecordData,
} from '../../src/checks/caa/evaluate.js';
import { caaNames } from '../../src/checks/caa/gather.js';
import { parseCaaValue, type CaaParameter } from '../../src/checks/caa/parse.js';
import type { Challenge } from '../../src/report/finding.js';

const t = JSON.parse(
  readFileSync(new URL('../../fixtures/ca-tables/boulder-caa.json', import.meta.url), 'utf8'),
) as {
  accountUri: string;
  method: Challenge;
  fakeDns: Record<string, { error?: string; records?: CaaRecordData[] }>;
  checking: { name: string; domain: string; foundAt: string; valid: boolean }[];
  filter: { name: string; records: CaaRecordData[]; criticalUnknown: boolean }[];
  validationMethods: { name: string; parameters: CaaParameter[]; method: Challenge; want: boolean }[];
  extractIssuer: {
    name: string;
    value: string;
    error?: string;
    domain?: string;
    parameters?: CaaParameter[];
  }[];
};
const LE = 'letsencrypt.org';

/** The CAA answers Boulder's caaFakeDNS gives, one per name of the climb. */
function climb(base: string): CaaLookup[] {
  return caaNames(base).map((name) => {
    const z = t.fakeDns[name];
    const status =
      z?.error === undefined
        ? 'NOERROR'
        : z.error === 'NXDOMAIN'
          ? 'NXDOMAIN'
          : z.error === 'error'
            ? 'TIMEOUT'
            : 'SERVFAIL';
    return {
      name,
      status,
      records: z?.records ?? [],
      evidence: [{ source: 'caaFakeDNS', query: `CAA ${name}`, answer: status }],
    };
  });
}

describe('Boulder va/caa_test.go TestCAAChecking as data', () => {
  it.each(t.checking.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const wildcard = c.domain.startsWith('*.');
    const base = wildcard ? c.domain.slice(2) : c.domain;
    const d = evaluateCaa({
      name: base,
      wildcard,
      sets: climb(base),
      issuerDomain: LE,
      accountUri: t.accountUri,
      method: t.method,
    });
    expect(d.relevantName ?? '').toBe(c.foundAt);
    expect(d.allowed).toBe(c.valid);
  });

  it('TestCAATimeout: a lookup error is a DNS problem', () => {
    const d = evaluateCaa({
      name: 'caa-timeout.com',
      wildcard: false,
      sets: climb('caa-timeout.com'),
      issuerDomain: LE,
      method: 'http-01',
    });
    expect(d).toMatchObject({ allowed: false, reason: 'LOOKUP_FAILED' });
  });
});

describe('Boulder va/caa_test.go TestFilterCAA as data', () => {
  it.each(t.filter.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const critical = c.records.some(
      (r) => !KNOWN_CAA_TAGS.includes(r.tag.toLowerCase()) && (r.flags & CAA_CRITICAL_FLAGS) !== 0,
    );
    expect(critical).toBe(c.criticalUnknown);
    const d = evaluateCaa({
      name: 'example.com',
      wildcard: false,
      sets: [
        { name: 'example.com', status: 'NOERROR', records: c.records, evidence: [] },
        { name: 'com', status: 'NOERROR', records: [], evidence: [] },
      ],
      issuerDomain: LE,
      method: 'http-01',
    });
    expect(d.reason === 'CRITICAL_UNKNOWN_TAG').toBe(c.criticalUnknown);
  });
});

describe('Boulder va/caa_test.go TestValidationMethodMatches as data', () => {
  it.each(t.validationMethods.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const value = [LE, ...c.parameters.map((p) => `${p.tag}=${p.value}`)].join('; ');
    const v = judgeCaaRecord(
      { flags: 0, tag: 'issue', value },
      { issuerDomain: LE, method: c.method, accountUri: 'ph1LwuzHere' },
    );
    // accounturi is judged on its own rows; here only validationmethods decides.
    expect(v.outcome === 'match' || v.outcome === 'accounturi-mismatch').toBe(c.want);
  });
});

describe('Boulder va/caa_test.go TestExtractIssuerDomainAndParameters as data', () => {
  it.each(t.extractIssuer.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    const p = parseCaaValue(c.value);
    if (c.error !== undefined) {
      expect(p.ok).toBe(false);
      if (!p.ok) expect(p.error).toContain(c.error);
    } else {
      expect(p).toEqual({ ok: true, issuerDomain: c.domain, parameters: c.parameters });
    }
  });
});
