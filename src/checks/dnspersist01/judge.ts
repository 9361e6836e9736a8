/** dns-persist-01 as the CA decides it (CA-RULES "DNS-PERSIST-01", Boulder validateDNSPersist01). Pure. */
import type { LookupStatus } from '../../dns/api.js';
import { acmeProblem, type Evidence, type Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import { caDnsProblem } from '../../report/ca-messages.js';
import {
  PERSIST_UNTIL_WARN_DAYS,
  checkPersistRecord,
  parsePersistRecord,
  persistName,
  persistRecordValue,
  rfc3339,
  type ParsedRecord,
  type RecordCheck,
} from './record.js';
import { baseName, isWildcard } from '../../identifiers.js';

/** What was gathered for one identifier: plain data, so it can come from another perspective. */
export interface PersistEvidence {
  /** The identifier as checked (a leading `*.` kept). */
  identifier: string;
  /** `_validation-persist.<base>`. */
  name: string;
  lookup: {
    status: LookupStatus;
    /** Owner at the end of the CNAME chain. */
    finalName: string;
    /** CNAME targets followed, in order. */
    cnames: string[];
    zone?: string;
    message?: string;
  };
  /** Each TXT record at the end of the chain: its character-strings as the CA's DNS library presents them. */
  records: string[][];
  /** Who gave the answer the lookup rests on. */
  source: Evidence[];
  /** The same question to every authoritative server of the final name's zone. */
  servers?: { server: string; records?: string[][]; nxdomain?: boolean; answer: string }[];
}

export interface PersistJudgeOptions {
  issuerDomain: string;
  accountUri: string;
  now: Date;
}

export type PersistProblemType = 'dns' | 'unauthorized' | 'malformed';

export interface PersistJudgement {
  valid: boolean;
  problem?: { type: PersistProblemType; detail: string };
  /** Index (in evidence order) of the record that authorises. */
  authorising?: number;
  findings: Finding[];
}

const DAY_MS = 86_400_000;
const q = (s: string): string => JSON.stringify(s);
const joined = (r: string[]): string => r.join('');

/** What happened to each record, in the CA's order. */
type Fate =
  | { kind: 'ok'; parsed: Extract<ParsedRecord, { ok: true }> }
  | {
      kind: 'unauthorised';
      parsed: Extract<ParsedRecord, { ok: true }>;
      check: Exclude<RecordCheck, { ok: true }>;
    }
  | { kind: 'malformed'; error: string }
  | { kind: 'other'; issuer?: string; error?: string };

function fateOf(value: string, opts: PersistJudgeOptions, wildcard: boolean): Fate {
  const parsed = parsePersistRecord(value);
  if (!parsed.ok) {
    // Boulder reports a syntax error only when the issuer part was read and is this CA's.
    if (parsed.issuer === opts.issuerDomain) return { kind: 'malformed', error: parsed.error };
    return { kind: 'other', issuer: parsed.issuer, error: parsed.error };
  }
  if (parsed.issuer !== opts.issuerDomain) return { kind: 'other', issuer: parsed.issuer };
  const check = checkPersistRecord(parsed.params, opts.accountUri, wildcard, opts.now);
  return check.ok ? { kind: 'ok', parsed } : { kind: 'unauthorised', parsed, check };
}

function describeFate(f: Fate): string {
  switch (f.kind) {
    case 'ok':
      return 'authorises';
    case 'unauthorised':
      return `does not authorise (${f.check.error})`;
    case 'malformed':
      return `malformed (${f.error})`;
    case 'other':
      return f.issuer !== undefined
        ? `ignored: for issuer ${q(f.issuer)}${f.error ? ` and malformed (${f.error})` : ''}`
        : `ignored: not an issue-value (${f.error ?? 'unreadable'})`;
  }
}

/** The CA's verdict on `_validation-persist.<name>` for this account, and the diagnosis. */
export function judgeDnsPersist01(ev: PersistEvidence, opts: PersistJudgeOptions): PersistJudgement {
  const id = ev.identifier;
  const wildcard = isWildcard(id);
  const name = ev.name || persistName(id);
  const l = ev.lookup;
  const at = l.finalName !== name ? `${name} (CNAME to ${l.finalName})` : name;
  const wanted = persistRecordValue({
    issuerDomain: opts.issuerDomain,
    accountUri: opts.accountUri,
    wildcard,
  });
  const wantedRecord = `${l.finalName} TXT ${q(wanted)}`;
  const evidence = ev.source;

  if (l.status !== 'NOERROR') {
    const status = l.status === 'NXDOMAIN' || l.status === 'TIMEOUT' ? l.status : 'SERVFAIL';
    const detail = `Retrieving TXT records for DNS-PERSIST-01 challenge: ${caDnsProblem('TXT', name, status)}`;
    const nx = l.status === 'NXDOMAIN';
    return {
      valid: false,
      problem: { type: 'dns', detail },
      findings: [
        finding('PERSIST01_LOOKUP_FAILED', id, {
          title: nx
            ? `${l.finalName} does not exist (NXDOMAIN)`
            : `The TXT lookup for ${name} fails (${l.status})`,
          detail: nx
            ? `${at} does not exist: no dns-persist-01 record has been published${l.message ? ` (${l.message})` : ''}.`
            : `${l.message ?? `TXT ${name}: ${l.status}`}.`,
          evidence,
          remediation: nx
            ? `Publish the standing record ${wantedRecord} (\`acme-preflight persist-record ${baseName(id)} --account-uri ${opts.accountUri}${wildcard ? ' --wildcard' : ''}\` prints it).`
            : `Fix the nameservers of ${l.zone ?? 'the zone'} so they answer TXT ${l.finalName} authoritatively (NOERROR; ${l.status} is not an answer).`,
          caMessage: detail,
        }),
      ],
    };
  }

  if (ev.records.length === 0) {
    const detail = 'No TXT record found for DNS-PERSIST-01 challenge';
    return {
      valid: false,
      problem: { type: 'unauthorized', detail },
      findings: [
        finding('PERSIST01_NO_RECORD', id, {
          detail: `${at} exists but holds no TXT record.`,
          evidence,
          remediation: `Publish the standing record ${wantedRecord}.`,
          caMessage: detail,
        }),
      ],
    };
  }

  const values = ev.records.map(joined);
  const fates = values.map((v) => fateOf(v, opts, wildcard));
  const authorising = fates.findIndex((f) => f.kind === 'ok');
  const findings: Finding[] = [];
  const several =
    values.length > 1
      ? finding('PERSIST01_SEVERAL_RECORDS', id, {
          detail: `${at} holds ${values.length} TXT records: ${values.map((v, i) => `${i + 1}. ${q(v)} ${describeFate(fates[i]!)}`).join('; ')}.${authorising >= 0 ? ` The CA accepts record ${authorising + 1}.` : ''}`,
          evidence,
          remediation:
            authorising >= 0
              ? 'Nothing needed for issuance; remove records for CAs and accounts you no longer use.'
              : `Keep one record for ${opts.issuerDomain}: ${wantedRecord}.`,
        })
      : undefined;

  if (authorising >= 0) {
    const ok = fates[authorising] as Extract<Fate, { kind: 'ok' }>;
    const until = ok.parsed.params.persistUntil;
    const untilMs = until !== undefined ? until * 1000 : undefined;
    const disagree = serversLacking(ev, authorising, opts, wildcard);
    findings.push(
      finding('PERSIST01_AUTHORISED', id, {
        detail: `${at} serves ${q(values[authorising]!)}: issuer ${ok.parsed.issuer}, accounturi ${ok.parsed.params.accountUri}${wildcard ? ', policy=wildcard' : ''}${untilMs !== undefined ? `, persistUntil ${rfc3339(untilMs)}` : ', no persistUntil'}. This is the record the CA reads: the outcome is proven, not predicted.`,
        evidence,
        remediation: 'Nothing to do. The record stays: renewals need no DNS change.',
      }),
    );
    if (untilMs !== undefined && untilMs - opts.now.getTime() <= PERSIST_UNTIL_WARN_DAYS * DAY_MS) {
      const days = Math.max(0, Math.floor((untilMs - opts.now.getTime()) / DAY_MS));
      findings.push(
        finding('PERSIST01_EXPIRING', id, {
          detail: `The authorising record's persistUntil is ${rfc3339(untilMs)} (${until}), ${days === 0 ? 'less than a day' : `${days} day${days === 1 ? '' : 's'}`} from now; validations after it fail.`,
          evidence,
          remediation: `Before ${rfc3339(untilMs)}, replace the record with one carrying a later persistUntil, or none: ${wantedRecord}.`,
        }),
      );
    }
    if (several) findings.push(several);
    if (disagree) findings.push(disagree);
    return { valid: true, authorising, findings };
  }

  const malformed = fates
    .map((f, i) => ({ f, i }))
    .filter((x): x is { f: Extract<Fate, { kind: 'malformed' }>; i: number } => x.f.kind === 'malformed');
  const unauthorised = fates
    .map((f, i) => ({ f, i }))
    .filter(
      (x): x is { f: Extract<Fate, { kind: 'unauthorised' }>; i: number } => x.f.kind === 'unauthorised',
    );
  let problem: PersistJudgement['problem'];
  if (malformed.length) {
    problem = {
      type: 'malformed',
      detail: malformed
        .map(
          (m) =>
            `Parsing DNS-PERSIST-01 challenge TXT record with issuer-domain-name ${q(opts.issuerDomain)}: ${m.f.error}`,
        )
        .join('; '),
    };
  } else if (unauthorised.length) {
    problem = {
      type: 'unauthorized',
      detail: unauthorised
        .map(
          (u) =>
            `Checking DNS-PERSIST-01 challenge TXT record with issuer-domain-name ${q(opts.issuerDomain)}: ${u.f.check.error}`,
        )
        .join('; '),
    };
  } else {
    problem = { type: 'unauthorized', detail: 'No valid TXT record found for DNS-PERSIST-01 challenge' };
  }
  const caMessage = problem.detail;

  for (const m of malformed) {
    findings.push(
      finding('PERSIST01_MALFORMED', id, {
        detail: `${at} serves ${q(values[m.i]!)} for ${opts.issuerDomain}, which the CA cannot parse: ${m.f.error}.${tabNote(values[m.i]!)}`,
        evidence,
        remediation: `Replace it with a well-formed record: ${wantedRecord}.`,
        caMessage,
      }),
    );
  }
  for (const u of unauthorised) findings.push(unauthorisedFinding(u.f, values[u.i]!));
  if (!malformed.length && !unauthorised.length) {
    const others = fates.map((f, i) => `${q(values[i]!)} (${describeFate(f)})`);
    findings.push(
      finding('PERSIST01_OTHER_ISSUER', id, {
        detail: `${at} serves no record for ${opts.issuerDomain}: ${others.join('; ')}.`,
        evidence,
        remediation: `Add a record for ${opts.issuerDomain} next to the others: ${wantedRecord}.`,
        caMessage,
      }),
    );
  }
  if (several) findings.push(several);
  // The CA returns one problem for the challenge: malformed wins over unauthorized, and every error says so.
  for (const f of findings) if (f.severity === 'error') f.acmeProblem = acmeProblem(problem.type);
  return { valid: false, problem, findings };

  function unauthorisedFinding(f: Extract<Fate, { kind: 'unauthorised' }>, value: string): Finding {
    const p = f.parsed.params;
    switch (f.check.reason) {
      case 'accounturi':
        return finding('PERSIST01_ACCOUNT_MISMATCH', id, {
          detail: `${at} serves ${q(value)}: it authorises accounturi ${q(p.accountUri)}, but the account is ${q(opts.accountUri)} (compared exactly, letter case included).${/\/sha-256\//i.test(p.accountUri) ? ' The record holds a hashed account URI (a later draft); Boulder compares with the account URL itself.' : ''}`,
          evidence,
          remediation: `If ${opts.accountUri} is the account that will order, set the record to ${wantedRecord}; otherwise order with the account ${p.accountUri}.`,
          caMessage,
        });
      case 'policy':
        return finding('PERSIST01_WILDCARD_POLICY_MISSING', id, {
          detail: `${at} serves ${q(value)}, which has ${p.policy ? `policy=${p.policy}` : 'no policy parameter'}; ${id} is a wildcard, and only policy=wildcard authorises one.`,
          evidence,
          remediation: `Add policy=wildcard to the record: ${l.finalName} TXT ${q(persistRecordValue({ issuerDomain: opts.issuerDomain, accountUri: p.accountUri, wildcard: true, persistUntil: p.persistUntil }))}.`,
          caMessage,
        });
      case 'persistUntil':
        return finding('PERSIST01_EXPIRED', id, {
          detail: `${at} serves ${q(value)}; its persistUntil ${p.persistUntil} is ${rfc3339(p.persistUntil! * 1000)}, before now (${rfc3339(opts.now.getTime())}), so it no longer authorises.`,
          evidence,
          remediation: `Replace it with a record without persistUntil, or with a later one: ${l.finalName} TXT ${q(persistRecordValue({ issuerDomain: opts.issuerDomain, accountUri: p.accountUri, wildcard: wildcard || p.policy.toLowerCase() === 'wildcard' }))}.`,
          caMessage,
        });
    }
  }
}

/** A tab reaches the CA's parser as `\009`, not as white space. */
const tabNote = (v: string): string =>
  v.includes('\\009')
    ? ' (It contains a tab, which the CA\'s DNS library hands over as "\\009": use spaces around ";" and "=".)'
    : '';

/** Servers that answered but lack the authorising record: a remote perspective asking one of them fails. */
function serversLacking(
  ev: PersistEvidence,
  authorising: number,
  opts: PersistJudgeOptions,
  wildcard: boolean,
): Finding | undefined {
  const servers = (ev.servers ?? []).filter((s) => s.records !== undefined);
  if (servers.length < 2) return undefined;
  const authorises = (r: string[][]): boolean =>
    r.some((rec) => fateOf(joined(rec), opts, wildcard).kind === 'ok');
  const lacking = servers.filter((s) => !authorises(s.records!));
  if (lacking.length === 0) return undefined;
  const having = servers.filter((s) => authorises(s.records!));
  const value = joined(ev.records[authorising]!);
  return finding('PERSIST01_SERVERS_DISAGREE', ev.identifier, {
    detail: `${having.map((s) => s.server).join(', ')} serve${having.length === 1 ? 's' : ''} the authorising record ${q(value)} at ${ev.lookup.finalName}, but ${lacking.map((s) => `${s.server} ${s.nxdomain ? 'answers NXDOMAIN' : `serves ${s.records!.length ? s.records!.map((r) => q(joined(r))).join(' ') : 'no TXT record'}`}`).join('; ')}.`,
    evidence: servers.map((s) => ({
      source: s.server,
      query: `TXT ${ev.lookup.finalName}`,
      answer: s.answer,
    })),
    remediation: `Make every nameserver serve ${ev.lookup.finalName} TXT ${q(value)} (zone transfer to ${lacking.map((s) => s.server).join(', ')}).`,
    // What the CA would say from a perspective whose resolver lands on the first lacking server.
    caMessage: `During secondary validation: ${
      judgeDnsPersist01(
        {
          ...ev,
          lookup: { ...ev.lookup, status: lacking[0]!.nxdomain ? 'NXDOMAIN' : 'NOERROR' },
          records: lacking[0]!.records!,
          servers: undefined,
        },
        opts,
      ).problem?.detail ?? ''
    }`,
  });
}
