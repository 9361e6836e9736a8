/**
 * Gathers DNSSEC evidence for the lookups the CA's validating resolver makes: the chain validated from the
 * profile's anchors (the validating resolver is per perspective, so validation is part of gathering) and
 * the public resolvers' view. Plain data: dates are ISO strings, records plain (src/dns/plain.ts).
 */
import type { DnsClient, IterativeResolverApi } from '../../dns/api.js';
import { validateChain, type ChainResult } from '../../dns/dnssec/chain.js';
import { makeResolverFetch } from '../../dns/dnssec/fetch.js';
import { gatherResolverViews, type ResolverView } from '../../dns/dnssec/resolver-view.js';
import { plainEndpoint, plainOutcome, plainRecord, withoutUndefinedDeep } from '../../dns/plain.js';
import type { Challenge } from '../../report/finding.js';
import type { QueryOptions, QueryOutcome, ServerEndpoint } from '../../dns/types.js';

export interface DnssecLookupEvidence {
  name: string;
  type: string;
  result: ChainResult;
  /** The public resolvers' answers with DO (and CD after a SERVFAIL). */
  views: ResolverView[];
}

export interface DnssecEvidence {
  /** Empty when the profile has no trust anchors (validation off). */
  lookups: DnssecLookupEvidence[];
}

export interface DnssecGatherDeps {
  resolver: IterativeResolverApi;
  client: DnsClient;
  trustAnchors: readonly string[];
  askResolvers?: (
    name: string,
    type: string,
    opts?: QueryOptions,
  ) => Promise<{ resolver: ServerEndpoint; outcome: QueryOutcome }[]>;
  now: Date;
}

/** The lookups the CA's validating resolver makes for this challenge; a bogus answer to any is fatal. */
export function caLookups(base: string, challenge: Challenge): [string, string][] {
  const lookups: [string, string][] =
    challenge === 'dns-01'
      ? [[`_acme-challenge.${base}`, 'TXT']]
      : [
          [base, 'A'],
          [base, 'AAAA'],
        ];
  return [...lookups, [base, 'CAA']];
}

const plainChain = (r: ChainResult): ChainResult =>
  withoutUndefinedDeep(r.status === 'secure' ? { ...r, records: r.records.map(plainRecord) } : r);

const plainView = (v: ResolverView): ResolverView => {
  const out: ResolverView = {
    resolver: plainEndpoint(v.resolver),
    verdict: v.verdict,
    plain: plainOutcome(v.plain),
  };
  if (v.checkingDisabled) out.checkingDisabled = plainOutcome(v.checkingDisabled);
  return out;
};

export async function gatherDnssec(
  deps: DnssecGatherDeps,
  base: string,
  challenge: Challenge,
): Promise<DnssecEvidence> {
  const { trustAnchors, now, askResolvers } = deps;
  if (trustAnchors.length === 0) return { lookups: [] };
  const fetch = makeResolverFetch(deps.resolver, deps.client);
  const lookups = await Promise.all(
    caLookups(base, challenge).map(async ([name, type]): Promise<DnssecLookupEvidence> => {
      const [result, views] = await Promise.all([
        validateChain(name, type, fetch, { trustAnchors, now }),
        askResolvers ? gatherResolverViews(askResolvers, name, type) : [],
      ]);
      return { name, type, result: plainChain(result), views: views.map(plainView) };
    }),
  );
  return { lookups };
}
