/** The ICANN section of the Public Suffix List (tldts), plus suffixes a lab adds. */
import { parse as parseDomain } from 'tldts';

/** The public suffix of base: the PSL's ICANN section, or a longer lab suffix the caller added. */
export function publicSuffixOf(base: string, extra: readonly string[] = []): string | undefined {
  const lab = extra
    .filter((s) => base === s || base.endsWith('.' + s))
    .sort((a, b) => b.length - a.length)[0];
  if (lab) return lab;
  const psl = parseDomain(base, { allowPrivateDomains: false });
  return psl.isIcann && psl.publicSuffix ? psl.publicSuffix : undefined;
}
