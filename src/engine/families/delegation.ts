import type { CheckFamily } from '../context.js';
import { checkDelegation } from '../../checks/delegation/run.js';

/** Every authoritative server asked directly: lameness, NS and SOA consistency, disagreeing data. */
export const delegationFamily: CheckFamily = {
  name: 'delegation',
  applies: (id) => id.type === 'dns',
  run: (ctx, id) => checkDelegation(ctx.resolver, id.value, { challenge: ctx.settings.challenge }),
};
