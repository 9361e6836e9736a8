/** Presentation of DNS evidence for findings: records, servers and per-server outcomes. */
import type { DnsRecord, QueryOutcome, ServerEndpoint } from '../../dns/types.js';

const DNS_PORT = 53;

const asText = (v: unknown): string =>
  Buffer.isBuffer(v)
    ? v.toString('utf8')
    : v instanceof Uint8Array
      ? Buffer.from(v).toString('utf8')
      : String(v);

/** The strings of a TXT record (dns-packet gives Buffer[], a Buffer or a string). */
export function txtStrings(data: unknown): string[] {
  if (Array.isArray(data)) return data.map(asText);
  return [asText(data)];
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, (c) => '\\' + c)}"`;

/** Type and data without owner or TTL, e.g. `A 192.0.2.1`, `SOA serial 2026112301`, `TXT "abc"`. */
export function formatRecordShort(r: DnsRecord): string {
  const d = r.data as Record<string, unknown> | string | undefined;
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return `${r.type} ${String(d)}`;
    case 'CNAME':
    case 'NS':
    case 'DNAME':
    case 'PTR':
      return `${r.type} ${String(d) || '.'}`;
    case 'SOA':
      return `SOA serial ${String((d as Record<string, unknown>)?.serial)}`;
    case 'TXT':
      return `TXT ${txtStrings(d).map(quote).join(' ')}`;
    case 'CAA': {
      const c = d as { flags?: number; tag?: string; value?: unknown; issuerCritical?: boolean };
      const flags = c.flags ?? (c.issuerCritical ? 128 : 0);
      return `CAA ${flags} ${c.tag ?? ''} ${quote(asText(c.value ?? ''))}`;
    }
    case 'MX': {
      const m = d as { preference?: number; exchange?: string };
      return `MX ${m.preference ?? 0} ${m.exchange ?? ''}`;
    }
    default:
      return `${r.type} ${typeof d === 'object' && !Buffer.isBuffer(d) ? JSON.stringify(d) : asText(d)}`;
  }
}

/** Owner-qualified form when the owner differs from qname (CNAME chains). */
export function formatRecordFor(r: DnsRecord, qname: string): string {
  return r.name === qname ? formatRecordShort(r) : `${r.name} ${formatRecordShort(r)}`;
}

/** "ns1.example.com (192.0.2.53)", port shown when not 53. */
export function serverLabel(e: ServerEndpoint): string {
  const host = e.address.includes(':') ? `[${e.address}]` : e.address;
  const addr = e.port === DNS_PORT ? e.address : `${host}:${e.port}`;
  return e.name ? `${e.name} (${addr})` : addr;
}

export const endpointKey = (e: ServerEndpoint): string => `${e.address}|${e.port}`;

/** What a failed or non-answer outcome said, e.g. `timeout after 400 ms`, `REFUSED`. */
export function failureText(outcome: QueryOutcome): string {
  if (!outcome.ok) {
    const f = outcome.failure;
    if (f.kind === 'timeout') return `timeout after ${Math.round(f.rttMs)} ms`;
    return `${f.kind} error: ${f.message}`;
  }
  return outcome.response.rcode;
}

/** Joins names for prose: "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Evidence for one exchange of a lookup trail (the decisive failure, usually). */
export function outcomeAnswerText(outcome: QueryOutcome): string {
  if (!outcome.ok) return failureText(outcome);
  const r = outcome.response;
  if (r.rcode !== 'NOERROR') return r.rcode;
  if (r.answers.length > 0) return r.answers.map((a) => formatRecordFor(a, r.question.name)).join(', ');
  const ns = r.authorities.filter((a) => a.type === 'NS');
  if (!r.flags.aa && ns.length > 0) return `referral to ${ns[0]!.name || '.'}`;
  return 'no records (NODATA)';
}
