import type { CheckFamily } from '../context.js';
import { UsageError } from '../../errors.js';
import { gatherDnsPersist01 } from '../../checks/dnspersist01/gather.js';
import { judgeDnsPersist01, type PersistEvidence } from '../../checks/dnspersist01/judge.js';

/** dns-persist-01: the standing record at `_validation-persist.<name>`, judged as the CA would now. */
export const dnsPersist01Family: CheckFamily<PersistEvidence> = {
  name: 'dns-persist-01',
  applies: (id, s) => id.type === 'dns' && s.challenge === 'dns-persist-01',
  gather: (ctx, id) => gatherDnsPersist01(ctx.resolver, id),
  judge(ev, { settings }) {
    const { issuerDomain, accountUri, now } = settings;
    if (accountUri === undefined)
      throw new UsageError('dns-persist-01 needs the ACME account URL (--account-uri)');
    return judgeDnsPersist01(ev, { issuerDomain, accountUri, now }).findings;
  },
};
