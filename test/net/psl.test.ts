import { readFileSync } from 'node:fs';
import { domainToASCII } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { icannSuffix, publicSuffixOf, registrableDomain } from '../../src/net/psl.js';

const load = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/ca-tables/${name}`, import.meta.url), 'utf8')) as T;

interface PslCase {
  group: string;
  name: string;
  registrable: string | null;
  kind: 'icann' | 'private' | 'default-rule' | 'invalid-input';
}
const psl = load<{ cases: PslCase[] }>('psl-test-file.json').cases;
const iana = load<{
  extractSuffixValid: { domain: string; want: string }[];
  extractSuffixInvalid: string[];
  issueExamples: { registrable: string[] };
}>('boulder-iana.json');

/** As the tool sees a name: lower-case A-labels. */
const ascii = (s: string): string => domainToASCII(s.toLowerCase());

describe("the PSL's own test file (tests/test_psl.txt), ICANN cases", () => {
  const icann = psl.filter((c) => c.kind === 'icann');
  it('has the ICANN cases the list ships', () => {
    expect(icann.length).toBeGreaterThan(60);
  });
  it.each(icann.map((c) => [c.name, c] as const))('%s', (_n, c) => {
    expect(registrableDomain(ascii(c.name)) ?? null).toBe(
      c.registrable === null ? null : ascii(c.registrable),
    );
  });
});

describe('the cases the CA decides differently from the PSL test file, by design', () => {
  it('private-section rules are ignored (Boulder iana.ExtractSuffix IgnorePrivate)', () => {
    expect(publicSuffixOf('uk.com')).toBe('com');
    expect(registrableDomain('a.b.example.uk.com')).toBe('uk.com');
  });
  it('no implicit "*" rule: an unlisted TLD has no suffix (DefaultRule nil)', () => {
    for (const c of psl.filter((x) => x.kind === 'default-rule'))
      expect(publicSuffixOf(c.name)).toBeUndefined();
  });
});

describe('Boulder iana/iana_test.go TestExtractSuffix as data', () => {
  it.each(iana.extractSuffixValid.map((c) => [c.domain, c.want] as const))('%s -> %s', (domain, want) => {
    expect(icannSuffix(domain)).toBe(want);
  });
  it.each(iana.extractSuffixInvalid)('%s has no ICANN suffix', (domain) => {
    expect(icannSuffix(domain)).toBeUndefined();
  });
  it.each(iana.issueExamples.registrable)('%s is registrable under jp', (name) => {
    expect(icannSuffix(name)).toBe('jp');
    expect(registrableDomain(`www.${name}`)).toBeUndefined();
    expect(registrableDomain(`b.www.${name}`)).toBe(`b.www.${name}`);
  });
});
