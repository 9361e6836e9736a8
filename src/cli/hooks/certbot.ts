/** certbot --manual-auth-hook / --manual-cleanup-hook: certbot's variables in, a record or token out. */
import type { RecordHandle } from '../../../providers/types.js';
import { UsageError } from '../../errors.js';
import type { Env } from './settings.js';
import { baseName } from '../../identifiers.js';

/** What certbot tells a manual hook (certbot docs, "Pre and Post Validation Hooks"). */
export interface CertbotVars {
  /** The name being validated (without `*.` for a wildcard). */
  domain: string;
  /** DNS-01: the TXT value; HTTP-01: the key authorization. */
  validation: string;
  /** HTTP-01 only. */
  token?: string;
  remaining?: number;
  allDomains: string[];
  /** cleanup only: what the auth hook printed. */
  authOutput?: string;
}

export function certbotVars(env: Env): CertbotVars {
  const domain = env.CERTBOT_DOMAIN || env.CERTBOT_IDENTIFIER;
  const validation = env.CERTBOT_VALIDATION;
  if (!domain || !validation)
    throw new UsageError(
      'CERTBOT_DOMAIN and CERTBOT_VALIDATION are not set: run this as certbot --manual-auth-hook / --manual-cleanup-hook',
    );
  const remaining = env.CERTBOT_REMAINING_CHALLENGES;
  return {
    domain: baseName(domain),
    validation,
    token: env.CERTBOT_TOKEN || undefined,
    remaining: remaining !== undefined && remaining !== '' ? Number(remaining) : undefined,
    allDomains: (env.CERTBOT_ALL_DOMAINS ?? '').split(',').filter(Boolean),
    authOutput: env.CERTBOT_AUTH_OUTPUT,
  };
}

/** The line the auth hook prints; certbot hands it back to cleanup as CERTBOT_AUTH_OUTPUT. */
export interface AuthState {
  acmePreflight: 1;
  challenge: 'dns-01' | 'dns-account-01' | 'http-01';
  handle?: RecordHandle;
  webroot?: string;
  token?: string;
}

export const AUTH_STATE_PREFIX = 'acme-preflight-state ';

export const formatAuthState = (s: AuthState): string => `${AUTH_STATE_PREFIX}${JSON.stringify(s)}\n`;

/** The state printed by auth, if CERTBOT_AUTH_OUTPUT holds it (other lines are ignored). */
export function parseAuthState(output: string | undefined): AuthState | undefined {
  for (const line of (output ?? '').split('\n')) {
    if (!line.startsWith(AUTH_STATE_PREFIX)) continue;
    try {
      const s = JSON.parse(line.slice(AUTH_STATE_PREFIX.length)) as AuthState;
      if (s.acmePreflight === 1) return s;
    } catch {
      /* not ours */
    }
  }
  return undefined;
}
