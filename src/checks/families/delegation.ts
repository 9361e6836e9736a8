import type { CheckFamily } from '../../engine/context.js';
import { gatherDelegation, judgeDelegation } from '../delegation/index.js';

/** Every authoritative server asked directly: lameness, NS and SOA consistency, disagreeing data. */
export const delegationFamily: CheckFamily = {
  name: 'delegation',
  applies: (id) => id.type === 'dns',
  async run(ctx, id) {
    const ev = await gatherDelegation(ctx.resolver, id.base);
    return judgeDelegation(ev, id.value, { challenge: ctx.settings.challenge });
  },
};
