/**
 * `check --acme-dry-run`: a real order at an ACME CA (default Let's Encrypt staging), solved with the
 * provider or webroot, to put the CA's own verdict beside ours; every authorization is deactivated
 * afterwards so nothing is left valid (RFC 8555 section 7.5.2).
 */
import { isIP } from 'node:net';
import acme from 'acme-client';
import type { DnsProvider } from '../../providers/types.js';
import { defaultProfile, type NetworkProfile } from '../profile.js';
import { RecordStore } from '../solve/store.js';
import { withPreflight } from './with-preflight.js';
import { identifierValue } from '../identifiers.js';

export interface AcmeDryRunOptions {
  /** Default: the profile's ACME directory (Let's Encrypt staging). */
  directoryUrl?: string;
  provider?: DnsProvider;
  webroot?: string;
  /** Which challenge to answer when both are possible (default: http-01 with a webroot, else dns-01). */
  challenge?: 'http-01' | 'dns-01';
  profile?: NetworkProfile;
  propagationTimeoutMs?: number;
  store?: RecordStore;
  /** Default: a fresh throw-away account key. */
  accountKey?: Buffer | string;
  email?: string;
  /** How long to wait for the CA to decide one authorization (default 90 s). */
  validationTimeoutMs?: number;
  log?: (line: string) => void;
  /** Ask the CA even when our check says it cannot see the record or token (default true: its verdict is the point). */
  askCaWhenNotVisible?: boolean;
  /** Ctrl-C: the CA is not asked (or no longer waited for); records and tokens are removed, authorizations deactivated. */
  signal?: AbortSignal;
}

export interface CaProblem {
  type: string;
  detail: string;
}

export interface DryRunIdentifier {
  identifier: string;
  challenge?: string;
  /** Our side: the record or token was in place and visible before the CA was asked. */
  placed: boolean;
  placeError?: string;
  /** The CA's verdict on the authorization ('not-asked' when we did not ask it to validate). */
  ca: 'valid' | 'invalid' | 'pending' | 'not-asked';
  problem?: CaProblem;
  /** Status after the dry run: 'deactivated' or 'invalid' means nothing usable is left. */
  finalStatus?: string;
}

export interface DryRunResult {
  directoryUrl: string;
  orderUrl?: string;
  identifiers: DryRunIdentifier[];
  /** The order itself could not be made (account, rate limit, rejected identifier). */
  error?: CaProblem;
  /** The CA validated every authorization. */
  ok: boolean;
}

/** acme-client's default poll is long; a CA's answer for one challenge comes within seconds. */
const POLL_MS = 500;
const DEFAULT_VALIDATION_TIMEOUT_MS = 90_000;

const problemOf = (e: unknown): CaProblem => {
  const o = (e ?? {}) as { type?: unknown; detail?: unknown; message?: unknown };
  return {
    type: String(o.type ?? 'error').replace(/^urn:ietf:params:acme:error:/, ''),
    detail: String(o.detail ?? o.message ?? JSON.stringify(e)),
  };
};

