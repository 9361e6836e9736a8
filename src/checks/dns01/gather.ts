/** The DNS I/O behind DNS-01 judging: the CA's lookup, every authoritative server, and the doubled name. */
import type { IterativeResolverApi } from '../../dns/api.js';
import { plainAnswer, plainLookup } from '../../dns/plain.js';
import type { Dns01TxtEvidence } from './judge.js';
import { challengeName } from './value.js';

export interface GatherDns01Options {
  /** Also look up `<name>.<zone>` when the right name holds nothing (the doubled-name mistake). */
  doubled?: boolean;
}

/** Plain data (src/dns/plain.ts): it may be gathered by a remote perspective and judged here. */
export async function gatherDns01(
  resolver: IterativeResolverApi,
  identifier: string,
  opts: GatherDns01Options = {},
): Promise<Dns01TxtEvidence> {
  const name = challengeName(identifier);
  const lookup = plainLookup(await resolver.resolve(name, 'TXT'));
  const ev: Dns01TxtEvidence = { identifier, lookup };
  const answered = lookup.status === 'NOERROR' || lookup.status === 'NXDOMAIN';
  const [all, doubled] = await Promise.all([
    answered ? resolver.askAll(lookup.finalName, 'TXT') : undefined,
    answered && opts.doubled && lookup.records.length === 0 && lookup.zone && lookup.cnames.length === 0
      ? resolver
          .resolve(`${name}.${lookup.zone}`, 'TXT')
          .then((l) => ({ name: `${name}.${lookup.zone}`, lookup: plainLookup(l) }))
      : undefined,
  ]);
  if (all && !('error' in all)) ev.authoritative = all.answers.map(plainAnswer);
  if (doubled) ev.doubled = doubled;
  return ev;
}
