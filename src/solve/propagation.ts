/** Watches a placed TXT value reach every authoritative server of its zone, asking each server directly. */
import { performance } from 'node:perf_hooks';
import type { IterativeResolverApi } from '../dns/api.js';
import type { NetworkProfile } from '../profile.js';
import type { QueryOutcome, ServerEndpoint } from '../dns/types.js';
import { endpointLabel } from '../dns/types.js';
import { normalizeName } from '../dns/names.js';
import { outcomeAnswer } from '../dns/evidence.js';
import { queryOnce, serverLabel, type TransportOptions } from '../dns/transport.js';
import { txtValue } from '../checks/dns01/value.js';
import { settleWithin } from '../net/deadline.js';
import { DEFAULT_POLL_SCHEDULE, pollDelay, targetsForRound, type PollSchedule } from './schedule.js';

/** Default overall wait for propagation. */
export const DEFAULT_PROPAGATION_TIMEOUT_MS = 120_000;

export type QueryFn = (
  server: ServerEndpoint,
  q: { name: string; type: string },
  opts: TransportOptions,
) => Promise<QueryOutcome>;

export interface TargetProgress {
  server: ServerEndpoint;
  kind: 'authoritative' | 'resolver';
  /** ms since placement when an answer with the value arrived. */
  firstSeenMs?: number;
  queries: number;
  /** The last thing it said, for the report. */
  lastAnswer?: string;
}

export interface PropagationResult {
  fqdn: string;
  value: string;
  zone?: string;
  targets: TargetProgress[];
  /** Every target serves the value. */
  complete: boolean;
  /** ms since placement when the last target was seen serving it. */
  completedMs?: number;
  elapsedMs: number;
  rounds: number;
  /** The zone could not be found, or it was stopped. */
  error?: string;
  aborted?: boolean;
}

export type PropagationEvent =
  | { type: 'zone'; zone: string; targets: TargetProgress[] }
  | { type: 'round'; round: number; asking: number; pending: number; elapsedMs: number }
  | { type: 'seen'; target: TargetProgress; elapsedMs: number; seen: number; total: number }
  | { type: 'done'; result: PropagationResult };

export interface WatchOptions {
  profile: NetworkProfile;
  resolver: Pick<IterativeResolverApi, 'findZone'>;
  timeoutMs?: number;
  schedule?: PollSchedule;
  /** Also wait for the profile's public resolvers (recursion desired). */
  includeResolvers?: boolean;
  /** performance.now() at placement; defaults to the start of the watch. */
  placedAt?: number;
  /** performance.now() when the wait began (the timeout counts from it, lookups before placement included). */
  startedAt?: number;
  onEvent?: (e: PropagationEvent) => void;
  signal?: AbortSignal;
  queryFn?: QueryFn;
  now?: () => number;
}

export function servesValue(o: QueryOutcome, fqdn: string, value: string, authoritative: boolean): boolean {
  if (!o.ok || o.response.rcode !== 'NOERROR') return false;
  if (authoritative && !o.response.flags.aa) return false;
  // A CNAME at fqdn followed by the server still lands the TXT under another owner: accept any TXT in the answer chain.
  return o.response.answers.some((r) => r.type === 'TXT' && txtValue(r) === value);
}

