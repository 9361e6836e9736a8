/** DNS-01 as the CA judges it (CA-RULES "DNS-01", Boulder va/dns.go), plus the usual mistakes. Pure. */
import type { AuthoritativeAnswer, Lookup } from '../../dns/api.js';
import { acmeProblem, type Evidence, type Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import { outcomeEvidence } from '../../dns/evidence.js';
import { endpointLabel } from '../../dns/types.js';
import { caDnsProblem } from '../../report/ca-messages.js';
import { withAccount } from './account.js';
import { CA_QUOTED_RECORD_MAX, challengeName, goQuote, txtStrings, txtValue } from './value.js';

/** What was gathered for one identifier's `_acme-challenge` name. */
export interface Dns01TxtEvidence {
  /** The identifier as checked (a leading `*.` allowed). */
  identifier: string;
  /** The TXT name asked when it is not `_acme-challenge.<base>` (dns-account-01). */
  name?: string;
  /** TXT `_acme-challenge.<base>` resolved as the CA's resolver would (CNAMEs followed). */
  lookup: Lookup;
  /** The same TXT question put to every authoritative server of the final name's zone. */
  authoritative?: AuthoritativeAnswer[];
  /** The doubled name (`<name>.<zone>`), looked up when the right one holds nothing. */
  doubled?: { name: string; lookup: Lookup };
}

export type CaProblemType = 'unauthorized' | 'dns';

export interface Dns01Judgement {
  /** Whether the CA's single lookup would accept the value. */
  valid: boolean;
  /** The problem the CA would return when not valid. */
  problem?: { type: CaProblemType; detail: string };
  findings: Finding[];
}

/** One TXT record as the CA sees it. */
interface TxtSeen {
  value: string;
  strings: string[];
}

/** Sorted by value: an RRset has no order, and the same records must give the same findings every run. */
const seen = (l: Lookup): TxtSeen[] =>
  l.records
    .filter((r) => r.type === 'TXT')
    .map((r) => ({ value: txtValue(r), strings: txtStrings(r) }))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));

/** Records the CA would only accept joined: this limit keeps the search small (a real split is 2 or 3). */
const MAX_JOINED_RECORDS = 8;

/** Whether some order of all the values, concatenated, is the expected value (records never joined). */
export function joinsInSomeOrder(values: string[], expected: string): boolean {
  if (values.length < 2 || values.length > MAX_JOINED_RECORDS) return false;
  if (values.reduce((n, v) => n + v.length, 0) !== expected.length) return false;
  const used = values.map(() => false);
  const from = (at: number): boolean => {
    if (at === expected.length) return true;
    return values.some((v, i) => {
      if (used[i] || v.length === 0 || !expected.startsWith(v, at)) return false;
      used[i] = true;
      const ok = from(at + v.length);
      used[i] = false;
      return ok;
    });
  };
  return from(0);
}

const lookupEvidence = (l: Lookup): Evidence[] =>
  l.decisive
    ? [outcomeEvidence(l.decisive)]
    : [{ source: 'resolver', query: `TXT ${l.name}`, answer: l.message ?? l.status }];

const answerEvidence = (a: AuthoritativeAnswer): Evidence => outcomeEvidence(a.outcome, a.server.name);

/** Boulder: `Incorrect TXT record %q (and N more) found at <name>`. */
export function caIncorrectMessage(values: string[], name: string): string {
  const first = values[0] ?? '';
  const shown = first.length > CA_QUOTED_RECORD_MAX ? first.slice(0, CA_QUOTED_RECORD_MAX) + '...' : first;
  const more = values.length > 1 ? ` (and ${values.length - 1} more)` : '';
  return `Incorrect TXT record ${goQuote(shown)}${more} found at ${name}`;
}

export const caNoTxtMessage = (name: string): string => `No TXT record found at ${name}`;

