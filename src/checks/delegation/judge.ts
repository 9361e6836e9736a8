/** Delegation health: pure judgement over the gathered evidence. */
import type { Challenge, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import type { DelegationEvidence } from './gather.js';
import { LAME_STATUSES, lookupEvidence, tablesOf, type QueryTable } from './table.js';
import { judgeEdnsUnreachable, judgeTransport } from './transport.js';
import { endpointKey, listText } from './format.js';
import { displayName } from '../../dns/names.js';
import { acmeChallengeName } from '../../identifiers.js';
import { isDnsChallenge } from '../../report/finding.js';
import { judgeLameness } from './lame.js';
import { judgeNoAddress, judgeNsMismatch, judgeSameSubnet, judgeSingleNs } from './nsset.js';
import { judgeDisagreement, judgeSerials } from './consistency.js';
import { caFailureMessage } from './usage.js';
import { isRegistryZone } from './registry.js';

export { isRegistryZone };

export interface DelegationJudgeOptions {
  /** Lowers disagreement on data this challenge does not use to info. */
  challenge?: Challenge;
}

/** The CA's error when no server of the zone answers its first lookup for this challenge. */
function caLookupFailure(name: string, identifier: string, challenge?: Challenge): string {
  const q = isDnsChallenge(challenge) ? { name: acmeChallengeName(name), type: 'TXT' } : { name, type: 'A' };
  return caFailureMessage(q, true, identifier);
}

export function judgeDelegation(
  ev: DelegationEvidence,
  identifier: string,
  opts: DelegationJudgeOptions = {},
): Finding[] {
  const own = judgeOneZone(ev, identifier, opts);
  // The zones CNAMEs lead the CA into are read as much as the name's own: each judged once.
  const targets = (ev.targets ?? []).flatMap((t) =>
    judgeOneZone(t, identifier, opts).map((f) => ({
      ...f,
      detail: `The CA's lookups for ${ev.name} follow ${listText(t.via ?? [])} into ${'error' in t.zone ? `the zone of ${t.name}` : displayName(t.zone.zone)}. ${f.detail}`,
    })),
  );
  return [...own, ...targets];
}

function judgeOneZone(ev: DelegationEvidence, identifier: string, opts: DelegationJudgeOptions): Finding[] {
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
    const edns = judgeEdnsUnreachable(ev, identifier, caLookupFailure(ev.name, identifier, opts.challenge));
    if (edns) return [edns];
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
  const transport = judgeTransport(
    ev,
    identifier,
    displayName(d.zone),
    caLookupFailure(ev.name, identifier, opts.challenge),
  );
  // A server that only fails EDNS queries is reported for that, once, not as lame for every question.
  const unexplained = (t: QueryTable): QueryTable => ({
    ...t,
    rows: t.rows.filter((r) => !transport.ednsBroken.has(endpointKey(r.server))),
  });
  const served = [
    ...judgeLameness([...apex, ...data].map(unexplained), identifier, d.zone, opts.challenge),
    ...judgeDisagreement(data, soaTable, identifier, opts.challenge),
    ...transport.findings,
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
