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

export function judgeLameness(
  tables: QueryTable[],
  identifier: string,
  zone: string,
  challenge?: Challenge,
): Finding[] {
  const findings: Finding[] = [];
  const dead = tables.filter((t) => isAllLame(t) && caUses(t, challenge));
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
  // once the zone is reported dead, other questions every server failed add nothing
  const deadSet = new Set(dead.length > 0 ? tables.filter(isAllLame) : []);
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
    const slow = [...what.keys()].some((w) => w.startsWith('timeout'));
    const said = [...what].map(([text, qs]) => `${text} for ${qs.join(', ')}`);
    findings.push(
      finding('DELEGATION_LAME_SERVER', identifier, {
        title: `Nameserver ${server.name ?? server.address} is lame for ${zone}`,
        detail:
          `${label} does not answer authoritatively for ${zone}: ${said.join('; ')}. ` +
          (good(k)
            ? `Other servers answer, and the CA's resolver retries them, but `
            : `The CA's resolver `) +
          `it may ask ${server.name ?? server.address} first` +
          (slow
            ? ' and wait for its timeout; a slow lookup can exhaust the validation time and fail.'
            : ' and, if its retries also fail, the lookup fails.'),
        evidence,
        remediation:
          `Fix ${server.name ?? server.address} so it serves zone ${zone} authoritatively (zone loaded, queries allowed, AA bit set), ` +
          `or remove ${server.name ?? server.address} from the NS records at the registrar and at the zone apex.`,
      }),
    );
  }
  return findings;
}
