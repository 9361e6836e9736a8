/** DNS-01 end to end: place a value through a provider, verify it as the CA would, and always clean up. */
import { randomBytes } from 'node:crypto';
import type { IterativeResolverApi, Lookup } from '../dns/api.js';
import type { NetworkProfile } from '../profile.js';
import type { DnsProvider, RecordHandle } from '../../providers/types.js';
import { IterativeResolver } from '../dns/iterative.js';
import { normalizeName } from '../dns/names.js';
import { plainEndpoint, plainLookup, plainResponse } from '../dns/plain.js';
import { challengeName, txtValue } from '../checks/dns01/value.js';
import { ACME_CHALLENGE_LABEL, nameRef } from '../identifiers.js';
import { gatherDns01 } from '../checks/dns01/gather.js';
import { judgeDns01Txt, judgeDnsAccount01Txt, type Dns01Judgement } from '../checks/dns01/judge.js';
import { accountChallengeName } from '../checks/dns01/account.js';
import type {
  TestRecordEvidence,
  TestRecordStage,
  WatchedPropagation,
  WatchedTarget,
} from '../checks/dns01/test-record.js';
import { settleWithin } from '../net/deadline.js';
import {
  DEFAULT_PROPAGATION_TIMEOUT_MS,
  watchPropagation,
  type PropagationEvent,
  type PropagationResult,
  type QueryFn,
} from './propagation.js';
import type { PollSchedule } from './schedule.js';
import { RecordStore, TEST_VALUE_PREFIX, handleKey } from './store.js';

export interface Dns01Options {
  profile: NetworkProfile;
  resolver?: IterativeResolverApi;
  /** Handles of created records; in memory when not given. */
  store?: RecordStore;
  timeoutMs?: number;
  schedule?: PollSchedule;
  includeResolvers?: boolean;
  onEvent?: (e: PropagationEvent) => void;
  queryFn?: QueryFn;
  /**
   * The run's stop signal (Ctrl-C): waiting ends, and a record placed by this call is removed before it
   * rejects. A provider call that creates a record is let finish, so that what it made can be removed.
   */
  signal?: AbortSignal;
  /** Random part of test values (tests make it predictable). */
  random?: () => string;
  /** dns-account-01: the record lives at `_<label>._acme-challenge.<name>` for this account URL. */
  accountUri?: string;
}

/** The record exists at the provider (called before the wait, so output follows what happens). */
export type OnCreated = (created: { fqdn: string; effective: string; handle: RecordHandle }) => void;

const resolverOf = (o: Dns01Options): IterativeResolverApi => o.resolver ?? new IterativeResolver(o.profile);

/** A name already in challenge form: `_acme-challenge.<name>` or `_<label>._acme-challenge.<name>`. */
const CHALLENGE_FORM = new RegExp(`^(_[a-z2-7]{16}\\.)?${ACME_CHALLENGE_LABEL}\\.`);

/**
 * `_acme-challenge.<name>` unless already given in that form; with accountUri (dns-account-01) always the
 * account's `_<label>._acme-challenge.<name>`, also from an `_acme-challenge.` name (lego passes those).
 */
export const challengeFqdn = (nameOrFqdn: string, accountUri?: string): string => {
  const n = normalizeName(nameOrFqdn);
  if (accountUri !== undefined) return accountChallengeName(n.replace(CHALLENGE_FORM, ''), accountUri);
  return CHALLENGE_FORM.test(n) ? n : challengeName(n);
};

/** The name the record must really be created at: the `_acme-challenge` CNAME target, if any. */
export async function effectiveName(
  resolver: IterativeResolverApi,
  nameOrFqdn: string,
  accountUri?: string,
): Promise<{ fqdn: string; effective: string; lookup: Lookup }> {
  const fqdn = challengeFqdn(nameOrFqdn, accountUri);
  const lookup = await resolver.resolve(fqdn, 'TXT');
  return { fqdn, effective: lookup.cnames.length ? lookup.finalName : fqdn, lookup };
}

export interface PresentResult {
  fqdn: string;
  effective: string;
  handle: RecordHandle;
  propagation?: PropagationResult;
}

/**
 * Creates the TXT value (at the CNAME target when delegated), records the handle, then waits unless told
 * not to. Stopped by opts.signal before it returns, it removes the record and rejects.
 */
