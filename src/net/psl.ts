/**
 * The ICANN section of the Public Suffix List, as the CA reads it (Boulder iana.ExtractSuffix:
 * publicsuffix-go with private rules ignored and no default "*" rule), plus suffixes a lab adds.
 * The list is the one bundled in tldts; tldts treats a name that is only the base of a wildcard
 * rule (kobe.jp under "*.kobe.jp") as a suffix itself, which the PSL algorithm does not: such a
 * name is matched by its parent's rules, so it is corrected here.
 */
import { parse as parseDomain } from 'tldts';

/** The list's provenance, shown by `acme-preflight --version` and in README. */
export const PSL_SOURCE = 'Public Suffix List (ICANN section) bundled in tldts 7.5.5, published 2026-11-19';
export const PSL_DATE = '2026-11-19';

/** A label no PSL exception names, used to ask tldts whether "*.<name>" is a rule. */
const PROBE = 'zz0-acme-preflight-probe';

const icann = (name: string): string | undefined => {
  const r = parseDomain(name, { allowPrivateDomains: false });
  return r.isIcann && r.publicSuffix ? r.publicSuffix : undefined;
};

/** True when "*.<name>" is an ICANN rule (a fresh label under name is itself a suffix). */
const isWildcardBase = (name: string): boolean => icann(`${PROBE}.${name}`) === `${PROBE}.${name}`;

const memo = new Map<string, string | null>();
const MAX_MEMO = 4096;

/** The ICANN public suffix of a lower-case A-label name, or undefined when no ICANN rule matches. */
export function icannSuffix(name: string): string | undefined {
  const hit = memo.get(name);
  if (hit !== undefined) return hit ?? undefined;
  let out = icann(name);
  // No ICANN name is both an explicit rule and a wildcard base, so a wildcard base is not a rule.
  if (out === name && isWildcardBase(name)) {
    const dot = name.indexOf('.');
    const parent = dot < 0 ? '' : name.slice(dot + 1);
    if (parent === '') out = undefined;
    else if (isWildcardBase(parent)) out = name;
    else out = icannSuffix(parent);
  }
  if (memo.size >= MAX_MEMO) memo.clear();
  memo.set(name, out ?? null);
  return out;
}

/** The public suffix of base: the PSL's ICANN section, or a longer lab suffix the caller added. */
export function publicSuffixOf(base: string, extra: readonly string[] = []): string | undefined {
  const lab = extra
    .filter((s) => base === s || base.endsWith('.' + s))
    .sort((a, b) => b.length - a.length)[0];
  if (lab) return lab;
  return icannSuffix(base);
}

/** The registrable domain (suffix plus one label), or undefined when base is a suffix or has none. */
export function registrableDomain(base: string, extra: readonly string[] = []): string | undefined {
  const suffix = publicSuffixOf(base, extra);
  if (!suffix || suffix === base) return undefined;
  const head = base.slice(0, base.length - suffix.length - 1);
  return `${head.slice(head.lastIndexOf('.') + 1)}.${suffix}`;
}
