import type { CheckFamily } from '../context.js';
import type { Finding } from '../../report/finding.js';
import { validateChain, makeResolverFetch } from '../../dns/dnssec/index.js';
import { gatherResolverViews } from '../../dns/dnssec/resolver-view.js';
import { judgeDnssec } from '../../checks/dnssec/judge.js';
import { judgeResolverViews, resolverEvidence } from '../../checks/dnssec/resolver-view.js';

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
        const lookup = `${type} for ${name}`;
        const [result, views] = await Promise.all([
          validateChain(name, type, fetch, { trustAnchors, now }),
          ctx.profile.publicResolvers.length > 0 ? gatherResolverViews(ctx.askResolvers, name, type) : [],
        ]);
        const own = judgeDnssec(result, id.value, lookup, now);
        // The public resolvers' view is evidence on our own errors, and a finding where it differs.
        for (const f of own) if (f.severity === 'error') f.evidence.push(...resolverEvidence(views));
        return [...own, ...judgeResolverViews(result, views, id.value, lookup)];
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