export async function present(
  provider: DnsProvider,
  nameOrFqdn: string,
  value: string,
  opts: Dns01Options & { wait?: boolean; onCreated?: OnCreated },
): Promise<PresentResult> {
  const resolver = resolverOf(opts);
  const { signal } = opts;
  const startedAt = performance.now();
  const named = effectiveName(resolver, nameOrFqdn, opts.accountUri);
  // Waiting, the CNAME lookup counts against the timeout: past it the record goes to the name itself (as
  // after a failed lookup) and the wait below ends at once, saying why.
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS;
  const plain = challengeFqdn(nameOrFqdn, opts.accountUri);
  const { fqdn, effective } =
    opts.wait === false
      ? await named
      : await settleWithin(named, timeoutMs, { fqdn: plain, effective: plain });
  signal?.throwIfAborted();
  const placedAt = performance.now();
  const store = opts.store ?? new RecordStore();
  const handle = await provider.createTxt(effective, value);
  store.add(handle, 'present');
  opts.onCreated?.({ fqdn, effective, handle });
  const propagation =
    opts.wait === false || signal?.aborted
      ? undefined
      : await watchPropagation(effective, value, { ...opts, resolver, placedAt, startedAt, signal });
  if (signal?.aborted) {
    // Never handed to the caller: nobody else would remove it.
    const err = await deleteRecord(provider, store, handle);
    if (err) throw new Error(`${handle.fqdn} TXT ${JSON.stringify(handle.value)} not removed: ${err}`);
    throw signal.reason;
  }
  return propagation ? { fqdn, effective, handle, propagation } : { fqdn, effective, handle };
}

/** Deletes a record this run created (never with the run's signal: cleanup runs after it); the error text, if any. */
async function deleteRecord(
  provider: DnsProvider,
  store: RecordStore,
  handle: RecordHandle,
): Promise<string | undefined> {
  try {
    await provider.deleteTxt(handle);
    store.remove(handle);
    return undefined;
  } catch (e) {
    return errorText(e);
  }
}

export interface VerifyResult {
  identifier: string;
  fqdn: string;
  judgement: Dns01Judgement;
  /** The CA would accept it and no error was found (e.g. a server lacking it). */
  ok: boolean;
}

/** The CA's lookup of `_acme-challenge.<name>` for the expected value, with the diagnosis. */
export async function verify(name: string, expect: string, opts: Dns01Options): Promise<VerifyResult> {
  const identifier = normalizeName(name).replace(CHALLENGE_FORM, '');
  const account = opts.accountUri;
  const fqdn = account !== undefined ? accountChallengeName(identifier, account) : challengeName(identifier);
  const ev = await gatherDns01(resolverOf(opts), nameRef(identifier), {
    doubled: true,
    ...(account !== undefined ? { name: fqdn } : {}),
  });
  const judgement =
    account !== undefined ? judgeDnsAccount01Txt(ev, expect, account) : judgeDns01Txt(ev, expect);
  return {
    identifier,
    fqdn,
    judgement,
    ok: judgement.valid && !judgement.findings.some((f) => f.severity === 'error'),
  };
}

export interface CleanupResult {
  removed: RecordHandle[];
  failed: { handle: RecordHandle; error: string }[];
  /** Test values served at the name for which no handle is kept: not ours to delete. */
  unmanaged: string[];
}

/**
 * Removes records this tool created at the name, through the provider, using the stored handles.
 * With stale, only test records, and the authoritative servers are asked which test values remain.
 */
