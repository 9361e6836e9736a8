import type { CheckFamily } from '../context.js';
import { checkPropagation } from '../../checks/propagation/run.js';

/** Public resolvers' caches against the authoritative truth, for the data this challenge uses. */
export const propagationFamily: CheckFamily = {
  name: 'propagation',
  applies: (id) => id.type === 'dns',
  async run(ctx, id) {
    if (ctx.profile.publicResolvers.length === 0) return [];
    const deps = { askAll: ctx.resolver.askAll.bind(ctx.resolver), askResolvers: ctx.askResolvers };
    return checkPropagation(deps, id.value, ctx.settings.challenge);
  },
};
