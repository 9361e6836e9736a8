import type { CheckFamily } from '../../engine/context.js';
import type { Finding } from '../../report/finding.js';
import { validateChain, makeResolverFetch, judgeDnssec } from '../../dns/dnssec/index.js';

/** The lookups the CA's validating resolver makes for this challenge; a bogus answer to any is fatal. */
function caLookups(base: string, challenge: string): [string, string][] {
  const lookups: [string, string][] =
    challenge === 'dns-01'
      ? [[`_acme-challenge.${base}`, 'TXT']]
      : [
          [base, 'A'],
          [base, 'AAAA'],
        ];
  return [...lookups, [base, 'CAA']];
}

/** DNSSEC chain of trust from the profile's anchors to every RRset the CA looks up. */
export const dnssecFamily: CheckFamily = {
  name: 'dnssec',
  applies: (id) => id.type === 'dns',
  async run(ctx, id) {
    const { trustAnchors } = ctx.profile;
    if (trustAnchors.length === 0) return [];
    const fetch = makeResolverFetch(ctx.resolver, ctx.client);
    const now = ctx.settings.now;
    const results = await Promise.all(
      caLookups(id.base, ctx.settings.challenge).map(async ([name, type]) => {
        const result = await validateChain(name, type, fetch, { trustAnchors, now });
        return judgeDnssec(result, id.value, `${type} for ${name}`, now);
      }),
    );
    // The same broken zone shows up under every lookup; report each distinct problem once.
    const seen = new Set<string>();
    return results.flat().filter((f: Finding) => {
      const key = f.severity === 'info' ? f.code : `${f.code}|${f.remediation}`;
      return !seen.has(key) && seen.add(key);
    });
  },
};
