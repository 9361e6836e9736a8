import type { CheckFamily } from '../context.js';
import { isDnsChallenge } from '../../report/finding.js';
import { judgeResolution, type AddressLookups } from '../../checks/resolution/index.js';

/** A/AAAA as the CA resolves them: only HTTP-01 and TLS-ALPN-01 connect to the name. */
export const resolutionFamily: CheckFamily<AddressLookups> = {
  name: 'resolution',
  applies: (id, s) => id.type === 'dns' && !isDnsChallenge(s.challenge),
  gather: (ctx, id) => ctx.addressLookups(id.base),
  judge: (ev, { id, policy }) => judgeResolution(id.value, ev, policy.allowAddresses).findings,
};
