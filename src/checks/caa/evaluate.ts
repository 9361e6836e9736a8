/** The CA's CAA decision (RFC 8659 §3, §5.3; RFC 8657; Boulder va/caa.go). Pure. */
import { CHALLENGE_TYPES, type Challenge, type Evidence } from '../../report/finding.js';
import { parseCaaValue, type CaaParameter } from './parse.js';
import { accountUriForms } from './issuers.js';

export interface CaaRecordData {
  flags: number;
  tag: string;
  value: string;
}

/** The CAA answer for one name of the climb, as the CA's resolver would give it. */
export interface CaaLookup {
  name: string;
  status: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'TIMEOUT' | 'REFUSED' | string;
  records: CaaRecordData[];
  evidence: Evidence[];
  /** Resolver's summary of a failure, naming servers. */
  message?: string;
  /** The zone's servers answered this question differently: each answer, the one used first. */
  variants?: CaaVariant[];
}

/** One answer some of the zone's servers gave ("address:port", fixed order). */
export interface CaaVariant {
  servers: string[];
  status: string;
  records: CaaRecordData[];
}

export interface CaaInput {
  /** The identifier's base name (no '*.'). */
  name: string;
  wildcard: boolean;
  /** One per name from the identifier up to the TLD, in that order. */
  sets: CaaLookup[];
  issuerDomain: string;
  /** The ACME account URL; without it, accounturi parameters cannot be judged. */
  accountUri?: string;
  method: Challenge;
}

/** Property tags the CA understands or deliberately ignores (Boulder filterCAA). */
export const KNOWN_CAA_TAGS: readonly string[] = ['issue', 'issuewild', 'iodef', 'issuemail', 'issuevmc'];
/** RFC 8659 §4.1 Issuer Critical flag; Boulder also honours bit 1, a common misreading of the RFC. */
export const CAA_CRITICAL_FLAGS = 128 | 1;
/** Methods an RFC 8657 validationmethods label may name that the CA knows (Boulder core.AcmeChallenge). */
const KNOWN_METHODS: readonly string[] = CHALLENGE_TYPES;
const METHOD_LABEL = /^[A-Za-z0-9-]+$/;

/**
 * Statuses the CA treats as an answer; anything else is a lookup error (Boulder bdns wrapErr).
 * NXDOMAIN is an empty set below the TLD only: for the TLD itself it is an error, "so we don't
 * issue for gTLDs that have been removed by ICANN" (Boulder bdns/dns.go LookupCAA).
 */
const isAnswer = (set: Pick<CaaLookup, 'name' | 'status'>): boolean =>
  set.status === 'NOERROR' || (set.status === 'NXDOMAIN' && set.name.includes('.'));

export type CaaRecordOutcome =
  | 'match'
  | 'malformed'
  | 'forbids-all'
  | 'issuer-mismatch'
  | 'accounturi-mismatch'
  | 'accounturi-duplicate'
  | 'accounturi-unknown'
  | 'validationmethods-excludes'
  | 'validationmethods-duplicate'
  | 'validationmethods-invalid';

export interface CaaRecordVerdict {
  record: CaaRecordData;
  outcome: CaaRecordOutcome;
  issuerDomain?: string;
  parameters?: CaaParameter[];
  /** Why it did or did not authorise, in words. */
  note: string;
}

export type CaaReason =
  | 'NO_CAA' // no CAA anywhere up to the TLD
  | 'NO_RELEVANT_RECORDS' // a relevant set, but no issue/issuewild property applies
  | 'AUTHORIZED'
  | 'ACCOUNTURI_UNVERIFIED' // would authorise if the account is the one named
  | 'LOOKUP_FAILED'
  | 'CRITICAL_UNKNOWN_TAG'
  | 'FORBIDS_ISSUER'
  | 'ISSUEWILD_FORBIDS'
  | 'ACCOUNTURI_MISMATCH'
  | 'VALIDATIONMETHODS_EXCLUDES'
  | 'ONLY_MALFORMED';

