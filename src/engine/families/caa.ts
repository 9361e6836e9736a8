import type { CheckFamily } from '../context.js';
import { evaluateCaa } from '../../checks/caa/evaluate.js';
import { judgeCaa } from '../../checks/caa/findings.js';
import { gatherCaa } from '../../checks/caa/gather.js';

/** CAA for DNS names (RFC 8659); IP identifiers have none. */
export const caaFamily: CheckFamily = {
  name: 'caa',
  applies: (id) => id.type === 'dns',
  async run(ctx, id) {
    const { issuerDomain, accountUri, challenge: method } = ctx.settings;
    const sets = await gatherCaa(ctx.resolver, id.base);
    const decision = evaluateCaa({
      name: id.base,
      wildcard: id.wildcard,
      sets,
      issuerDomain,
      accountUri,
      method,
    });
    return judgeCaa(decision, id, { issuerDomain, accountUri, method });
  },
};
