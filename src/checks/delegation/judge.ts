/** Delegation health: pure judgement over the gathered evidence. */
import { parse as parseDomain } from 'tldts';
import type { Challenge, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import type { DelegationEvidence } from './gather.js';
import { LAME_STATUSES, lookupEvidence, tablesOf } from './table.js';
import { judgeLameness } from './lame.js';
import { judgeNoAddress, judgeNsMismatch, judgeSameSubnet, judgeSingleNs } from './nsset.js';
import { judgeDisagreement, judgeSerials } from './consistency.js';
import { caFailureMessage } from './usage.js';

export interface DelegationJudgeOptions {
  /** Lowers disagreement on data this challenge does not use to info. */
  challenge?: Challenge;
}

/** The root or a public suffix: the name's own zone was not found, and its set-up is not the user's to fix. */
export function isRegistryZone(zone: string): boolean {
  if (zone === '') return true;
  let registry = registryZones.get(zone);
  if (registry === undefined) {
    registry = parseDomain(zone).domain === null;
    if (registryZones.size >= MAX_REGISTRY_ZONES) registryZones.clear();
    registryZones.set(zone, registry);
  }
  return registry;
}

/** Parsing against the public suffix list is costly and every name of a zone asks about the same zone. */
const registryZones = new Map<string, boolean>();
const MAX_REGISTRY_ZONES = 10_000;

export function judgeDelegation(
  ev: DelegationEvidence,
  identifier: string,
  opts: DelegationJudgeOptions = {},
): Finding[] {
  if ('error' in ev.zone) {
    const l = ev.zone.error;
    if (l.status === 'NO_NAMESERVERS') {
      return [
        finding('DELEGATION_NS_NO_ADDRESS', identifier, {
          title: `No nameserver of the zone containing ${ev.name} has an address`,
          severity: 'error',
          detail: `${l.message ?? 'The delegation names nameservers without a usable address'}: no server can be asked about ${ev.name}.`,
          evidence: lookupEvidence(l),
          remediation: `Give the nameservers listed at the registrar A (and AAAA) records, with glue at the registrar for names inside the zone, or list nameservers that have addresses.`,
          caMessage: caFailureMessage({ name: ev.name, type: 'A' }, false, identifier),
        }),
      ];
    }
    if (LAME_STATUSES.has(l.status)) {
      return [
        finding('DELEGATION_ALL_LAME', identifier, {
          detail: `The zone containing ${ev.name} could not be reached: ${l.message ?? l.status}.`,
          evidence: lookupEvidence(l),
          remediation: `Make the nameservers listed at the registrar for the zone of ${ev.name} serve it authoritatively, or point the NS records at the registrar to servers that do.`,
          caMessage: caFailureMessage({ name: ev.name, type: 'A' }, l.status === 'TIMEOUT', identifier),
        }),
      ];
    }
    return []; // NXDOMAIN and the like belong to the resolution checks
  }
  const d = ev.zone;
  const { apex, data } = tablesOf(ev, d.zone);
  const [nsTable, soaTable] = apex as [(typeof apex)[0], (typeof apex)[1]];
  const served = [
    ...judgeLameness([...apex, ...data], identifier, d.zone, opts.challenge),
    ...judgeDisagreement(data, soaTable, identifier, opts.challenge),
  ];
  if (isRegistryZone(d.zone)) return served;
  return [
    ...served,
    ...judgeNoAddress(d, identifier),
    ...judgeNsMismatch(d, nsTable, identifier),
    ...judgeSerials(soaTable, identifier, d.zone),
    ...judgeSingleNs(d, nsTable, identifier),
    ...judgeSameSubnet(d, identifier),
  ];
}
