/** What each resolver and each authoritative server says, in comparable form. Pure. */
import type { DnsRecord } from '../../dns/types.js';
import { normalizeName } from '../../dns/names.js';
import { recordsView, NODATA_TEXT } from '../delegation/classify.js';
import { failureText } from '../delegation/format.js';
import { tableOf, type QueryTable } from '../delegation/table.js';
import type { PropagationQuery, ResolverReply } from './gather.js';

/** NXDOMAIN and NODATA both mean "nothing here" for comparing caches with the truth. */
export const EMPTY_KEY = 'EMPTY';

export interface Truth {
  table: QueryTable;
  /** Keys of the answers the authoritative servers give (one when they agree). */
  keys: Map<string, string>;
  /** Owner names in the authoritative answers (the CNAME chain as far as the zone holds it). */
  owners: Set<string>;
}

export type ResolverView =
  | { kind: 'answer'; reply: ResolverReply; key: string; text: string; ttl?: number }
  | { kind: 'failed'; reply: ResolverReply; text: string; rttMs?: number };

const keyOf = (records: DnsRecord[], qname: string): string =>
  records.length === 0 ? EMPTY_KEY : recordsView(records, qname).key;

export function truthOf(q: PropagationQuery): Truth {
  const table = tableOf(q.name, q.type, q.authority);
  const keys = new Map<string, string>();
  const owners = new Set([normalizeName(q.name)]);
  for (const r of table.rows) {
    if (r.reply.kind !== 'data') continue;
    for (const rec of r.reply.records) owners.add(normalizeName(rec.name));
    keys.set(keyOf(r.reply.records, q.name), r.reply.text);
  }
  return { table, keys, owners };
}

export function resolverView(q: PropagationQuery, reply: ResolverReply, owners: Set<string>): ResolverView {
  const o = reply.outcome;
  if (!o.ok) return { kind: 'failed', reply, text: failureText(o), rttMs: Math.round(o.failure.rttMs) };
  const res = o.response;
  if (res.rcode !== 'NOERROR' && res.rcode !== 'NXDOMAIN') {
    return { kind: 'failed', reply, text: res.rcode, rttMs: Math.round(res.rttMs) };
  }
  const records = res.answers.filter((r) => owners.has(normalizeName(r.name)));
  if (records.length === 0) {
    const soa = res.authorities.find((r) => r.type === 'SOA');
    const text = res.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : NODATA_TEXT;
    const v: ResolverView = { kind: 'answer', reply, key: EMPTY_KEY, text };
    if (soa) v.ttl = soa.ttl;
    return v;
  }
  const view = recordsView(records, q.name);
  return {
    kind: 'answer',
    reply,
    key: view.key,
    text: view.text,
    ttl: Math.max(...records.map((r) => r.ttl)),
  };
}
