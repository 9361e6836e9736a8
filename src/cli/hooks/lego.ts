/** lego's `exec` provider: `present|cleanup <fqdn> <value>`, or with EXEC_MODE=RAW `present|cleanup -- <domain> <token> <keyAuth>`. */
import { challengeName, keyAuthorizationDigest } from '../../checks/dns01/value.js';
import { UsageError } from '../../errors.js';
import type { Env } from './settings.js';

export interface LegoCall {
  action: 'present' | 'cleanup';
  /** Where the TXT goes (lego's effective FQDN, or `_acme-challenge.<domain>` in RAW mode). */
  fqdn: string;
  value: string;
  raw: boolean;
}

const USAGE =
  'lego exec: expected present|cleanup <fqdn> <value>, or (EXEC_MODE=RAW) present|cleanup <domain> <token> <keyAuth>';

export function parseLegoCall(argv: readonly string[], env: Env): LegoCall {
  const [action, ...rest0] = argv;
  if (action === 'timeout')
    throw new UsageError('lego exec: "timeout" is not needed; set EXEC_PROPAGATION_TIMEOUT instead');
  if (action !== 'present' && action !== 'cleanup') throw new UsageError(USAGE);
  const rest = rest0[0] === '--' ? rest0.slice(1) : rest0;
  const raw = env.EXEC_MODE === 'RAW';
  if (raw) {
    if (rest.length !== 3) throw new UsageError(USAGE);
    const [domain, , keyAuth] = rest as [string, string, string];
    return {
      action,
      fqdn: challengeName(domain.replace(/\.$/, '').replace(/^\*\./, '')),
      value: keyAuthorizationDigest(keyAuth),
      raw,
    };
  }
  if (rest.length !== 2) throw new UsageError(USAGE);
  const [fqdn, value] = rest as [string, string];
  return { action, fqdn: fqdn.replace(/\.$/, '').toLowerCase(), value, raw };
}
