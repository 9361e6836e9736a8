import type { CheckFamily } from '../context.js';
import { evaluateCaa, type CaaLookup } from '../../checks/caa/evaluate.js';
import { judgeCaa } from '../../checks/caa/judge.js';
import { gatherCaa } from '../../checks/caa/gather.js';

/** The CAA sets at the name and each parent, as the CA's resolver returned them. */
export interface CaaEvidence {
  sets: CaaLookup[];
}

/** CAA for DNS names (RFC 8659); IP identifiers have none. */
export const caaFamily: CheckFamily<CaaEvidence> = {
  name: 'caa',
  applies: (id) => id.type === 'dns',
  gather: async (ctx, id) => ({ sets: await gatherCaa(ctx.resolver, id.base) }),
  judge(ev, { id, settings }) {
    const { issuerDomain, accountUri, challenge: method } = settings;
    const decision = evaluateCaa({
      name: id.base,
      wildcard: id.wildcard,
      sets: ev.sets,
      issuerDomain,
      accountUri,
      method,
    });
    return judgeCaa(decision, id, { issuerDomain, accountUri, method });
  },
};
