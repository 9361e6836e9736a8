/** A wildcard's `*.` is stripped in one place (baseName) and `_acme-challenge` is written once (src/identifiers.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ACME_CHALLENGE_LABEL,
  acmeChallengeName,
  baseName,
  identifierValue,
  isWildcard,
  nameRef,
} from '../../src/identifiers.js';
import { challengeName } from '../../src/checks/dns01/value.js';
import { accountChallengeName } from '../../src/checks/dns01/account.js';
import { persistName } from '../../src/checks/dnspersist01/record.js';
import { sources } from './sources.js';

/** Code (not comments) that strips or tests a `*.` prefix, or spells the challenge label. */
export function identifierStrings(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const patterns: [RegExp, string][] = [
    [/\/\^\\\*\\\.\//, 'a /^\\*\\./ strip'],
    [/startsWith\(\s*['"`]\*\.['"`]\s*\)/, "startsWith('*.')"],
    [/['"`]\*\.['"`]/, "a '*.' literal"],
    [/['"`]_acme-challenge/, "an '_acme-challenge' literal"],
  ];
  return patterns.filter(([re]) => re.test(code)).map(([, what]) => what);
}

describe('one model of a name', () => {
  it('baseName strips one leading "*." and nothing else', () => {
    expect(baseName('*.example.com')).toBe('example.com');
    expect(baseName('example.com')).toBe('example.com');
    expect(baseName('a.*.example.com')).toBe('a.*.example.com');
    expect(baseName('*.*.example.com')).toBe('*.example.com');
    expect(isWildcard('*.example.com')).toBe(true);
    expect(isWildcard('*example.com')).toBe(false);
    expect(identifierValue('example.com', true)).toBe('*.example.com');
    expect(identifierValue('example.com', false)).toBe('example.com');
    expect(identifierValue('example.com', undefined)).toBe('example.com');
    expect(acmeChallengeName('example.com')).toBe(`${ACME_CHALLENGE_LABEL}.example.com`);
  });

  it('the challenge names agree for a wildcard and its base', () => {
    expect(challengeName('*.Example.COM.')).toBe('_acme-challenge.example.com');
    expect(challengeName('*.example.com')).toBe(challengeName('example.com'));
    const account = 'https://ca.example/acct/1';
    expect(accountChallengeName('*.example.com', account)).toBe(accountChallengeName('example.com', account));
    expect(accountChallengeName('example.com', account)).toMatch(
      /^_[a-z2-7]{16}\._acme-challenge\.example\.com$/,
    );
    expect(persistName('*.example.com')).toBe(persistName('example.com'));
    expect(nameRef('*.Example.com.').base).toBe('example.com');
  });

  it('finds a strip or a literal in code and ignores comments (the check can fail)', () => {
    expect(identifierStrings("const b = id.replace(/^\\*\\./, '');")).toEqual(['a /^\\*\\./ strip']);
    expect(identifierStrings("if (id.startsWith('*.')) x();")).toEqual([
      "startsWith('*.')",
      "a '*.' literal",
    ]);
    expect(identifierStrings('const n = `_acme-challenge.${base}`;')).toEqual([
      "an '_acme-challenge' literal",
    ]);
    expect(
      identifierStrings("/** `_acme-challenge.<name>` with a leading '*.' stripped */\nconst a = 1;"),
    ).toEqual([]);
  });

  it('no module but src/identifiers.ts strips "*." or spells _acme-challenge', () => {
    const offenders = [...sources('src'), ...sources('providers')]
      .filter((f) => f !== join('src', 'identifiers.ts'))
      .map((f) => ({ file: f, found: identifierStrings(readFileSync(f, 'utf8')) }))
      .filter((o) => o.found.length > 0)
      .map((o) => `${o.file}: ${o.found.join(', ')} (use src/identifiers.ts)`);
    expect(offenders).toEqual([]);
  });
});