export async function acmeDryRun(names: readonly string[], opts: AcmeDryRunOptions): Promise<DryRunResult> {
  const profile = opts.profile ?? defaultProfile();
  const directoryUrl = opts.directoryUrl ?? profile.acmeDirectory;
  const log = opts.log ?? (() => undefined);
  const fns = withPreflight({
    provider: opts.provider,
    webroot: opts.webroot,
    profile,
    propagationTimeoutMs: opts.propagationTimeoutMs,
    store: opts.store ?? new RecordStore(),
    log,
    challengePriority: opts.challenge ? [opts.challenge] : undefined,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const result: DryRunResult = { directoryUrl, identifiers: [], ok: false };
  const client = new acme.Client({
    directoryUrl,
    accountKey: opts.accountKey ?? (await acme.crypto.createPrivateKey()),
  });
  let order: acme.Order;
  let authzs: acme.Authorization[];
  try {
    await client.createAccount({
      termsOfServiceAgreed: true,
      ...(opts.email ? { contact: [`mailto:${opts.email}`] } : {}),
    });
    order = await client.createOrder({
      identifiers: names.map((value) => ({ type: isIP(value) ? 'ip' : 'dns', value })),
    });
    authzs = await client.getAuthorizations(order);
  } catch (e) {
    result.error = problemOf(e);
    return result;
  }
  result.orderUrl = order.url;
  result.identifiers = await Promise.all(
    authzs.map((authz) =>
      solveOne(
        client,
        authz,
        fns,
        opts.validationTimeoutMs ?? DEFAULT_VALIDATION_TIMEOUT_MS,
        opts.askCaWhenNotVisible ?? true,
        opts.signal,
      ),
    ),
  );
  result.ok = result.identifiers.length > 0 && result.identifiers.every((i) => i.ca === 'valid');
  return result;
}

async function solveOne(
  client: acme.Client,
  authz: acme.Authorization,
  fns: ReturnType<typeof withPreflight>,
  timeoutMs: number,
  askAnyway: boolean,
  signal?: AbortSignal,
): Promise<DryRunIdentifier> {
  const identifier = identifierValue(authz.identifier.value, authz.wildcard);
  const out: DryRunIdentifier = { identifier, placed: false, ca: 'not-asked' };
  const challenge = fns.challengePriority
    .map((t) => authz.challenges.find((c) => c.type === t))
    .find((c) => c !== undefined);
  if (authz.status === 'valid') {
    // A reused authorization proves nothing about today's setup; say so rather than claim a pass.
    out.ca = 'valid';
    out.problem = {
      type: 'reused',
      detail: 'the CA reused an earlier valid authorization; nothing was validated',
    };
  } else if (!challenge) {
    out.placeError = `the CA offered ${authz.challenges.map((c) => c.type).join(', ')}; none can be answered with the given provider or webroot`;
  } else {
    out.challenge = challenge.type;
    const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
    try {
      try {
        await fns.challengeCreateFn(authz, challenge, keyAuthorization);
        out.placed = true;
      } catch (e) {
        out.placeError = e instanceof Error ? e.message : String(e);
      }
      if ((out.placed || askAnyway) && !signal?.aborted) {
        await client.completeChallenge(challenge);
        const decided = await waitForDecision(client, authz, challenge.url, timeoutMs, signal);
        out.ca = decided.status;
        if (decided.problem) out.problem = decided.problem;
      }
    } finally {
      await fns.challengeRemoveFn(authz, challenge, keyAuthorization).catch(() => undefined);
    }
  }
  out.finalStatus = await deactivate(client, authz);
  return out;
}

/** One authorization, fresh (getAuthorizations does a POST-as-GET per URL of the order it is given). */
async function fetchAuthz(client: acme.Client, url: string): Promise<acme.Authorization> {
  const [a] = await client.getAuthorizations({ authorizations: [url] } as acme.Order);
  if (!a) throw new Error(`authorization ${url} vanished`);
  return a;
}

async function waitForDecision(
  client: acme.Client,
  authz: acme.Authorization,
  challengeUrl: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ status: 'valid' | 'invalid' | 'pending'; problem?: CaProblem }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const a = await fetchAuthz(client, authz.url);
    const ch = a.challenges.find((c) => c.url === challengeUrl);
    if (a.status === 'valid') return { status: 'valid' };
    if (a.status === 'invalid' || ch?.status === 'invalid')
      return { status: 'invalid', problem: problemOf(ch?.error) };
    if (signal?.aborted)
      return { status: 'pending', problem: { type: 'interrupted', detail: 'stopped by a signal' } };
    if (Date.now() > until)
      return {
        status: 'pending',
        problem: { type: 'timeout', detail: `no decision within ${timeoutMs} ms` },
      };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** Deactivates a valid or pending authorization; returns the status it ends in. */
async function deactivate(client: acme.Client, authz: acme.Authorization): Promise<string> {
  try {
    const now = await fetchAuthz(client, authz.url);
    if (now.status !== 'valid' && now.status !== 'pending') return now.status;
    const d = await client.deactivateAuthorization(authz);
    return d.status;
  } catch (e) {
    return `deactivation failed: ${problemOf(e).detail}`;
  }
}

/** Text for the report: the CA's verdict beside ours, one line per identifier. */
export function formatDryRun(r: DryRunResult): string {
  const lines = [`ACME dry run at ${r.directoryUrl}${r.orderUrl ? ` (order ${r.orderUrl})` : ''}:`];
  if (r.error) lines.push(`  the CA refused the order: ${r.error.type}: ${r.error.detail}`);
  for (const i of r.identifiers) {
    const ours = i.placed
      ? `ours: ${i.challenge} in place and visible`
      : `ours: not ready: ${(i.placeError ?? 'unknown').split('\n')[0]}`;
    const ca =
      i.ca === 'not-asked'
        ? 'CA not asked'
        : `CA: ${i.ca}${i.problem ? ` (${i.problem.type}: ${i.problem.detail})` : ''}`;
    lines.push(`  ${i.identifier}: ${ours}; ${ca}; authorization now ${i.finalStatus ?? 'unknown'}`);
  }
  lines.push(r.ok ? '  The CA would issue.' : '  The CA would NOT issue.');
  return lines.join('\n') + '\n';
}
