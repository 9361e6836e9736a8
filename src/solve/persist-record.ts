/**
 * dns-persist-01 standing records for infrastructure-as-code tools: the exact record to publish, and
 * optionally its creation through a DNS provider with a wait until every authoritative server serves it.
 * Such a record is never removed by this tool: it is the authorisation itself.
 */
import { performance } from 'node:perf_hooks';
import type { DnsProvider, RecordHandle } from '../../providers/types.js';
import { defaultProfile, type NetworkProfile } from '../profile.js';
import { UsageError } from '../errors.js';
import { IterativeResolver } from '../dns/iterative.js';
import type { IterativeResolverApi } from '../dns/api.js';
import { parseIdentifier } from '../checks/identifiers.js';
import { isWildcard, nameRef } from '../identifiers.js';
import {
  accountUriProblem,
  persistName,
  persistRecordValue,
  zoneFileStrings,
} from '../checks/dnspersist01/record.js';
import { gatherDnsPersist01 } from '../checks/dnspersist01/gather.js';
import { judgeDnsPersist01, type PersistJudgement } from '../checks/dnspersist01/judge.js';
import {
  DEFAULT_PROPAGATION_TIMEOUT_MS,
  servesValue,
  watchPropagation,
  type PropagationEvent,
  type PropagationResult,
} from './propagation.js';

/** The TTL printed in the zone-file line: a standing record changes rarely. */
export const PERSIST_RECORD_TTL = 3600;
const DEFAULT_ISSUER = 'letsencrypt.org';

export interface PersistRecordOptions {
  /** The ACME account URL (the Location of newAccount), exactly as the CA knows it. */
  accountUri: string;
  /** Authorise wildcards and subdomains too (policy=wildcard); implied for a `*.` name. */
  wildcard?: boolean;
  /** The record stops authorising after this instant (a Date, or Unix seconds). */
  persistUntil?: Date | number;
  /** The CA's issuer domain (default letsencrypt.org). */
  issuerDomain?: string;
  /** For persistUntil checks (tests). */
  now?: Date;
}

export interface PersistRecord {
  /** The names this record serves, as given (a name and its wildcard share one record). */
  identifiers: string[];
  /** `_validation-persist.<name>`. */
  name: string;
  /** The TXT value, unquoted. */
  value: string;
  /** A zone-file line (RFC 1035 presentation, strings split at 255 octets). */
  zoneLine: string;
  wildcard: boolean;
  persistUntil?: number;
}

/** Unix seconds from a Date or a number, refusing anything that is not a whole future time. */
function untilSeconds(v: Date | number, now: Date): number {
  const s = v instanceof Date ? Math.floor(v.getTime() / 1000) : v;
  if (!Number.isSafeInteger(s)) throw new UsageError(`persistUntil ${String(v)} is not a valid time`);
  if (s * 1000 <= now.getTime())
    throw new UsageError(`persistUntil ${new Date(s * 1000).toISOString()} is not in the future`);
  return s;
}

