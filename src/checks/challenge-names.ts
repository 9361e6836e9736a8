/** The TXT name each DNS challenge makes the CA read. Pure. */
import type { Challenge } from '../report/finding.js';
import { challengeName } from './dns01/value.js';
import { accountChallengeName } from './dns01/account.js';
import { persistName } from './dnspersist01/record.js';

/** `_acme-challenge.<base>`, `_<label>._acme-challenge.<base>` or `_validation-persist.<base>`; none for http/tls. */
export function challengeTxtName(
  identifier: string,
  challenge: Challenge,
  accountUri?: string,
): string | undefined {
  switch (challenge) {
    case 'dns-01':
      return challengeName(identifier);
    case 'dns-account-01':
      return accountUri !== undefined ? accountChallengeName(identifier, accountUri) : undefined;
    case 'dns-persist-01':
      return persistName(identifier);
    default:
      return undefined;
  }
}
