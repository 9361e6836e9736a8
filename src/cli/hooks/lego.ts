/** lego's `exec` provider: `present|cleanup <fqdn> <value>`, or with EXEC_MODE=RAW `present|cleanup -- <domain> <token> <keyAuth>`. */
import { challengeName, keyAuthorizationDigest } from '../../checks/dns01/value.js';
import { UsageError } from '../../errors.js';
import type { Env } from './settings.js';
import { baseName } from '../../identifiers.js';

export interface LegoCall {
  action: 'present' | 'cleanup';
  /** Where the TXT goes (lego's effective FQDN, or `_acme-challenge.<domain>` in RAW mode). */
  fqdn: string;
  value: string;
  raw: boolean;
  /** lego's EXEC_PROPAGATION_TIMEOUT (seconds), when set: how long lego itself would wait. */
  timeoutMs?: number;
  /** lego's EXEC_POLLING_INTERVAL (seconds), when set: the time between polls. */
  pollIntervalMs?: number;
}

/** A positive number of seconds from a lego variable, or undefined when unset; anything else is a usage error. */
function legoSeconds(env: Env, name: string, max: number): number | undefined {
  const v = env[name]?.trim();
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > max)
    throw new UsageError(
      `lego exec: ${name} must be a number of seconds from 1 to ${max}, got ${JSON.stringify(v)}`,
    );
  return Math.round(n * 1000);
}

const USAGE =
  'lego exec: expected present|cleanup <fqdn> <value>, or (EXEC_MODE=RAW) present|cleanup <domain> <token> <keyAuth>';

export function parseLegoCall(argv: readonly string[], env: Env): LegoCall {
  const timing = {
    timeoutMs: legoSeconds(env, 'EXEC_PROPAGATION_TIMEOUT', 3600),
    pollIntervalMs: legoSeconds(env, 'EXEC_POLLING_INTERVAL', 600),
  };
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
      fqdn: challengeName(baseName(domain.replace(/\.$/, ''))),
      value: keyAuthorizationDigest(keyAuth),
      raw,
      ...timing,
    };
  }
  if (rest.length !== 2) throw new UsageError(USAGE);
  const [fqdn, value] = rest as [string, string];
  return { action, fqdn: fqdn.replace(/\.$/, '').toLowerCase(), value, raw, ...timing };
}