export interface CaaDecision {
  allowed: boolean;
  reason: CaaReason;
  /** The name whose CAA set decided (the first non-empty set walking up). */
  relevantName?: string;
  relevantLookup?: CaaLookup;
  /** The property the CA used: issuewild only for wildcards that have one. */
  chosenTag?: 'issue' | 'issuewild';
  /** The chosen property's records and how each fared. */
  records: CaaRecordVerdict[];
  /** Unknown tags with a critical flag in the relevant set. */
  criticalRecords: CaaRecordData[];
  /** The lookup error the CA fails closed on. */
  failedLookup?: CaaLookup;
  /** Lookup errors above the relevant name: the CA never needed those answers. */
  ignoredFailures: CaaLookup[];
  /** Every lookup of the climb, as given. */
  sets: CaaLookup[];
  explanation: string;
}

function accountUriOutcome(
  params: CaaParameter[],
  accountUri: string | undefined,
): CaaRecordOutcome | undefined {
  const found = params.filter((p) => p.tag === 'accounturi');
  if (found.length === 0) return undefined;
  if (found.length > 1) return 'accounturi-duplicate';
  if (accountUri === undefined) return 'accounturi-unknown';
  return accountUriForms(accountUri).includes(found[0]?.value ?? '') ? undefined : 'accounturi-mismatch';
}

function validationMethodsOutcome(params: CaaParameter[], method: Challenge): CaaRecordOutcome | undefined {
  const found = params.filter((p) => p.tag === 'validationmethods');
  if (found.length === 0) return undefined;
  if (found.length > 1) return 'validationmethods-duplicate';
  for (const m of (found[0]?.value ?? '').split(',')) {
    if (!METHOD_LABEL.test(m)) return 'validationmethods-invalid';
    if (KNOWN_METHODS.includes(m) && m === method) return undefined;
  }
  return 'validationmethods-excludes';
}

const NOTES: Record<CaaRecordOutcome, (issuer: string, method: Challenge) => string> = {
  match: (i) => `authorises ${i}`,
  malformed: () => 'malformed value; the CA skips it',
  'forbids-all': () => 'empty issuer domain: no CA may issue',
  'issuer-mismatch': (i) => `names another CA, not ${i}`,
  'accounturi-mismatch': () => 'accounturi names another account',
  'accounturi-duplicate': () => 'more than one accounturi parameter: unsatisfiable',
  'accounturi-unknown': () =>
    'restricted to one account (accounturi); the account URL was not given, so it cannot be checked',
  'validationmethods-excludes': (_i, m) => `validationmethods does not include ${m}`,
  'validationmethods-duplicate': () => 'more than one validationmethods parameter: the CA refuses the record',
  'validationmethods-invalid': () =>
    'validationmethods holds an invalid method label: the CA refuses the record',
};

/** How one issue/issuewild record fares, in the CA's order: parse, issuer, accounturi, validationmethods. */
export function judgeCaaRecord(
  record: CaaRecordData,
  input: Pick<CaaInput, 'issuerDomain' | 'accountUri' | 'method'>,
): CaaRecordVerdict {
  const verdict = (outcome: CaaRecordOutcome, extra: Partial<CaaRecordVerdict> = {}): CaaRecordVerdict => ({
    record,
    outcome,
    note: extra.note ?? NOTES[outcome](input.issuerDomain, input.method),
    ...extra,
  });
  const parsed = parseCaaValue(record.value);
  if (!parsed.ok) return verdict('malformed', { note: `malformed value (${parsed.error}); the CA skips it` });
  const base = { issuerDomain: parsed.issuerDomain, parameters: parsed.parameters };
  if (parsed.issuerDomain === '') return verdict('forbids-all', base);
  if (parsed.issuerDomain !== input.issuerDomain) return verdict('issuer-mismatch', base);
  const account = accountUriOutcome(parsed.parameters, input.accountUri);
  if (account && account !== 'accounturi-unknown') return verdict(account, base);
  const methods = validationMethodsOutcome(parsed.parameters, input.method);
  if (methods) return verdict(methods, base);
  return verdict(account ?? 'match', base);
}

const ACCOUNT_FAILURES: CaaRecordOutcome[] = ['accounturi-mismatch', 'accounturi-duplicate'];
const METHOD_FAILURES: CaaRecordOutcome[] = [
  'validationmethods-excludes',
  'validationmethods-duplicate',
  'validationmethods-invalid',
];

