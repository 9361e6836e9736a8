/**
 * acme-client integration: challenge functions for `client.auto()` that place the record (DNS-01
 * through a provider) or token file (HTTP-01 in a webroot) and return only once the CA would see it.
 */
import type { DnsProvider, RecordHandle } from '../../providers/types.js';
import { defaultProfile, type NetworkProfile } from '../profile.js';
import type { Finding } from '../report/finding.js';
import { RecordStore } from '../solve/store.js';
import { DEFAULT_PROPAGATION_TIMEOUT_MS, type PropagationEvent } from '../solve/propagation.js';
import { placeTxt, removeTxt } from '../solve/place-txt.js';
import { errorLines, removeToken, verifyToken, writeToken } from '../solve/webroot.js';
import { acmeChallengeName } from '../identifiers.js';

/** The parts of acme-client's Authorization and Challenge used here (structurally compatible). */
export interface AcmeAuthorization {
  identifier: { type: string; value: string };
  wildcard?: boolean;
}
export interface AcmeChallenge {
  type: string;
  url: string;
  token?: string;
}

export interface WithPreflightOptions {
  /** DNS-01: the provider that edits the zone. */
  provider?: DnsProvider;
  /** HTTP-01: the directory whose `.well-known/acme-challenge/` the web server serves. */
  webroot?: string;
  /** Where lookups go (default: the real internet). */
  profile?: NetworkProfile;
  /** How long to wait for every authoritative server (default 120 s). */
  propagationTimeoutMs?: number;
  /** Handles of created records; a file-backed store survives a crash (default in memory). */
  store?: RecordStore;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Overrides the challenge order given to acme-client. */
  challengePriority?: string[];
  /** Ctrl-C: waiting for propagation ends and the record is removed (challengeCreateFn rejects). */
  signal?: AbortSignal;
}

export type ChallengeFn = (
  authz: AcmeAuthorization,
  challenge: AcmeChallenge,
  keyAuthorization: string,
) => Promise<void>;

export interface PreflightChallengeFns {
  challengeCreateFn: ChallengeFn;
  challengeRemoveFn: ChallengeFn;
  challengePriority: string[];
}

/** Thrown by challengeCreateFn when the CA would not see the record or token yet; says why. */
export class PreflightChallengeError extends Error {
  override readonly name = 'PreflightChallengeError';
  constructor(
    message: string,
    readonly identifier: string,
    readonly findings: Finding[] = [],
  ) {
    super(message);
  }
}

export function withPreflight(options: WithPreflightOptions): PreflightChallengeFns {
  const { provider, webroot } = options;
  if (!provider && !webroot) throw new TypeError('withPreflight: give a DNS provider, a webroot, or both');
  const profile = options.profile ?? defaultProfile();
  const store = options.store ?? new RecordStore();
  const timeoutMs = options.propagationTimeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS;
  const log = options.log ?? (() => undefined);
  const handles = new Map<string, RecordHandle>();
  const onEvent = (e: PropagationEvent): void => {
    if (e.type === 'seen')
      log(`${e.target.server.name ?? e.target.server.address} serves it (${e.seen}/${e.total})`);
  };

  const challengeCreateFn: ChallengeFn = async (authz, challenge, keyAuthorization) => {
    const name = authz.identifier.value;
    if (challenge.type === 'dns-01') {
      if (!provider) throw new PreflightChallengeError(`no DNS provider for dns-01 (${name})`, name);
      log(`dns-01 ${name}: creating ${acmeChallengeName(name)} TXT ${JSON.stringify(keyAuthorization)}`);
      // acme-client hands dns-01 the TXT value itself (base64url of the key authorization's digest).
      const r = await placeTxt(provider, name, keyAuthorization, {
        profile,
        store,
        timeoutMs,
        onEvent,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      handles.set(challenge.url, r.result.handle);
      if (!r.ok) throw new PreflightChallengeError(r.reason ?? 'not propagated', name);
      log(`dns-01 ${name}: served by every authoritative server`);
      return;
    }
    if (challenge.type === 'http-01') {
      if (!webroot || !challenge.token)
        throw new PreflightChallengeError(`no webroot for http-01 (${name})`, name);
      await writeToken(webroot, challenge.token, keyAuthorization);
      const check = await verifyToken(name, challenge.token, keyAuthorization, profile);
      if (!check.ok)
        throw new PreflightChallengeError(
          `${name} does not serve the HTTP-01 token as the CA will fetch it:\n${errorLines(check.findings)}`,
          name,
          check.findings,
        );
      log(`http-01 ${name}: token served from every address`);
      return;
    }
    throw new PreflightChallengeError(`challenge type ${challenge.type} is not supported`, name);
  };

  const challengeRemoveFn: ChallengeFn = async (authz, challenge, keyAuthorization) => {
    const name = authz.identifier.value;
    if (challenge.type === 'dns-01' && provider) {
      const h = handles.get(challenge.url);
      handles.delete(challenge.url);
      await removeTxt(provider, name, keyAuthorization, { profile, store, extra: h ? [h] : [] });
      return;
    }
    if (challenge.type === 'http-01' && webroot && challenge.token)
      await removeToken(webroot, challenge.token);
  };

  const challengePriority = options.challengePriority ?? [
    ...(webroot ? ['http-01'] : []),
    ...(provider ? ['dns-01'] : []),
  ];
  return { challengeCreateFn, challengeRemoveFn, challengePriority };
}