/** The records to publish for these names (pure): one per `_validation-persist` name. */
export function persistRecords(names: readonly string[], opts: PersistRecordOptions): PersistRecord[] {
  if (names.length === 0) throw new UsageError('give at least one name');
  const problem = accountUriProblem(opts.accountUri);
  if (problem) throw new UsageError(`--account-uri: ${problem}`);
  let url: URL | undefined;
  try {
    url = new URL(opts.accountUri);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new UsageError(
      `--account-uri ${opts.accountUri}: not an http(s) URL (the account URL the CA returned)`,
    );
  const issuerDomain = opts.issuerDomain ?? DEFAULT_ISSUER;
  const persistUntil =
    opts.persistUntil !== undefined ? untilSeconds(opts.persistUntil, opts.now ?? new Date()) : undefined;
  const byName = new Map<string, { identifiers: string[]; wildcard: boolean }>();
  for (const n of names) {
    const r = parseIdentifier(n);
    if (!r.ok) throw new UsageError(r.message);
    if (r.identifier.type !== 'dns')
      throw new UsageError(`${n}: dns-persist-01 needs a DNS name, not an IP address`);
    const name = persistName(r.identifier.value);
    const entry = byName.get(name) ?? { identifiers: [], wildcard: false };
    entry.identifiers.push(r.identifier.value);
    entry.wildcard ||= r.identifier.wildcard || opts.wildcard === true;
    byName.set(name, entry);
  }
  return [...byName].map(([name, e]) => {
    const value = persistRecordValue({
      issuerDomain,
      accountUri: opts.accountUri,
      wildcard: e.wildcard,
      persistUntil,
    });
    return {
      identifiers: e.identifiers,
      name,
      value,
      zoneLine: `${name}. ${PERSIST_RECORD_TTL} IN TXT ${zoneFileStrings(value)}`,
      wildcard: e.wildcard,
      ...(persistUntil !== undefined ? { persistUntil } : {}),
    };
  });
}

export interface ApplyPersistOptions {
  profile?: NetworkProfile;
  resolver?: IterativeResolverApi;
  timeoutMs?: number;
  onEvent?: (e: PropagationEvent) => void;
  issuerDomain?: string;
  accountUri: string;
  now?: Date;
}

export interface AppliedPersistRecord {
  record: PersistRecord;
  /** Where it was created: the `_validation-persist` name, or its CNAME target. */
  effective: string;
  /** False when every authoritative server already served exactly this value (nothing was created). */
  created: boolean;
  handle?: RecordHandle;
  propagation?: PropagationResult;
  /** The CA's judgement of the name afterwards, from a fresh lookup. */
  judgement?: PersistJudgement;
  /** Served by every authoritative server and accepted by the CA's rules. */
  ok: boolean;
  error?: string;
}

/**
 * Creates the record through the provider (at the CNAME target when the name is an alias), unless it is
 * already served everywhere, then waits until every authoritative server serves it, then judges it.
 */
export async function applyPersistRecord(
  provider: DnsProvider,
  record: PersistRecord,
  opts: ApplyPersistOptions,
): Promise<AppliedPersistRecord> {
  const profile = opts.profile ?? defaultProfile();
  const resolver = opts.resolver ?? new IterativeResolver(profile);
  const lookup = await resolver.resolve(record.name, 'TXT');
  const effective = lookup.cnames.length ? lookup.finalName : record.name;
  const watch = { profile, resolver, timeoutMs: opts.timeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS };
  // A record already everywhere is not created twice: some provider APIs would add a duplicate.
  const before = await resolver.askAll(effective, 'TXT');
  const everywhere =
    !('error' in before) &&
    before.answers.length > 0 &&
    before.answers.every((a) => servesValue(a.outcome, effective, record.value, true));
  let handle: RecordHandle | undefined;
  let propagation: PropagationResult;
  if (everywhere)
    propagation = await watchPropagation(effective, record.value, { ...watch, onEvent: opts.onEvent });
  else {
    const placedAt = performance.now();
    try {
      handle = await provider.createTxt(effective, record.value);
    } catch (e) {
      return {
        record,
        effective,
        created: false,
        ok: false,
        error: e instanceof Error ? e.message : String(e),
      };
    }
    propagation = await watchPropagation(effective, record.value, {
      ...watch,
      placedAt,
      onEvent: opts.onEvent,
    });
  }
  // A fresh resolver: the first lookup's negative answer must not be reused.
  const fresh = new IterativeResolver(profile);
  const checked = record.identifiers.find(isWildcard) ?? record.identifiers[0]!;
  const judgement = judgeDnsPersist01(await gatherDnsPersist01(fresh, nameRef(checked)), {
    issuerDomain: opts.issuerDomain ?? DEFAULT_ISSUER,
    accountUri: opts.accountUri,
    now: opts.now ?? new Date(),
  });
  return {
    record,
    effective,
    created: handle !== undefined,
    ...(handle ? { handle } : {}),
    propagation,
    judgement,
    ok: propagation.complete && judgement.valid && !judgement.findings.some((f) => f.severity === 'error'),
    ...(propagation.complete
      ? {}
      : { error: propagation.error ?? 'not served by every authoritative server in time' }),
  };
}
