/** The DNS I/O behind dns-persist-01 judging: the CA's lookup and every authoritative server. Plain evidence out. */
import type { AuthoritativeAnswer, DnsRecord, IterativeResolverApi, Lookup } from '../../dns/api.js';
import { outcomeEvidence } from '../../dns/evidence.js';
import { endpointLabel } from '../../dns/types.js';
import type { PersistEvidence } from './judge.js';
import { caTxtString, persistName } from './record.js';
import type { NameRef } from '../../identifiers.js';

/** One TXT record's character-strings, as the CA's DNS library presents them. */
function caStrings(r: DnsRecord): string[] {
  const parts = Array.isArray(r.data) ? (r.data as unknown[]) : [r.data];
  return parts.map((p) => caTxtString(Buffer.isBuffer(p) ? p : Buffer.from(String(p), 'utf8')));
}

const txtAt = (records: DnsRecord[], owner?: string): string[][] =>
  records.filter((r) => r.type === 'TXT' && (owner === undefined || r.name === owner)).map(caStrings);

/** Per server, the records it serves (undefined when it gave no authoritative answer). */
function serverView(a: AuthoritativeAnswer): NonNullable<PersistEvidence['servers']>[number] {
  const ev = outcomeEvidence(a.outcome, a.server.name);
  const o = a.outcome;
  const answered =
    o.ok && o.response.flags.aa && (o.response.rcode === 'NOERROR' || o.response.rcode === 'NXDOMAIN');
  // Plain data: absent fields are left out, never undefined.
  return {
    server: endpointLabel(a.server),
    ...(answered ? { records: txtAt(o.response.answers, o.response.question.name) } : {}),
    ...(answered && o.response.rcode === 'NXDOMAIN' ? { nxdomain: true } : {}),
    answer: ev.answer,
  };
}

/** The plain-data summary of a TXT lookup. */
export function lookupSummary(l: Lookup): PersistEvidence['lookup'] {
  return {
    status: l.status,
    finalName: l.finalName,
    cnames: l.cnames.map((c) => c.target),
    ...(l.zone !== undefined ? { zone: l.zone } : {}),
    ...(l.message !== undefined ? { message: l.message } : {}),
  };
}

export async function gatherDnsPersist01(
  resolver: IterativeResolverApi,
  id: NameRef,
): Promise<PersistEvidence> {
  const name = persistName(id.base);
  const lookup = await resolver.resolve(name, 'TXT');
  const ev: PersistEvidence = {
    identifier: id.value,
    name,
    lookup: lookupSummary(lookup),
    records: lookup.status === 'NOERROR' ? txtAt(lookup.records) : [],
    source: lookup.decisive
      ? [outcomeEvidence(lookup.decisive)]
      : [{ source: 'resolver', query: `TXT ${name}`, answer: lookup.message ?? lookup.status }],
  };
  if (lookup.status === 'NOERROR' || lookup.status === 'NXDOMAIN') {
    const all = await resolver.askAll(lookup.finalName, 'TXT');
    if (!('error' in all)) ev.servers = all.answers.map(serverView);
  }
  return ev;
}
