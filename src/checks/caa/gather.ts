/** Asks for CAA at the name and every parent up to the TLD, in parallel, as Boulder does (va/caa.go parallelCAALookup). */
import type { IterativeResolverApi, Lookup } from '../../dns/api.js';
import type { DnsRecord } from '../../dns/types.js';
import { outcomeEvidence } from '../../dns/evidence.js';
import type { Evidence } from '../../report/finding.js';
import type { CaaLookup, CaaRecordData } from './evaluate.js';

/** The name and its parents, down to and including the TLD: a.b.example.com, b.example.com, example.com, com. */
export function caaNames(baseName: string): string[] {
  const labels = baseName.replace(/\.$/, '').toLowerCase().split('.').filter(Boolean);
  return labels.map((_l, i) => labels.slice(i).join('.'));
}

function toRecord(data: unknown): CaaRecordData | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const d = data as { flags?: unknown; tag?: unknown; value?: unknown };
  if (typeof d.tag !== 'string') return undefined;
  const value = Buffer.isBuffer(d.value)
    ? d.value.toString('latin1')
    : typeof d.value === 'string'
      ? d.value
      : '';
  return { flags: typeof d.flags === 'number' ? d.flags : 0, tag: d.tag, value };
}

/** One lookup as the CA sees it, with the exchange it rests on as evidence. */
const caaRecords = (records: DnsRecord[]): CaaRecordData[] =>
  records
    .filter((r) => r.type === 'CAA')
    .map((r) => toRecord(r.data))
    .filter((r): r is CaaRecordData => r !== undefined);

export function toCaaLookup(name: string, lookup: Lookup): CaaLookup {
  const records = caaRecords(lookup.records);
  const decisive = lookup.decisive ?? lookup.exchanges[lookup.exchanges.length - 1];
  const evidence: Evidence[] = [];
  for (const c of lookup.cnames) {
    evidence.push({ source: c.server, query: `CAA ${c.name}`, answer: `CNAME ${c.target}` });
  }
  if (decisive) evidence.push(outcomeEvidence(decisive));
  else evidence.push({ source: 'resolver', query: `CAA ${name}`, answer: lookup.message ?? lookup.status });
  const out: CaaLookup = { name, status: lookup.status, records, evidence };
  if (lookup.message) out.message = lookup.message;
  const d = lookup.disagreement;
  // Only a disagreement on the CAA answer itself: one on a CNAME hop changes the name, not just the set.
  if (
    d &&
    d.type === 'CAA' &&
    d.name === lookup.finalName &&
    d.variants.every((v) => !v.records.some((r) => r.type === 'CNAME'))
  )
    out.variants = d.variants.map((v) => ({
      servers: v.servers,
      status: v.rcode,
      records: caaRecords(v.records),
    }));
  return out;
}

export async function gatherCaa(
  resolver: Pick<IterativeResolverApi, 'resolve'>,
  baseName: string,
): Promise<CaaLookup[]> {
  const names = caaNames(baseName);
  return Promise.all(
    names.map(async (name) => {
      try {
        return toCaaLookup(name, await resolver.resolve(name, 'CAA'));
      } catch (err) {
        // A resolver crash is a lookup the CA would not have got an answer to either.
        const message = err instanceof Error ? err.message : String(err);
        return {
          name,
          status: 'SERVFAIL',
          records: [],
          evidence: [{ source: 'resolver', query: `CAA ${name}`, answer: `error: ${message}` }],
          message,
        };
      }
    }),
  );
}
