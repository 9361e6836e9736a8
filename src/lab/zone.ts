/** Zone data held by one lab server, and the per-server edits (overrides, run-time changes) applied to it. */
import type { DnsRecord } from '../dns/types.js';
import { isAtOrBelow, normalizeName } from '../dns/names.js';
import { parseRecord, tokenize } from '../dns/presentation.js';

export interface ZoneData {
  /** Apex, lower-case, no trailing dot ('' for the root). */
  apex: string;
  records: DnsRecord[];
}

/** One override entry: replace an RRset with records, or delete it ("owner TYPE -"). */
export type Edit = { kind: 'replace'; record: DnsRecord } | { kind: 'delete'; name: string; type: string };

export const rrKey = (name: string, type: string): string => `${normalizeName(name)}|${type.toUpperCase()}`;

/** Parses an override entry: a record in presentation format, or "owner TYPE -" to delete the RRset. */
export function parseEdit(text: string): Edit {
  const t = tokenize(text).map((x) => (x.quoted ? null : x.bytes.toString('utf8')));
  if (t.length === 3 && t[2] === '-' && t[0] && t[1] && /^[A-Za-z][A-Za-z0-9-]*$/.test(t[1])) {
    return { kind: 'delete', name: normalizeName(t[0]), type: t[1].toUpperCase() };
  }
  return { kind: 'replace', record: parseRecord(text) };
}

/**
 * Applies edits: every RRset named by a 'replace' edit is replaced by the edits' records for that
 * owner and type; 'delete' edits remove the RRset. Records are returned in a new array.
 */
export function applyEdits(records: DnsRecord[], edits: Edit[], ttl?: number): DnsRecord[] {
  const touched = new Set<string>();
  const added: DnsRecord[] = [];
  for (const e of edits) {
    if (e.kind === 'delete') touched.add(rrKey(e.name, e.type));
    else {
      touched.add(rrKey(e.record.name, e.record.type));
      added.push(ttl === undefined ? e.record : { ...e.record, ttl });
    }
  }
  return [...records.filter((r) => !touched.has(rrKey(r.name, r.type))), ...added];
}

export const labelCount = (name: string): number => (name === '' ? 0 : name.split('.').length);

/** The served zone (longest apex) that holds name, if any. */
export function zoneFor<Z extends { apex: string }>(zones: Iterable<Z>, name: string): Z | undefined {
  let best: Z | undefined;
  for (const z of zones) {
    if (isAtOrBelow(name, z.apex) && (!best || labelCount(z.apex) > labelCount(best.apex))) best = z;
  }
  return best;
}

/** Same record (owner, type, class, data) ignoring TTL. */
export function sameRecord(a: DnsRecord, b: DnsRecord): boolean {
  return (
    normalizeName(a.name) === normalizeName(b.name) &&
    a.type === b.type &&
    a.class === b.class &&
    JSON.stringify(a.data) === JSON.stringify(b.data)
  );
}
