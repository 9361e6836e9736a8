/** Gather and judge CAA for one identifier in one call. */
import type { IterativeResolverApi } from '../../dns/api.js';
import type { Identifier } from '../../identifiers.js';
import type { Challenge, Finding } from '../../report/finding.js';
import { evaluateCaa, type CaaDecision } from './evaluate.js';
import { judgeCaaWithServers } from './disagree.js';
import { gatherCaa } from './gather.js';
import { DEFAULT_ISSUER_DOMAIN } from './issuers.js';

export interface CheckCaaOptions {
  method: Challenge;
  /** Defaults to letsencrypt.org. */
  issuerDomain?: string;
  accountUri?: string;
}

/** CAA is checked for DNS names only (the CA skips IP identifiers). */
export async function checkCaa(
  resolver: Pick<IterativeResolverApi, 'resolve'>,
  identifier: Identifier,
  opts: CheckCaaOptions,
): Promise<{ decision?: CaaDecision; findings: Finding[] }> {
  if (identifier.type !== 'dns') return { findings: [] };
  const issuerDomain = opts.issuerDomain ?? DEFAULT_ISSUER_DOMAIN;
  const sets = await gatherCaa(resolver, identifier.base);
  const judged = {
    issuerDomain,
    method: opts.method,
    ...(opts.accountUri ? { accountUri: opts.accountUri } : {}),
  };
  const input = { name: identifier.base, wildcard: identifier.wildcard, sets, ...judged };
  return { decision: evaluateCaa(input), findings: judgeCaaWithServers(input, identifier, judged) };
}
