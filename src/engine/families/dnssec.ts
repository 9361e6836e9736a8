import type { CheckFamily } from '../context.js';
import type { Finding } from '../../report/finding.js';
import { judgeDnssec } from '../../checks/dnssec/judge.js';
import { judgeResolverViews, resolverEvidence } from '../../checks/dnssec/resolver-view.js';
import { gatherDnssec, type DnssecEvidence } from '../../checks/dnssec/gather.js';

/** DNSSEC chain of trust from the profile's anchors to every RRset the CA looks up. */
export const dnssecFamily: CheckFamily<DnssecEvidence> = {
  name: 'dnssec',
  applies: (id) => id.type === 'dns',
  gather: (ctx, id) =>
    gatherDnssec(
      {
        resolver: ctx.resolver,
        client: ctx.client,
        trustAnchors: ctx.profile.trustAnchors,
        askResolvers: ctx.profile.publicResolvers.length > 0 ? ctx.askResolvers : undefined,
        now: ctx.settings.now,
      },
      id.base,
      ctx.settings.challenge,
    ),
  judge(ev, { id, settings }) {
    const results = ev.lookups.map(({ name, type, result, views }) => {
      const lookup = `${type} for ${name}`;
      const own = judgeDnssec(result, id.value, lookup, settings.now);
      // The public resolvers' view is evidence on our own errors, and a finding where it differs.
      for (const f of own) if (f.severity === 'error') f.evidence.push(...resolverEvidence(views));
      return [...own, ...judgeResolverViews(result, views, id.value, lookup)];
    });
    // The same broken zone shows up under every lookup; report each distinct problem once.
    const seen = new Set<string>();
    return results.flat().filter((f: Finding) => {
      const key = f.severity === 'info' ? f.code : `${f.code}|${f.remediation}`;
      return !seen.has(key) && seen.add(key);
    });
  },
};
