import type { CheckFamily } from '../context.js';
import type { CaaLookup } from '../../checks/caa/evaluate.js';
import { judgeCaaWithServers } from '../../checks/caa/disagree.js';
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
    const input = { name: id.base, wildcard: id.wildcard, sets: ev.sets, issuerDomain, accountUri, method };
    return judgeCaaWithServers(input, id, { issuerDomain, accountUri, method });
  },
};
