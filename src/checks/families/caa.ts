import type { CheckFamily } from '../../engine/context.js';
import { evaluateCaa } from '../caa/evaluate.js';
import { judgeCaa } from '../caa/findings.js';
import { gatherCaa } from '../caa/gather.js';

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
