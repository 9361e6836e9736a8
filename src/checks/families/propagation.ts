import type { CheckFamily } from '../../engine/context.js';
import { gatherPropagation, judgePropagation } from '../propagation/index.js';

/** Public resolvers' caches against the authoritative truth, for the data this challenge uses. */
export const propagationFamily: CheckFamily = {
  name: 'propagation',
  applies: (id) => id.type === 'dns',
  async run(ctx, id) {
    if (ctx.profile.publicResolvers.length === 0) return [];
    const deps = {
      askAll: ctx.resolver.askAll.bind(ctx.resolver),
      askResolvers: ctx.askResolvers,
    };
    const now = () => ctx.settings.now;
    const dns01 = ctx.settings.challenge === 'dns-01';
    const evidence = await Promise.all([
      gatherPropagation(deps, id.base, dns01 ? ['CAA'] : ['A', 'AAAA', 'CAA'], now),
      ...(dns01 ? [gatherPropagation(deps, `_acme-challenge.${id.base}`, ['TXT'], now)] : []),
    ]);
    return evidence.flatMap((ev) => judgePropagation(ev, id.value));
  },
};
