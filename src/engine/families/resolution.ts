import type { CheckFamily } from '../context.js';
import { judgeResolution } from '../../checks/resolution.js';

/** A/AAAA as the CA resolves them: only HTTP-01 and TLS-ALPN-01 connect to the name. */
export const resolutionFamily: CheckFamily = {
  name: 'resolution',
  applies: (id, s) => id.type === 'dns' && s.challenge !== 'dns-01',
  async run(ctx, id) {
    const lookups = await ctx.addressLookups(id.base);
    return judgeResolution(id.value, lookups, ctx.profile.allowAddresses).findings;
  },
};
