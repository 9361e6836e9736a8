/** Do the authoritative servers serve the same zone? SOA serials and answers to the CA's questions. Pure. */
import type { Challenge, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import type { ServerEndpoint } from '../../dns/types.js';
import { normalizeName } from '../../dns/names.js';
import { endpointKey, listText, serverLabel } from './format.js';
import { queryText, rowEvidence, type QueryTable, type Row } from './table.js';
import { caUses } from './usage.js';
import { caDnsProblem } from '../../report/ca-messages.js';

/** RFC 1982 §3.2: serial number arithmetic in a 32-bit space. */
const SERIAL_HALF = 2 ** 31;
export function serialNewer(a: number, b: number): boolean {
  return (a < b && b - a > SERIAL_HALF) || (a > b && a - b < SERIAL_HALF);
}

export interface ServerSerial {
  server: ServerEndpoint;
  serial: number;
  mname: string;
}

export function serialsOf(soaTable: QueryTable): ServerSerial[] {
  const out: ServerSerial[] = [];
  for (const r of soaTable.rows) {
    if (r.reply.kind !== 'data') continue;
    const soa = r.reply.records.find(
      (x) => x.type === 'SOA' && normalizeName(x.name) === normalizeName(soaTable.name),
    );
    const data = soa?.data as { serial?: number; mname?: string } | undefined;
    if (typeof data?.serial === 'number')
      out.push({ server: r.server, serial: data.serial, mname: normalizeName(data.mname ?? '') });
  }
  return out;
}

const newestOf = (serials: number[]): number =>
  serials.reduce((best, s) => (serialNewer(s, best) ? s : best));
const nameOf = (s: ServerEndpoint): string => s.name ?? s.address;

export function judgeSerials(soaTable: QueryTable, identifier: string, zone: string): Finding[] {
  const serials = serialsOf(soaTable);
  const distinct = [...new Set(serials.map((s) => s.serial))];
  if (distinct.length < 2) return [];
  const newest = newestOf(distinct);
  const current = serials.filter((s) => s.serial === newest);
  const primary =
    current.find((s) => s.server.name && normalizeName(s.server.name) === s.mname) ?? current[0]!;
  const older = serials.filter((s) => s.serial !== newest);
  const fixes = older.map(
    (o) =>
      `reload the secondary ${nameOf(o.server)} or fix its zone transfer from the primary; it serves serial ${o.serial}, the primary (${nameOf(primary.server)}) ${newest}`,
  );
  return [
    finding('DELEGATION_SOA_SERIAL_MISMATCH', identifier, {
      detail:
        `The nameservers of ${zone} serve different versions of the zone: ` +
        serials.map((s) => `${serverLabel(s.server)} SOA serial ${s.serial}`).join('; ') +
        `. ${listText(older.map((o) => nameOf(o.server)))} ${older.length > 1 ? 'lag' : 'lags'} behind: a change still propagating, or a secondary that stopped transferring.`,
      evidence: soaTable.rows.filter((r) => r.reply.kind === 'data').map((r) => rowEvidence(soaTable, r)),
      remediation: fixes.join('; ') + '.',
    }),
  ];
}

interface Group {
  key: string;
  text: string;
  rows: Row[];
  empty: boolean;
}

function groupsOf(t: QueryTable): Group[] {
  const groups = new Map<string, Group>();
  for (const r of t.rows) {
    if (r.reply.kind === 'lame') continue;
    const g = groups.get(r.reply.key) ?? {
      key: r.reply.key,
      text: r.reply.text,
      rows: [],
      empty: r.reply.kind !== 'data' || r.reply.records.length === 0,
    };
    g.rows.push(r);
    groups.set(r.reply.key, g);
  }
  return [...groups.values()];
}

/** What the CA does with one group's answer to an address question it asks (A/AAAA, HTTP-01 and TLS-ALPN-01). */
function addressMeaning(t: QueryTable, g: Group): string {
  const first = g.rows[0]?.reply;
  if (first?.kind === 'data' && first.rcode === 'NXDOMAIN')
    return `the CA's lookup fails ("${caDnsProblem(t.type, t.name, 'NXDOMAIN')}")`;
  const addrs =
    first?.kind === 'data' ? first.records.filter((r) => r.type === t.type).map((r) => String(r.data)) : [];
  if (addrs.length === 0)
    return `no ${t.type} record: the CA uses the ${t.type === 'A' ? 'IPv6' : 'IPv4'} addresses alone, and fails if there are none`;
  return t.type === 'AAAA'
    ? `the CA connects to ${addrs[0]} first`
    : `the CA uses ${addrs[0]} (first, or after an IPv6 connection failure)`;
}

const servers = (g: Group): string => listText(g.rows.map((r) => serverLabel(r.server)));
const says = (g: Group): string => (g.rows.length > 1 ? 'say' : 'says');

/** The group most likely current: the one on the newest serial, else the largest. */
function currentGroup(groups: Group[], serials: ServerSerial[]): { group: Group; bySerial: boolean } {
  const serialOf = new Map(serials.map((s) => [endpointKey(s.server), s.serial]));
  const distinct = [...new Set(serials.map((s) => s.serial))];
  if (distinct.length > 1) {
    const newest = newestOf(distinct);
    const onNewest = groups.filter((g) =>
      g.rows.every((r) => serialOf.get(endpointKey(r.server)) === newest),
    );
    if (onNewest.length === 1) return { group: onNewest[0]!, bySerial: true };
  }
  return { group: [...groups].sort((a, b) => b.rows.length - a.rows.length)[0]!, bySerial: false };
}

export function judgeDisagreement(
  tables: QueryTable[],
  soaTable: QueryTable,
  identifier: string,
  challenge?: Challenge,
): Finding[] {
  const serials = serialsOf(soaTable);
  const serialOf = new Map(serials.map((s) => [endpointKey(s.server), s.serial]));
  const findings: Finding[] = [];
  for (const t of tables) {
    const groups = groupsOf(t);
    if (groups.length < 2) continue;
    const used = caUses(t, challenge);
    const { group: cur, bySerial } = currentGroup(groups, serials);
    const others = groups.filter((g) => g !== cur);
    const q = queryText(t);
    const n = others.reduce((sum, g) => sum + g.rows.length, 0);
    const emptyNote = groups
      .filter((g) => g.empty && groups.some((h) => !h.empty))
      .map((g) => {
        const answering = groups.filter((h) => !h.empty);
        return `${servers(g)} ${g.rows.length > 1 ? 'answer' : 'answers'} ${g.text} where ${listText(answering.map(servers))} ${answering.map((h) => h.text).join(' / ')}`;
      });
    const stale = others.map((g) => {
      const withSerial = g.rows
        .map((r) => ({ r, s: serialOf.get(endpointKey(r.server)) }))
        .filter((x) => x.s !== undefined)
        .map((x) => `${nameOf(x.r.server)} (serial ${x.s})`);
      return bySerial && withSerial.length > 0
        ? listText(withSerial)
        : listText(g.rows.map((r) => nameOf(r.server)));
    });
    findings.push(
      finding('DELEGATION_SERVERS_DISAGREE', identifier, {
        title: `Authoritative servers disagree about ${q}`,
        severity: used ? 'warning' : 'info',
        detail:
          `The nameservers of ${t.zone ?? 'the zone'} answer ${q} differently: ` +
          groups.map((g) => `${servers(g)} ${says(g)} ${g.text}`).join('; ') +
          '. ' +
          (emptyNote.length > 0 ? emptyNote.join('; ') + '. ' : '') +
          (used && (t.type === 'A' || t.type === 'AAAA')
            ? `With each answer: ${groups.map((g) => `${servers(g)}: ${addressMeaning(t, g)}`).join('; ')}. `
            : '') +
          `A change still propagating, or a forgotten secondary.` +
          (used ? ` The CA's resolver asks one of them, so it may see either answer.` : ''),
        evidence: t.rows.filter((r) => r.reply.kind !== 'lame').map((r) => rowEvidence(t, r)),
        remediation: bySerial
          ? `${listText(stale)} ${n > 1 ? 'serve' : 'serves'} an older copy of the zone: reload ${n > 1 ? 'them' : 'it'} or fix the zone transfer from the primary, and wait until every server answers ${q} with ${cur.text} before asking for validation.`
          : `Make every nameserver of ${t.zone ?? 'the zone'} serve the same data for ${q} (${cur.text}, as ${servers(cur)} ${says(cur)}; ${listText(stale)} ${n > 1 ? 'differ' : 'differs'}): with several DNS providers, update the record at each; with a secondary, check its zone transfer. Then wait until they agree before asking for validation.`,
      }),
    );
  }
  return findings;
}
