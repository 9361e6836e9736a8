/** Puts every authoritative server's reply to every question in one table the rules read. Pure. */
import type { Lookup } from '../../dns/api.js';
import type { Evidence } from '../../report/finding.js';
import type { QueryOutcome, ServerEndpoint } from '../../dns/types.js';
import type { AskAllResult, DelegationEvidence } from './gather.js';
import { classifyAuthoritative, type AuthReply } from './classify.js';
import { outcomeAnswerText, serverLabel } from './format.js';

export interface Row {
  server: ServerEndpoint;
  reply: AuthReply;
  rttMs?: number;
}

export interface QueryTable {
  name: string;
  type: string;
  /** Zone whose servers were asked. */
  zone?: string;
  rows: Row[];
  /** askAll could not run (zone not found, no nameservers...). */
  error?: Lookup;
}

export const queryText = (q: { name: string; type: string }): string => `${q.type} ${q.name || '.'}`;

/**
 * Replies are shared through the client's cache (every name of a zone asks the same NS and SOA), and the
 * classification is pure, so it is done once per reply and question.
 */
const classified = new WeakMap<QueryOutcome, { name: string; zone: string; reply: AuthReply }>();

function classifyOnce(outcome: QueryOutcome, name: string, zone: string): AuthReply {
  const known = classified.get(outcome);
  if (known && known.name === name && known.zone === zone) return known.reply;
  const reply = classifyAuthoritative(outcome, name, zone);
  classified.set(outcome, { name, zone, reply });
  return reply;
}

export function tableOf(name: string, type: string, result: AskAllResult | undefined): QueryTable {
  if (!result) return { name, type, rows: [] };
  if ('error' in result) return { name, type, rows: [], error: result.error };
  const zone = result.delegation.zone;
  const rows = result.answers.map((a): Row => {
    const row: Row = { server: a.server, reply: classifyOnce(a.outcome, name, zone) };
    const rtt = a.outcome.ok ? a.outcome.response.rttMs : a.outcome.failure.rttMs;
    if (Number.isFinite(rtt)) row.rttMs = Math.round(rtt);
    return row;
  });
  return { name, type, zone, rows };
}

export function tablesOf(ev: DelegationEvidence, zone: string): { apex: QueryTable[]; data: QueryTable[] } {
  return {
    apex: [tableOf(zone, 'NS', ev.ns), tableOf(zone, 'SOA', ev.soa)],
    data: ev.data.map((q) => tableOf(q.name, q.type, q.result)),
  };
}

export function rowEvidence(q: QueryTable, row: Row): Evidence {
  const e: Evidence = {
    source: serverLabel(row.server),
    query: queryText(q),
    answer: row.reply.text,
    address: row.server.address,
  };
  if (row.rttMs !== undefined) e.rttMs = row.rttMs;
  return e;
}

/** Statuses of a failed lookup that mean the zone's servers do not answer. */
export const LAME_STATUSES: ReadonlySet<string> = new Set([
  'LAME',
  'SERVFAIL',
  'REFUSED',
  'TIMEOUT',
  'MALFORMED',
]);

/** Evidence from a lookup's trail: its decisive exchange, else its failed exchanges. */
export function lookupEvidence(l: Lookup): Evidence[] {
  const trail = l.decisive
    ? [l.decisive]
    : l.exchanges.filter((x) => !x.ok || x.response.rcode !== 'NOERROR');
  const ev = trail.slice(0, 8).map((x): Evidence => {
    const server = x.ok ? x.response.server : x.failure.server;
    const question = x.ok ? x.response.question : x.failure.question;
    return { source: server, query: queryText(question), answer: outcomeAnswerText(x) };
  });
  if (ev.length === 0)
    ev.push({ source: 'iterative resolver', query: queryText(l), answer: l.message ?? l.status });
  return ev;
}
