/** The DNS I/O behind DNS-01 judging: the CA's lookup, every authoritative server, and the doubled name. */
import type { IterativeResolverApi } from '../../dns/api.js';
import { plainAnswer, plainLookup } from '../../dns/plain.js';
import type { Dns01TxtEvidence } from './judge.js';
import { challengeName } from './value.js';
import type { NameRef } from '../../identifiers.js';

export interface GatherDns01Options {
  /** Also look up `<name>.<zone>` when the right name holds nothing (the doubled-name mistake). */
  doubled?: boolean;
  /** The TXT name to ask instead of `_acme-challenge.<name>` (dns-account-01). */
  name?: string;
}

/** Plain data (src/dns/plain.ts): it may be gathered by a remote perspective and judged here. */
export async function gatherDns01(
  resolver: IterativeResolverApi,
  id: NameRef,
  opts: GatherDns01Options = {},
): Promise<Dns01TxtEvidence> {
  const name = opts.name ?? challengeName(id.base);
  const identifier = id.value;
  const lookup = plainLookup(await resolver.resolve(name, 'TXT'));
  const ev: Dns01TxtEvidence = opts.name ? { identifier, name, lookup } : { identifier, lookup };
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
