/** Lame servers: no AA bit, REFUSED, SERVFAIL, timeouts, upward referrals. Pure. */
import type { Challenge, Evidence, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import type { ServerEndpoint } from '../../dns/types.js';
import { endpointKey, listText, serverLabel } from './format.js';
import { LAME_STATUSES, lookupEvidence, queryText, rowEvidence, type QueryTable } from './table.js';
import { caFailureMessage, caUses } from './usage.js';

const isAllLame = (t: QueryTable): boolean =>
  t.rows.length > 0
    ? t.rows.every((r) => r.reply.kind === 'lame')
    : !!t.error && LAME_STATUSES.has(t.error.status);

const allTimeouts = (t: QueryTable): boolean =>
  t.rows.length > 0
    ? t.rows.every((r) => r.reply.kind === 'lame' && r.reply.text.startsWith('timeout'))
    : t.error?.status === 'TIMEOUT';

function tableEvidence(t: QueryTable): Evidence[] {
  return t.rows.length > 0 ? t.rows.map((r) => rowEvidence(t, r)) : t.error ? lookupEvidence(t.error) : [];
}

/** Servers that gave an authoritative answer (data, NODATA, NXDOMAIN or a referral) to some question. */
function answeringServers(tables: QueryTable[]): Set<string> {
  const out = new Set<string>();
  for (const t of tables) for (const r of t.rows) if (r.reply.kind !== 'lame') out.add(endpointKey(r.server));
  return out;
}

/** "SOA example.com, A www.example.com": what a server did answer, for the per-type findings. */
function answeredBy(tables: QueryTable[], key: string): string[] {
  return tables
    .filter((t) => t.rows.some((r) => endpointKey(r.server) === key && r.reply.kind !== 'lame'))
    .map((t) => t.type);
}

const TYPE_FIX =
  'an authoritative server must answer every query type for the names it serves, with an empty NOERROR answer (NODATA) when there is no such record; DNS software, a provider proxy or a firewall that refuses, drops or fails record types it does not know (CAA is type 257) does this: upgrade or reconfigure it';

export function judgeLameness(
  tables: QueryTable[],
  identifier: string,
  zone: string,
  challenge?: Challenge,
): Finding[] {
  const findings: Finding[] = [];
  const answering = answeringServers(tables);
  const allLame = tables.filter(isAllLame);
  // A question every server fails, asked of servers that answer other questions: that type fails, the
  // servers are not lame (Zonemaster and DNSViz diagnose per query type).
  const byType = allLame.filter(
    (t) => t.rows.length > 0 && t.rows.some((r) => answering.has(endpointKey(r.server))),
  );
  const dead = allLame.filter((t) => !byType.includes(t) && caUses(t, challenge));
  if (dead.length > 0) {
    const first = dead[0]!;
    const servers = [...new Set(dead.flatMap((t) => t.rows.map((r) => serverLabel(r.server))))];
    const said = first.rows.map((r) => `${serverLabel(r.server)}: ${r.reply.text}`);
    findings.push(
      finding('DELEGATION_ALL_LAME', identifier, {
        detail:
          `Every authoritative server of ${first.zone ?? zone} failed ${listText(dead.map(queryText))}` +
          (said.length > 0
            ? ` (${said.join('; ')})`
            : first.error?.message
              ? ` (${first.error.message})`
              : '') +
          `. The CA's resolver gets no usable answer, so validation fails.`,
        evidence: dead.flatMap(tableEvidence),
        remediation:
          servers.length > 0
            ? `Make ${listText(servers)} serve zone ${first.zone ?? zone} authoritatively: load the zone on each server, allow queries from anywhere, and check that the NS records at the registrar point at servers that host the zone.`
            : `Make the nameservers of ${zone} answer authoritatively for it, and check that the NS records at the registrar point at servers that host the zone.`,
        caMessage: caFailureMessage(first, allTimeouts(first), identifier),
      }),
    );
  }
  for (const t of byType) {
    const used = caUses(t, challenge);
    const servers = t.rows.map((r) => serverLabel(r.server));
    const ok = [...new Set(t.rows.flatMap((r) => answeredBy(tables, endpointKey(r.server))))];
    findings.push(
      finding('DELEGATION_QUERY_TYPE_FAILS', identifier, {
        title: `Every nameserver of ${t.zone ?? zone} fails ${queryText(t)}`,
        severity: used ? 'error' : 'warning',
        detail:
          `The nameservers of ${t.zone ?? zone} answer ${listText(ok)} queries authoritatively, but every one of them fails ${queryText(t)} (` +
          t.rows.map((r) => `${serverLabel(r.server)}: ${r.reply.text}`).join('; ') +
          `). The zone is served; this query type is not. ` +
          (used
            ? `The CA's resolver gets no usable ${t.type} answer, so validation fails.`
            : `This challenge does not read it, but other clients may.`),
        evidence: t.rows.map((r) => rowEvidence(t, r)),
        remediation: `Make ${listText(servers)} answer ${t.type} queries for ${t.name}: ${TYPE_FIX}.`,
        ...(used ? { caMessage: caFailureMessage(t, allTimeouts(t), identifier) } : {}),
      }),
    );
  }
  // once a question is reported for every server, other servers' failures of it add nothing
  const deadSet = new Set(dead.length > 0 ? allLame : byType);
  for (const t of byType) deadSet.add(t);
  const perServer = new Map<
    string,
    { server: ServerEndpoint; evidence: Evidence[]; what: Map<string, string[]> }
  >();
  for (const t of tables) {
    if (deadSet.has(t)) continue;
    for (const r of t.rows) {
      if (r.reply.kind !== 'lame') continue;
      const k = endpointKey(r.server);
      const entry = perServer.get(k) ?? { server: r.server, evidence: [], what: new Map<string, string[]>() };
      entry.evidence.push(rowEvidence(t, r));
      entry.what.set(r.reply.text, [...(entry.what.get(r.reply.text) ?? []), queryText(t)]);
      perServer.set(k, entry);
    }
  }
  const good = (k: string): boolean =>
    tables.some((t) => t.rows.some((r) => endpointKey(r.server) !== k && r.reply.kind !== 'lame'));
  for (const [k, { server, evidence, what }] of perServer) {
    const label = serverLabel(server);
    const host = server.name ?? server.address;
    const slow = [...what.keys()].some((w) => w.startsWith('timeout'));
    const said = [...what].map(([text, qs]) => `${text} for ${qs.join(', ')}`);
    const retry =
      (good(k) ? `Other servers answer, and the CA's resolver retries them, but ` : `The CA's resolver `) +
      `it may ask ${host} first` +
      (slow
        ? ' and wait for its timeout; a slow lookup can exhaust the validation time and fail.'
        : ' and, if its retries also fail, the lookup fails.');
    if (answering.has(k)) {
      // It serves the zone: only some query types fail there.
      const failed = [...new Set([...what.values()].flat())];
      findings.push(
        finding('DELEGATION_QUERY_TYPE_FAILS', identifier, {
          title: `Nameserver ${host} fails ${listText(failed)}`,
          detail: `${label} answers ${listText(answeredBy(tables, k))} queries for ${zone} authoritatively, but gives ${said.join('; ')}. ${retry}`,
          evidence,
          remediation: `Make ${host} answer ${listText([...new Set(failed.map((q) => q.split(' ')[0]!))])} queries: ${TYPE_FIX}; or remove ${host} from the NS records at the registrar and at the zone apex.`,
        }),
      );
      continue;
    }
    findings.push(
      finding('DELEGATION_LAME_SERVER', identifier, {
        title: `Nameserver ${host} is lame for ${zone}`,
        detail: `${label} does not answer authoritatively for ${zone}: ${said.join('; ')}. ${retry}`,
        evidence,
        remediation:
          `Fix ${host} so it serves zone ${zone} authoritatively (zone loaded, queries allowed, AA bit set), ` +
          `or remove ${host} from the NS records at the registrar and at the zone apex.`,
      }),
    );
  }
  return findings;
}
