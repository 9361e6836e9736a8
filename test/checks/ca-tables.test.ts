/** Boulder's own policy test table as data, against the pure policy functions. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { caDomainError, caIdentifierError, caIpError } from '../../src/checks/ca-policy.js';
import { identifierPolicyFindings, parseIdentifier } from '../../src/checks/identifiers.js';

interface Row {
  type: string;
  value: string;
  error: string | null;
}
const pa = JSON.parse(
  readFileSync(new URL('../../fixtures/ca-tables/boulder-pa.json', import.meta.url), 'utf8'),
) as { wellFormed: Row[]; willing: Row[]; subErrors: Row[] };

/** Boulder's WellFormedIdentifiers on the value as given (its tests skip the WFE's lower-casing). */
const boulder = (r: Row): string | undefined =>
  r.type === 'dns'
    ? caDomainError(r.value)
    : r.type === 'ip'
      ? caIpError(r.value)
      : caIdentifierError(r.type, r.value);

const label = (r: Row): string => `${r.type || '(none)'} ${JSON.stringify(r.value).slice(0, 60)}`;

describe('Boulder policy/pa_test.go as data', () => {
  for (const [table, rows] of [
    ['TestWellFormedIdentifiers', pa.wellFormed],
    ['TestWillingToIssue (no blocklist)', pa.willing],
    ['TestWillingToIssue_SubErrors', pa.subErrors],
  ] as const) {
    describe(table, () => {
      it.each(rows.map((r) => [label(r), r] as const))('%s', (_l, r) => {
        const got = boulder(r);
        if (r.error === null) expect(got).toBeUndefined();
        else if (r.error === 'any') expect(got).toBeDefined();
        else expect(got).toContain(r.error);
      });
    });
  }
  it('covers the whole table', () => {
    expect(pa.wellFormed.length).toBeGreaterThan(80);
  });
});

describe('the user-facing pipeline agrees with the CA table', () => {
  // What the user typed the CA refuses: the CLI refuses it (exit 2) or reports an error, or checks
  // the normalised form and warns with the CA's words (IDENT_INPUT_NOT_CANONICAL).
  const rows = [...pa.wellFormed, ...pa.willing].filter((r) => r.type === 'dns' || r.type === 'ip');
  it.each(rows.map((r) => [label(r), r] as const))('%s', (_l, r) => {
    const parsed = parseIdentifier(r.value);
    if (r.error === null) {
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) return;
      const challenge = parsed.identifier.wildcard ? 'dns-01' : 'http-01';
      const fs = identifierPolicyFindings([parsed.identifier], challenge);
      expect(fs.filter((f) => f.severity !== 'info')).toEqual([]);
      return;
    }
    if (!parsed.ok) return; // a usage error: refused before any check
    // The tool infers the type from the text; an "ip" row whose text is a DNS name is a DNS name here.
    if (parsed.identifier.type !== r.type) return;
    const challenge = parsed.identifier.wildcard ? 'dns-01' : 'http-01';
    const fs = identifierPolicyFindings([parsed.identifier], challenge);
    const refused = fs.filter((f) => f.severity === 'error' || f.code === 'IDENT_INPUT_NOT_CANONICAL');
    expect(refused.length).toBeGreaterThan(0);
  });
});
