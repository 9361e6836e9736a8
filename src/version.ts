/** Kept equal to package.json's version by a test; a constant keeps `--version` free of file reads. */
export const VERSION = '0.1.0';
/** The dated data the checks rest on (src/net/psl.ts PSL_SOURCE, src/net/iana-registry.ts); a test keeps them equal. */
export const DATA_VERSIONS =
  'Public Suffix List (ICANN section) bundled in tldts 7.5.5, published 2026-11-19; IANA special-purpose address registries as embedded by Boulder (letsencrypt/boulder 5493682, 2025-06-30)';
