/** Gathers what the delegation judge needs: the zone cut and every authoritative server's answers. */
import type { Delegation, IterativeResolverApi, Lookup } from '../../dns/api.js';
import { normalizeName } from '../../dns/names.js';
import { plainAskAll, plainDelegation, plainLookup } from '../../dns/plain.js';
import { isDnsChallenge, type Challenge } from '../../report/finding.js';
import { acmeChallengeName, baseName } from '../../identifiers.js';

export type AskAllResult = Awaited<ReturnType<IterativeResolverApi['askAll']>>;

export interface AskedQuery {
  name: string;
  type: string;
  result: AskAllResult;
}

export interface DelegationEvidence {
  /** The name looked at (a wildcard's `*.` removed), lower-case. */
  name: string;
  /** The zone containing name, with the parent's NS set; or why it could not be found. */
  zone: Delegation | { error: Lookup };
  /** NS and SOA at the zone apex, asked of every server. */
  ns?: AskAllResult;
  soa?: AskAllResult;
  /** A, AAAA, CNAME, CAA at name and TXT at _acme-challenge.name, asked of every server. */
  data: AskedQuery[];
}

/** The questions the CA's validation depends on. */
export const DATA_TYPES = ['A', 'AAAA', 'CNAME', 'CAA'] as const;
/** The lower-case name without a wildcard's `*.`. */
export const delegationName = (identifier: string): string => normalizeName(baseName(identifier));

/**
 * Only the data the CA will look at for this challenge, so a large order stays cheap. An A answer from
 * an authoritative server carries the CNAME too, so CNAME disagreement shows without its own query.
 */
export function delegationQuestions(
  base: string,
  challenge?: Challenge,
  txtName?: string,
): [string, string][] {
  const txt: [string, string] = [txtName ?? acmeChallengeName(base), 'TXT'];
  if (isDnsChallenge(challenge)) return [[base, 'CAA'], txt];
  if (challenge)
    return [
      [base, 'A'],
      [base, 'AAAA'],
      [base, 'CAA'],
    ];
  return [...DATA_TYPES.map((t): [string, string] => [base, t]), txt];
}

/** Plain data (src/dns/plain.ts), so another perspective can gather it. */
export async function gatherDelegation(
  resolver: IterativeResolverApi,
  name: string,
  challenge?: Challenge,
  /** The TXT name the challenge reads (dns-account-01, dns-persist-01); default `_acme-challenge.<base>`. */
  txtName?: string,
): Promise<DelegationEvidence> {
  const base = delegationName(name);
  // Every branch of delegationQuestions asks CAA at base, and the CAA check asks it too.
  const found = await resolver.findZone(base, 'CAA');
  if ('error' in found) return { name: base, zone: { error: plainLookup(found.error) }, data: [] };
  const zone = plainDelegation(found);
  const questions = delegationQuestions(base, challenge, txtName);
  const [ns, soa, ...answers] = await Promise.all([
    resolver.askAll(zone.zone, 'NS'),
    resolver.askAll(zone.zone, 'SOA'),
    ...questions.map(([n, t]) => resolver.askAll(n, t)),
  ]);
  return {
    name: base,
    zone,
    ns: plainAskAll(ns),
    soa: plainAskAll(soa),
    data: questions.map(([n, t], i) => ({ name: n, type: t, result: plainAskAll(answers[i]!) })),
  };
}