/** Polls every target once per round (first round at once) until each serves value, or the timeout. */
export async function watchPropagation(
  fqdnIn: string,
  value: string,
  opts: WatchOptions,
): Promise<PropagationResult> {
  const now = opts.now ?? (() => performance.now());
  const placedAt = opts.placedAt ?? now();
  const fqdn = normalizeName(fqdnIn);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS;
  const schedule = opts.schedule ?? DEFAULT_POLL_SCHEDULE;
  const queryFn = opts.queryFn ?? queryOnce;
  const started = opts.startedAt ?? now();
  const deadline = started + timeoutMs;
  const emit = (e: PropagationEvent): void => opts.onEvent?.(e);
  const base = { fqdn, value, targets: [] as TargetProgress[], complete: false, rounds: 0 };

  const finish = (r: PropagationResult): PropagationResult => {
    emit({ type: 'done', result: r });
    return r;
  };

  // Dead nameservers must not keep the wait past its timeout: finding the zone counts against it.
  const zone = await settleWithin(opts.resolver.findZone(fqdn), deadline - now(), undefined);
  if (zone === undefined) {
    return finish({
      ...base,
      elapsedMs: Math.round(now() - placedAt),
      error: `cannot find the zone of ${fqdn}: its nameservers did not answer within the ${Math.round(timeoutMs / 1000)} s timeout`,
    });
  }
  if ('error' in zone) {
    return finish({
      ...base,
      elapsedMs: Math.round(now() - placedAt),
      error: `cannot find the zone of ${fqdn}: ${zone.error.message ?? zone.error.status}`,
    });
  }
  if (zone.servers.length === 0) {
    return finish({
      ...base,
      zone: zone.zone,
      elapsedMs: Math.round(now() - placedAt),
      error: `no nameserver of ${zone.zone} has an address`,
    });
  }
  const targets: TargetProgress[] = zone.servers.map((server) => ({
    server,
    kind: 'authoritative',
    queries: 0,
  }));
  if (opts.includeResolvers) {
    for (const r of opts.profile.publicResolvers)
      targets.push({
        server: { name: r.name, address: r.address, port: opts.profile.dnsPort },
        kind: 'resolver',
        queries: 0,
      });
  }
  emit({ type: 'zone', zone: zone.zone, targets });

  const state = new Map(targets.map((t) => [serverLabel(t.server), { t, seen: false, inFlight: false }]));
  const perQueryMs = Math.min(opts.profile.timeouts.dnsQueryMs, timeoutMs);
  let seenCount = 0;
  let wake: (() => void) | undefined;
  let rounds = 0;
  let completedMs: number | undefined;

  const ask = async (key: string): Promise<void> => {
    const s = state.get(key)!;
    s.inFlight = true;
    s.t.queries++;
    const resolverTarget = s.t.kind === 'resolver';
    // One message per round: no retries; a lost answer is simply asked again next round.
    const o = await queryFn(
      s.t.server,
      { name: fqdn, type: 'TXT' },
      { rd: resolverTarget, retries: 0, timeoutMs: perQueryMs },
    );
    s.inFlight = false;
    if (closed) return;
    s.t.lastAnswer = outcomeAnswer(o);
    if (!s.seen && servesValue(o, fqdn, value, !resolverTarget)) {
      s.seen = true;
      seenCount++;
      s.t.firstSeenMs = Math.round(now() - placedAt);
      emit({ type: 'seen', target: s.t, elapsedMs: s.t.firstSeenMs, seen: seenCount, total: targets.length });
      if (seenCount === targets.length) {
        completedMs = s.t.firstSeenMs;
        wake?.();
      }
    }
  };

  let aborted = false;
  let closed = false;
  let fatal: { error: unknown } | undefined;
  const onAbort = (): void => {
    aborted = true;
    wake?.();
  };
  if (opts.signal?.aborted) aborted = true;
  opts.signal?.addEventListener('abort', onAbort);
  try {
    for (let round = 0; seenCount < targets.length && !aborted && !fatal; round++) {
      const delay = pollDelay(round, schedule);
      if (delay > 0) {
        const left = deadline - now();
        if (left <= 0) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(delay, left));
          function done(): void {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          }
          wake = done;
        });
        if (seenCount === targets.length || aborted || fatal || now() >= deadline) break;
      }
      rounds++;
      const keys = targetsForRound(
        [...state].map(([key, s]) => ({ key, seen: s.seen, inFlight: s.inFlight })),
      );
      emit({
        type: 'round',
        round,
        asking: keys.length,
        pending: targets.length - seenCount,
        elapsedMs: Math.round(now() - placedAt),
      });
      for (const k of keys)
        ask(k).catch((e: unknown) => {
          fatal = { error: e };
          wake?.();
        });
    }
  } finally {
    closed = true;
    opts.signal?.removeEventListener('abort', onAbort);
  }
  // A broken transport is not "not propagated yet": the caller must see it (and still clean up).
  if (fatal) throw fatal.error;
  return finish({
    fqdn,
    value,
    zone: zone.zone,
    targets,
    complete: seenCount === targets.length,
    completedMs,
    elapsedMs: Math.round(now() - placedAt),
    rounds,
    aborted: aborted || undefined,
  });
}

/** "ns1.example.com 127.0.0.1:53 after 1234 ms" lines, for text output. */
export function describeTargets(r: PropagationResult): string[] {
  return r.targets.map(
    (t) =>
      `${endpointLabel(t.server)}${t.kind === 'resolver' ? ' (resolver)' : ''}: ${t.firstSeenMs !== undefined ? `serves it after ${t.firstSeenMs} ms` : `not yet (last answer: ${t.lastAnswer ?? 'none'})`} [${t.queries} quer${t.queries === 1 ? 'y' : 'ies'}]`,
  );
}
