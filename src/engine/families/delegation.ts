import type { CheckFamily } from '../context.js';
import { gatherDelegation, type DelegationEvidence } from '../../checks/delegation/gather.js';
import { judgeDelegation } from '../../checks/delegation/judge.js';
import { challengeTxtName } from '../../checks/challenge-names.js';

/** Every authoritative server asked directly: lameness, NS and SOA consistency, disagreeing data. */
export const delegationFamily: CheckFamily<DelegationEvidence> = {
  name: 'delegation',
  applies: (id) => id.type === 'dns',
  gather: (ctx, id) =>
    gatherDelegation(
      ctx.resolver,
      id,
      ctx.settings.challenge,
      challengeTxtName(id.value, ctx.settings.challenge, ctx.settings.accountUri),
    ),
  judge: (ev, { id, settings }) => judgeDelegation(ev, id.value, { challenge: settings.challenge }),
};
