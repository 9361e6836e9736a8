import type { CheckFamily } from '../context.js';
import { gatherPropagation, type PropagationEvidence } from '../../checks/propagation/gather.js';
import { judgePropagation } from '../../checks/propagation/judge.js';
import { propagationQuestions } from '../../checks/propagation/check.js';
import { challengeTxtName } from '../../checks/challenge-names.js';

/** One comparison per name the CA reads; none when the profile has no public resolvers. */
export interface PropagationFamilyEvidence {
  names: PropagationEvidence[];
}

/** Public resolvers' caches against the authoritative truth, for the data this challenge uses. */
export const propagationFamily: CheckFamily<PropagationFamilyEvidence> = {
  name: 'propagation',
  applies: (id) => id.type === 'dns',
  async gather(ctx, id) {
    if (ctx.profile.publicResolvers.length === 0) return { names: [] };
    const deps = { askAll: ctx.resolver.askAll.bind(ctx.resolver), askResolvers: ctx.askResolvers };
    const { challenge, accountUri } = ctx.settings;
    const questions = propagationQuestions(id, challenge, challengeTxtName(id.value, challenge, accountUri));
    return { names: await Promise.all(questions.map((q) => gatherPropagation(deps, q.name, q.types))) };
  },
  judge: (ev, { id }) => ev.names.flatMap((n) => judgePropagation(n, id.value)),
};
