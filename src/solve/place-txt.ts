/** DNS-01 for ACME-client hooks: place a value and return once every authoritative server serves it. */
import type { DnsProvider, RecordHandle } from '../../providers/types.js';
import type { NetworkProfile } from '../profile.js';
import { IterativeResolver } from '../dns/iterative.js';
import { normalizeName } from '../dns/names.js';
import { challengeFqdn, effectiveName, present, type PresentResult } from './dns01.js';
import { describeTargets, type PropagationEvent } from './propagation.js';
import { RecordStore, handleKey } from './store.js';
import type { IterativeResolverApi } from '../dns/api.js';
import type { PollSchedule } from './schedule.js';

export interface PlaceOptions {
  profile: NetworkProfile;
  store: RecordStore;
  timeoutMs: number;
  /** Poll timing; the adaptive default when not given. */
  schedule?: PollSchedule;
  resolver?: IterativeResolverApi;
  onEvent?: (e: PropagationEvent) => void;
  /** Ctrl-C: waiting ends, the record is removed, and placeTxt rejects with the signal's reason. */
  signal?: AbortSignal;
  /** dns-account-01: the record goes to this account's label. */
  accountUri?: string;
}

export interface PlaceOutcome {
  ok: boolean;
  result: PresentResult;
  /** Why it is not ready (one line per server still without it). */
  reason?: string;
}

/** Creates `_acme-challenge.<name>` (or fqdn) TXT value through provider and waits for every server. */
export async function placeTxt(
  provider: DnsProvider,
  nameOrFqdn: string,
  value: string,
  o: PlaceOptions,
): Promise<PlaceOutcome> {
  const own = o.resolver ? undefined : new IterativeResolver(o.profile);
  const resolver = o.resolver ?? own!;
  let result: PresentResult;
  try {
    result = await present(provider, nameOrFqdn, value, {
      profile: o.profile,
      resolver,
      store: o.store,
      timeoutMs: o.timeoutMs,
      schedule: o.schedule,
      onEvent: o.onEvent,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.accountUri !== undefined ? { accountUri: o.accountUri } : {}),
    });
  } finally {
    // Lookups still waiting on dead servers (cut by the timeout) end now, so the hook's process exits.
    own?.client.close?.();
  }
  const p = result.propagation;
  if (p?.complete) return { ok: true, result };
  const lines = p ? describeTargets(p) : [];
  const reason =
    `${result.effective} TXT ${JSON.stringify(value)} created through ${provider.name} but not served by every authoritative server` +
    (p?.error ? `: ${p.error}` : ` after ${p?.elapsedMs ?? 0} ms`) +
    (lines.length ? `\n${lines.map((l) => `  ${l}`).join('\n')}` : '');
  return { ok: false, result, reason };
}

export interface RemoveOutcome {
  removed: RecordHandle[];
  failed: { handle: RecordHandle; error: string }[];
}

/**
 * Deletes exactly the records holding value at the name that this tool's store (or the given
 * handles, e.g. from certbot's CERTBOT_AUTH_OUTPUT) says were created; other values stay.
 */
export async function removeTxt(
  provider: DnsProvider,
  nameOrFqdn: string,
  value: string,
  o: {
    profile: NetworkProfile;
    store: RecordStore;
    resolver?: IterativeResolverApi;
    extra?: RecordHandle[];
    accountUri?: string;
  },
): Promise<RemoveOutcome> {
  const stored = o.store
    .list()
    .map((r) => r.handle)
    .filter((h) => h.value === value && (h.provider === provider.name || !h.provider));
  const candidates = [...stored, ...(o.extra ?? []).filter((h) => h.value === value)];
  const out: RemoveOutcome = { removed: [], failed: [] };
  if (candidates.length === 0) return out;
  const names = new Set([normalizeName(nameOrFqdn), challengeFqdn(nameOrFqdn, o.accountUri)]);
  // The record may sit at the _acme-challenge CNAME target; a failed lookup leaves the plain names.
  const own = o.resolver ? undefined : new IterativeResolver(o.profile);
  try {
    const e = await effectiveName(o.resolver ?? own!, nameOrFqdn, o.accountUri);
    names.add(e.fqdn).add(e.effective);
  } catch {
    /* fall through with the names given */
  } finally {
    own?.client.close?.();
  }
  const seen = new Set<string>();
  for (const h of candidates) {
    const key = handleKey(h);
    if (seen.has(key) || !names.has(normalizeName(h.fqdn))) continue;
    seen.add(key);
    try {
      await provider.deleteTxt(h);
      o.store.remove(h);
      out.removed.push(h);
    } catch (e) {
      out.failed.push({ handle: h, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
