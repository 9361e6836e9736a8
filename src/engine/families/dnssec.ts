import type { CheckFamily } from '../context.js';
import type { Finding } from '../../report/finding.js';
import { SIGNATURE_CODES, judgeDnssec, signatureFailuresByZone } from '../../checks/dnssec/judge.js';
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
      ctx.settings.accountUri,
    ),
  judge(ev, { id, settings }) {
    // Each lookup stops at its first bogus RRset: together they show every failing signature of a zone.
    const failures = signatureFailuresByZone(ev.lookups.map((l) => l.result));
    const sigZone = new Map<Finding, string>();
    const results = ev.lookups.map(({ name, type, result, views }) => {
      const lookup = `${type} for ${name}`;
      const zoneFailures = result.status === 'bogus' ? failures.get(result.bogus.zone) : undefined;
      const own = judgeDnssec(result, id.value, lookup, settings.now, zoneFailures);
      if (result.status === 'bogus' && SIGNATURE_CODES.has(result.bogus.code))
        for (const f of own) if (f.severity === 'error') sigZone.set(f, result.bogus.zone);
      // The public resolvers' view is evidence on our own errors, and a finding where it differs.
      for (const f of own) if (f.severity === 'error') f.evidence.push(...resolverEvidence(views));
      return [...own, ...judgeResolverViews(result, views, id.value, lookup)];
    });
    // The same broken zone shows up under every lookup; report each distinct problem once.
    const seen = new Set<string>();
    return results.flat().filter((f: Finding) => {
      // A zone's failing signatures are one finding, whichever lookup met them first.
      const zone = sigZone.get(f);
      const key =
        zone !== undefined
          ? `signatures|${zone}`
          : f.severity === 'info'
            ? f.code
            : `${f.code}|${f.remediation}`;
      return !seen.has(key) && seen.add(key);
    });
  },
};