export async function cleanup(
  provider: DnsProvider,
  nameOrFqdn: string,
  opts: Dns01Options & { stale?: boolean },
): Promise<CleanupResult> {
  const resolver = resolverOf(opts);
  const store = opts.store ?? new RecordStore();
  const { fqdn, effective } = await effectiveName(resolver, nameOrFqdn, opts.accountUri);
  const names = new Set([fqdn, effective]);
  const mine = store
    .list()
    .filter(
      (r) =>
        names.has(normalizeName(r.handle.fqdn)) &&
        (r.handle.provider === provider.name || !r.handle.provider),
    )
    .filter((r) => !opts.stale || (r.purpose === 'test' && r.handle.value.startsWith(TEST_VALUE_PREFIX)));
  const out: CleanupResult = { removed: [], failed: [], unmanaged: [] };
  if (opts.stale) {
    const all = await resolver.askAll(effective, 'TXT');
    const served = new Set<string>();
    if (!('error' in all))
      for (const a of all.answers)
        if (a.outcome.ok)
          for (const r of a.outcome.response.answers)
            if (r.type === 'TXT' && normalizeName(r.name) === effective) served.add(txtValue(r));
    const known = new Set(mine.map((r) => r.handle.value));
    out.unmanaged = [...served].filter((v) => v.startsWith(TEST_VALUE_PREFIX) && !known.has(v)).sort();
  }
  for (const r of mine) {
    try {
      await provider.deleteTxt(r.handle);
      store.remove(r.handle);
      out.removed.push(r.handle);
    } catch (e) {
      out.failed.push({ handle: r.handle, error: errorText(e) });
    }
  }
  return out;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export interface GuardedOutcome<T> {
  result?: T;
  error?: unknown;
  handle?: RecordHandle;
  createError?: string;
  cleanupError?: string;
}

/**
 * Creates a record, runs fn, and deletes the record on every way out: success, error, or signal (fn's
 * signal aborts with it, then the record is removed before this returns).
 */
export async function withGuardedRecord<T>(
  provider: DnsProvider,
  fqdn: string,
  value: string,
  fn: (handle: RecordHandle, signal: AbortSignal) => Promise<T>,
  opts: { store?: RecordStore; signal?: AbortSignal; purpose?: 'test' | 'present' } = {},
): Promise<GuardedOutcome<T>> {
  const store = opts.store ?? new RecordStore();
  const signal = opts.signal ?? new AbortController().signal;
  const out: GuardedOutcome<T> = {};
  if (signal.aborted) {
    out.createError = `not created: ${errorText(signal.reason)}`;
    return out;
  }
  let handle: RecordHandle;
  try {
    // Not cancelled: a record the provider may already have made must come back as a handle to remove.
    handle = await provider.createTxt(fqdn, value);
  } catch (e) {
    out.createError = errorText(e);
    return out;
  }
  out.handle = handle;
  store.add(handle, opts.purpose ?? 'test');
  if (!signal.aborted) {
    try {
      out.result = await fn(handle, signal);
    } catch (e) {
      out.error = e;
    }
  }
  const err = await deleteRecord(provider, store, handle);
  if (err) out.cleanupError = err;
  return out;
}

export const testValue = (random: () => string = () => randomBytes(8).toString('hex')): string =>
  `${TEST_VALUE_PREFIX}${random()}`;

/**
 * `check --challenge dns-01 --provider P`: place a test value, watch it reach every server, remove it.
 * Returns what was seen as plain data; judgeTestRecord (checks/dns01/test-record.ts) builds the findings.
 */
export async function gatherTestRecord(
  provider: DnsProvider,
  identifier: string,
  opts: Dns01Options,
): Promise<TestRecordEvidence> {
  const resolver = resolverOf(opts);
  const { fqdn, effective, lookup } = await effectiveName(resolver, identifier, opts.accountUri);
  const at = (stage: TestRecordStage): TestRecordEvidence => ({
    identifier,
    provider: provider.name,
    fqdn,
    effective,
    stage,
  });
  if (!(lookup.status === 'NOERROR' || lookup.status === 'NXDOMAIN'))
    return at({ kind: 'lookup-failed', name: fqdn, lookup: plainLookup(lookup) });

  const zone = await resolver.findZone(effective);
  if ('error' in zone) return at({ kind: 'lookup-failed', name: effective, lookup: plainLookup(zone.error) });
  if (provider.zoneNameservers) {
    let listed: string[];
    try {
      listed = await provider.zoneNameservers(effective, opts.signal);
    } catch (e) {
      return at({ kind: 'provider-zone-failed', error: errorText(e) });
    }
    const theirs = listed.map(normalizeName);
    const world = zone.parentNs.map(normalizeName);
    if (theirs.length > 0 && !theirs.some((n) => world.includes(n))) {
      const stage: TestRecordStage = { kind: 'wrong-provider', zone: zone.zone, theirs, world };
      if (zone.referral) stage.referral = plainResponse(zone.referral);
      return at(stage);
    }
  }

  const value = testValue(opts.random);
  const placedAt = performance.now();
  const guarded = await withGuardedRecord(
    provider,
    effective,
    value,
    (_h, signal) => watchPropagation(effective, value, { ...opts, resolver, placedAt, signal }),
    { store: opts.store, signal: opts.signal, purpose: 'test' },
  );
  if (guarded.createError !== undefined)
    return at({ kind: 'create-failed', value, error: guarded.createError });
  const stage: Extract<TestRecordStage, { kind: 'watched' }> = { kind: 'watched', value };
  if (guarded.result) stage.propagation = watched(guarded.result);
  if (guarded.error !== undefined) stage.watchError = errorText(guarded.error);
  if (guarded.cleanupError !== undefined) stage.cleanupError = guarded.cleanupError;
  return at(stage);
}

/** The part of a propagation result the judge reads, without undefined fields. */
function watched(p: PropagationResult): WatchedPropagation {
  const out: WatchedPropagation = {
    targets: p.targets.map((t) => {
      const w: WatchedTarget = { server: plainEndpoint(t.server), kind: t.kind, queries: t.queries };
      if (t.firstSeenMs !== undefined) w.firstSeenMs = t.firstSeenMs;
      if (t.lastAnswer !== undefined) w.lastAnswer = t.lastAnswer;
      return w;
    }),
    complete: p.complete,
    elapsedMs: p.elapsedMs,
  };
  if (p.zone !== undefined) out.zone = p.zone;
  if (p.completedMs !== undefined) out.completedMs = p.completedMs;
  if (p.error !== undefined) out.error = p.error;
  if (p.aborted) out.aborted = true;
  return out;
}

export { handleKey };