export function evaluateCaa(input: CaaInput): CaaDecision {
  const ignoredFailures: CaaLookup[] = [];
  let relevant: CaaLookup | undefined;
  let failed: CaaLookup | undefined;
  // Boulder selectCAA: walk up from the name; the first error or the first non-empty set decides.
  for (const set of input.sets) {
    if (failed) break; // the CA reports the lowest failure only
    if (relevant) {
      if (!isAnswer(set)) ignoredFailures.push(set);
      continue;
    }
    if (!isAnswer(set)) failed = set;
    else if (set.status === 'NOERROR' && set.records.length > 0) relevant = set;
  }
  const empty = { records: [], criticalRecords: [], ignoredFailures, sets: input.sets };
  if (failed) {
    return {
      ...empty,
      allowed: false,
      reason: 'LOOKUP_FAILED',
      failedLookup: failed,
      explanation: `the CAA lookup for ${failed.name} failed (${failed.status}); the CA fails closed`,
    };
  }
  if (!relevant) {
    return {
      ...empty,
      allowed: true,
      reason: 'NO_CAA',
      explanation: `no CAA records at ${input.name} or any parent: any CA may issue`,
    };
  }
  const at = { relevantName: relevant.name, relevantLookup: relevant };
  const criticalRecords = relevant.records.filter(
    (r) => !KNOWN_CAA_TAGS.includes(r.tag.toLowerCase()) && (r.flags & CAA_CRITICAL_FLAGS) !== 0,
  );
  if (criticalRecords.length > 0) {
    return {
      ...empty,
      ...at,
      criticalRecords,
      allowed: false,
      reason: 'CRITICAL_UNKNOWN_TAG',
      explanation: `the CAA set at ${relevant.name} has a critical property the CA does not understand (${criticalRecords.map((r) => r.tag).join(', ')})`,
    };
  }
  const issue = relevant.records.filter((r) => r.tag.toLowerCase() === 'issue');
  const issuewild = relevant.records.filter((r) => r.tag.toLowerCase() === 'issuewild');
  // RFC 8659 §5.3: issuewild only for wildcards, and then it replaces issue when present.
  const chosenTag = input.wildcard && issuewild.length > 0 ? 'issuewild' : 'issue';
  const chosen = chosenTag === 'issuewild' ? issuewild : issue;
  if (chosen.length === 0) {
    return {
      ...empty,
      ...at,
      chosenTag,
      allowed: true,
      reason: 'NO_RELEVANT_RECORDS',
      explanation: `the CAA set at ${relevant.name} has no ${chosenTag} property: it does not restrict this issuance`,
    };
  }
  const records = chosen.map((r) => judgeCaaRecord(r, input));
  const decided = { ...empty, ...at, chosenTag, records } as const;
  if (records.some((r) => r.outcome === 'match')) {
    return {
      ...decided,
      allowed: true,
      reason: 'AUTHORIZED',
      explanation: `${chosenTag} at ${relevant.name} authorises ${input.issuerDomain}`,
    };
  }
  if (records.some((r) => r.outcome === 'accounturi-unknown')) {
    return {
      ...decided,
      allowed: true,
      reason: 'ACCOUNTURI_UNVERIFIED',
      explanation: `${chosenTag} at ${relevant.name} authorises ${input.issuerDomain} only for the account named in accounturi`,
    };
  }
  const ours = records.find((r) => r.issuerDomain === input.issuerDomain);
  let reason: CaaReason;
  if (ours && ACCOUNT_FAILURES.includes(ours.outcome)) reason = 'ACCOUNTURI_MISMATCH';
  else if (ours && METHOD_FAILURES.includes(ours.outcome)) reason = 'VALIDATIONMETHODS_EXCLUDES';
  else if (records.every((r) => r.outcome === 'malformed')) reason = 'ONLY_MALFORMED';
  else reason = chosenTag === 'issuewild' ? 'ISSUEWILD_FORBIDS' : 'FORBIDS_ISSUER';
  return {
    ...decided,
    allowed: false,
    reason,
    explanation: `no ${chosenTag} record at ${relevant.name} authorises ${input.issuerDomain}${ours ? ` (${ours.note})` : ''}`,
  };
}