/** Quotes that became part of the data: `"abc"` or `\"abc\"` or `'abc'`. */
const isQuoted = (v: string, expected: string): boolean =>
  v !== expected && v.replace(/^(\\?["'])+|(\\?["'])+$/g, '') === expected;

/** Joined it matches except for whitespace added around or inside the strings. */
const isBadlySplit = (t: TxtSeen, expected: string): boolean =>
  t.value !== expected && t.strings.length > 1 && t.value.replace(/\s+/g, '') === expected;

/** Values that are neither the expected one nor a near miss: left over from earlier runs. */
function staleFinding(identifier: string, name: string, stale: string[], ev: Evidence[]): Finding {
  return finding('DNS01_TXT_STALE', identifier, {
    detail: `${name} also serves ${stale.length} other TXT value${stale.length > 1 ? 's' : ''}: ${stale.map(goQuote).join(', ')}.`,
    evidence: ev,
    remediation: `Delete the old TXT record${stale.length > 1 ? 's' : ''} ${stale.map((v) => `${name} TXT ${goQuote(v)}`).join(', ')} once no validation uses ${stale.length > 1 ? 'them' : 'it'}; keep only the current value.`,
  });
}

/** Per server, its rcode and the TXT values it serves (undefined when it failed). */
function serverValues(
  a: AuthoritativeAnswer,
): { rcode: 'NOERROR' | 'NXDOMAIN'; values: string[] } | undefined {
  const o = a.outcome;
  if (!o.ok || !o.response.flags.aa) return undefined;
  const rcode = o.response.rcode;
  if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') return undefined;
  const q = o.response.question.name;
  const values = o.response.answers
    .filter((r) => r.type === 'TXT' && r.name === q)
    .map(txtValue)
    .sort();
  return { rcode, values };
}

/**
 * What the CA would report if its resolver got this server's answer and the value is not in it (Boulder
 * va/dns.go): NXDOMAIN is a lookup error (`dns`), NOERROR without the value `unauthorized`.
 */
export function laggingOutcome(
  row: { rcode: 'NOERROR' | 'NXDOMAIN'; values: string[] },
  caName: string,
): { type: CaProblemType; detail: string } {
  if (row.rcode === 'NXDOMAIN') return { type: 'dns', detail: caDnsProblem('TXT', caName, 'NXDOMAIN') };
  if (row.values.length === 0) return { type: 'unauthorized', detail: caNoTxtMessage(caName) };
  return { type: 'unauthorized', detail: caIncorrectMessage(row.values, caName) };
}

/**
 * Servers that disagree with each other, or (with expected) lack the expected value. For each server
 * without the value it says what the CA would answer if its resolver asked that one.
 */
export function disagreementFinding(
  identifier: string,
  name: string,
  answers: AuthoritativeAnswer[] | undefined,
  expected?: string,
  validByLookup = false,
  /** The name the CA looked up (before CNAMEs), as its messages cite it. */
  caName = name,
): Finding | undefined {
  if (!answers || answers.length < 2) return undefined;
  const rows = answers
    .map((a) => ({ a, seen: serverValues(a) }))
    .filter(
      (r): r is { a: AuthoritativeAnswer; seen: NonNullable<ReturnType<typeof serverValues>> } => !!r.seen,
    );
  if (rows.length < 2) return undefined;
  const keyOf = (s: { rcode: string; values: string[] }): string =>
    s.values.length ? s.values.map(goQuote).join(' ') : s.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'no TXT record';
  const says = (s: { rcode: string; values: string[] }): string =>
    s.values.length || s.rcode !== 'NXDOMAIN'
      ? `serves ${keyOf(s)}`
      : 'answers NXDOMAIN (the name does not exist there)';
  const keys = new Set(rows.map((r) => keyOf(r.seen)));
  if (expected !== undefined) {
    const lacking = rows.filter((r) => !r.seen.values.includes(expected));
    if (lacking.length === 0 || lacking.length === rows.length) return undefined;
    const having = rows.filter((r) => r.seen.values.includes(expected));
    const outcomes = lacking.map((r) => ({ r, ca: laggingOutcome(r.seen, caName) }));
    const first = outcomes[0]!.ca;
    const f = finding('DNS01_SERVERS_DISAGREE', identifier, {
      // The CA asks from several perspectives; one that lands on a server without the value fails.
      severity: validByLookup ? 'error' : 'warning',
      detail:
        `${having.map((r) => endpointLabel(r.a.server)).join(', ')} serve${having.length === 1 ? 's' : ''} ${goQuote(expected)} at ${name}, but ` +
        outcomes
          .map(
            ({ r, ca }) =>
              `${endpointLabel(r.a.server)} ${says(r.seen)}: a CA lookup answered by it fails with ${ca.type} "${ca.detail}"`,
          )
          .join('; ') +
        '.',
      evidence: rows.map((r) => answerEvidence(r.a)),
      remediation: `Wait until every nameserver serves ${name} TXT ${goQuote(expected)} (zone transfer to the secondaries), or fix the server${lacking.length > 1 ? 's' : ''} that lack it: ${lacking.map((r) => r.a.server.name ?? r.a.server.address).join(', ')}.`,
      caMessage: first.detail,
    });
    if (f.acmeProblem) f.acmeProblem = acmeProblem(first.type);
    return f;
  }
  if (keys.size < 2) return undefined;
  const nx = rows.filter((r) => r.seen.rcode === 'NXDOMAIN');
  return finding('DNS01_SERVERS_DISAGREE', identifier, {
    detail:
      `The authoritative servers give different TXT answers for ${name}: ${rows.map((r) => `${endpointLabel(r.a.server)}: ${keyOf(r.seen)}`).join('; ')}.` +
      (nx.length > 0
        ? ` Until ${nx.length > 1 ? 'they serve' : 'it serves'} the record, a CA lookup answered by ${nx.map((r) => endpointLabel(r.a.server)).join(', ')} fails with dns "${caDnsProblem('TXT', caName, 'NXDOMAIN')}"; one answered by a server without the value fails with unauthorized "${caNoTxtMessage(caName)}".`
        : ''),
    evidence: rows.map((r) => answerEvidence(r.a)),
    remediation: `Make every nameserver of the zone serve the same records for ${name} (check zone transfers and the serial on each secondary).`,
  });
}

/** Why a lookup failed, in the CA's words, as a finding. */
export function lookupFailure(identifier: string, name: string, l: Lookup): Dns01Judgement {
  const status = l.status === 'NXDOMAIN' || l.status === 'TIMEOUT' ? l.status : 'SERVFAIL';
  const detail = caDnsProblem('TXT', name, status);
  const nx = l.status === 'NXDOMAIN';
  return {
    valid: false,
    problem: { type: 'dns', detail },
    findings: [
      finding('DNS01_LOOKUP_FAILED', identifier, {
        title: nx ? `${name} does not exist (NXDOMAIN)` : `The TXT lookup for ${name} fails (${l.status})`,
        detail: `${l.message ?? `TXT ${name}: ${l.status}`}.`,
        evidence: lookupEvidence(l),
        remediation: nx
          ? `Create the TXT record ${name} with the challenge value at your DNS provider.`
          : `Fix the nameservers of ${l.zone ? l.zone : 'the zone'} so they answer TXT ${l.finalName} authoritatively (NXDOMAIN or NOERROR are fine; ${l.status} is not).`,
        caMessage: detail,
      }),
    ],
  };
}

/** The CA's verdict on `_acme-challenge.<name>` for an expected value, and the diagnosis when it fails. */
export function judgeDns01Txt(ev: Dns01TxtEvidence, expected: string): Dns01Judgement {
  const id = ev.identifier;
  const name = ev.name ?? challengeName(id);
  const l = ev.lookup;
  const at = l.finalName !== name ? `${name} (CNAME to ${l.finalName})` : name;
  const ok = l.status === 'NOERROR' || l.status === 'NXDOMAIN';
  const records = ok ? seen(l) : [];
  const values = records.map((r) => r.value);
  const valid = l.status === 'NOERROR' && values.includes(expected);
  const findings: Finding[] = [];
  let problem: Dns01Judgement['problem'];

  if (!ok) return withDisagreement(lookupFailure(id, name, l));

  if (valid) {
    findings.push(
      finding('DNS01_TXT_FOUND', id, {
        detail: `${at} serves TXT ${goQuote(expected)}.`,
        evidence: lookupEvidence(l),
        remediation: 'Nothing to do: the CA will find the value.',
      }),
    );
    const stale = values.filter((v) => v !== expected);
    if (stale.length) findings.push(staleFinding(id, l.finalName, stale, lookupEvidence(l)));
    return withDisagreement({ valid, findings });
  }

  const ev0 = lookupEvidence(l);
  const wanted = `${l.finalName} TXT ${goQuote(expected)}`;
  const quoted = records.filter((r) => isQuoted(r.value, expected));
  const split = records.filter((r) => isBadlySplit(r, expected));
  const recordsJoined = joinsInSomeOrder(values, expected);

  if (values.length === 0) {
    problem =
      l.status === 'NXDOMAIN'
        ? { type: 'dns', detail: caDnsProblem('TXT', name, 'NXDOMAIN') }
        : { type: 'unauthorized', detail: caNoTxtMessage(name) };
  } else {
    problem = { type: 'unauthorized', detail: caIncorrectMessage(values, name) };
  }

  for (const q of quoted) {
    findings.push(
      finding('DNS01_TXT_QUOTED', id, {
        detail: `${at} serves TXT ${goQuote(q.value)}: the quote characters are part of the value, so it is not ${goQuote(expected)}.`,
        evidence: ev0,
        remediation: `Enter the value without quotes (most control panels add them): ${wanted}.`,
        caMessage: problem.detail,
      }),
    );
  }
  for (const s of split) {
    findings.push(
      finding('DNS01_TXT_SPLIT', id, {
        detail: `${at} holds the value as ${s.strings.length} strings ${s.strings.map(goQuote).join(' ')}; the CA joins them with no separator into ${goQuote(s.value)}, which has extra whitespace.`,
        evidence: ev0,
        remediation: `Publish the value as one string with nothing added: ${wanted}.`,
        caMessage: problem.detail,
      }),
    );
  }
  if (recordsJoined) {
    findings.push(
      finding('DNS01_TXT_SPLIT', id, {
        detail: `${at} holds the value split across ${records.length} separate TXT records; the CA never joins records, only strings within one record.`,
        evidence: ev0,
        remediation: `Replace those records with one record holding the whole value: ${wanted}.`,
        caMessage: problem.detail,
      }),
    );
  }

  const doubled = ev.doubled && ev.doubled.lookup.status === 'NOERROR' ? seen(ev.doubled.lookup) : [];
  if (ev.doubled && doubled.length > 0) {
    const has = doubled.some((d) => d.value === expected);
    findings.push(
      finding('DNS01_TXT_DOUBLED_NAME', id, {
        detail: `The TXT record${has ? ` ${goQuote(expected)}` : ''} was found at ${ev.doubled.name} instead of ${name}: the zone name was appended to a name that already included it.`,
        evidence: [...lookupEvidence(ev.doubled.lookup), ...ev0],
        remediation: `Delete the record at ${ev.doubled.name} and create ${wanted}; in the provider's form enter only "${relativePart(name, l.zone)}" as the name.`,
        caMessage: problem.detail,
      }),
    );
  }

  const diagnosed = findings.length > 0;
  if (!diagnosed) {
    const near = values.find((v) => v.toLowerCase() === expected.toLowerCase() || v.trim() === expected);
    findings.push(
      values.length === 0
        ? finding(l.status === 'NXDOMAIN' ? 'DNS01_LOOKUP_FAILED' : 'DNS01_TXT_MISSING', id, {
            title: l.status === 'NXDOMAIN' ? `${name} does not exist (NXDOMAIN)` : undefined,
            detail: `${at} has no TXT record${l.message ? ` (${l.message})` : ''}.`,
            evidence: ev0,
            remediation: `Create the TXT record ${wanted} and wait until every nameserver serves it.`,
            caMessage: problem.detail,
          })
        : finding('DNS01_TXT_MISMATCH', id, {
            detail: `${at} serves ${values.map(goQuote).join(', ')}, none equal to ${goQuote(expected)}${near !== undefined ? ` (${goQuote(near)} differs only in ${near.trim() === expected ? 'surrounding whitespace' : 'letter case'}; the CA compares exactly)` : ''}.`,
            evidence: ev0,
            remediation: `Set the record to the value of the current challenge: ${wanted}. If several validations run at once, add it alongside the others.`,
            caMessage: problem.detail,
          }),
    );
  }
  // Values that are no near miss of the expected one are old ones left behind.
  const nearMiss = new Set([...quoted, ...split].map((r) => r.value));
  const stale = recordsJoined ? [] : values.filter((v) => !nearMiss.has(v));
  if (stale.length && diagnosed) findings.push(staleFinding(id, l.finalName, stale, ev0));
  return withDisagreement({ valid: false, problem, findings });

  function withDisagreement(j: Dns01Judgement): Dns01Judgement {
    const d = disagreementFinding(id, l.finalName, ev.authoritative, expected, j.valid, name);
    return d ? { ...j, findings: [...j.findings, d] } : j;
  }
}

/** The name relative to its zone, for provider forms that append the zone. */
export function relativePart(name: string, zone: string | undefined): string {
  if (!zone || !name.endsWith('.' + zone)) return name;
  return name.slice(0, name.length - zone.length - 1);
}

/** dns-account-01: the dns-01 judgement at the account's label, unauthorized errors naming the account. */
export function judgeDnsAccount01Txt(
  ev: Dns01TxtEvidence,
  expected: string,
  accountUri: string,
): Dns01Judgement {
  const j = judgeDns01Txt(ev, expected);
  const wrap = (f: Finding): Finding =>
    f.caMessage && f.acmeProblem?.endsWith(':unauthorized')
      ? { ...f, caMessage: withAccount(f.caMessage, accountUri) }
      : f;
  return {
    ...j,
    problem:
      j.problem?.type === 'unauthorized'
        ? { ...j.problem, detail: withAccount(j.problem.detail, accountUri) }
        : j.problem,
    findings: j.findings.map(wrap),
  };
}
