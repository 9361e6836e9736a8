/** Turns DNS exchanges into report evidence: who was asked what, and what it said. */
import type { Evidence } from '../report/finding.js';
import type { DnsRecord, QueryOutcome } from './types.js';

function txtData(data: unknown): string {
  const parts = Array.isArray(data) ? data : [data];
  return parts.map((p) => JSON.stringify(Buffer.isBuffer(p) ? p.toString('utf8') : String(p))).join(' ');
}

/** A short presentation of a record's data, enough to cite it. */
export function recordData(r: DnsRecord): string {
  const d = r.data as Record<string, unknown> | string | Buffer | unknown[];
  switch (r.type) {
    case 'TXT':
      return txtData(d);
    case 'CAA': {
      const c = d as { flags?: number; tag?: string; value?: string };
      return `${c.flags ?? 0} ${c.tag ?? ''} ${JSON.stringify(c.value ?? '')}`;
    }
    case 'SOA': {
      const s = d as { mname?: string; serial?: number };
      return `${s.mname ?? ''} serial ${s.serial ?? '?'}`;
    }
    case 'MX': {
      const m = d as { preference?: number; exchange?: string };
      return `${m.preference ?? 0} ${m.exchange ?? ''}`;
    }
    default:
      if (typeof d === 'string') return d;
      if (Buffer.isBuffer(d)) return `\\# ${d.length} ${d.toString('hex')}`;
      return JSON.stringify(d, (_k, v: unknown) =>
        v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? '<binary>' : v,
      );
  }
}

export const recordText = (r: DnsRecord): string => `${r.name || '.'} ${r.ttl} ${r.type} ${recordData(r)}`;

const MAX_RECORDS_SHOWN = 6;

/** What a server said, in one line: rcode, flags that matter, and the records. */
export function outcomeAnswer(o: QueryOutcome): string {
  if (!o.ok) return `${o.failure.kind}: ${o.failure.message}`;
  const r = o.response;
  const flags = [r.flags.aa ? 'aa' : '', r.flags.tc ? 'tc' : '', r.flags.ad ? 'ad' : '']
    .filter(Boolean)
    .join(',');
  const head = `${r.rcode}${flags ? ` (${flags})` : ''}`;
  if (r.answers.length > 0) {
    const shown = r.answers.slice(0, MAX_RECORDS_SHOWN).map((a) => `${a.type} ${recordData(a)}`);
    const more =
      r.answers.length > MAX_RECORDS_SHOWN ? `; ... ${r.answers.length - MAX_RECORDS_SHOWN} more` : '';
    return `${head}: ${shown.join('; ')}${more}`;
  }
  const ns = r.authorities.filter((a) => a.type === 'NS');
  if (ns.length > 0 && !r.flags.aa)
    return `${head}: referral to ${ns[0]?.name || '.'} (${ns.map((n) => recordData(n)).join(', ')})`;
  if (r.rcode === 'NOERROR') return `${head}: no records (NODATA)`;
  return head;
}

export function outcomeEvidence(o: QueryOutcome, serverName?: string): Evidence {
  const server = o.ok ? o.response.server : o.failure.server;
  const q = o.ok ? o.response.question : o.failure.question;
  return {
    source: serverName ? `${serverName} (${server})` : server,
    query: `${q.type} ${q.name || '.'}`,
    answer: outcomeAnswer(o),
    rttMs: o.ok ? o.response.rttMs : o.failure.rttMs,
  };
}
