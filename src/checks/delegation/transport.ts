/**
 * TCP and EDNS behaviour of a zone's servers, as Zonemaster's nameserver tests probe it, where it can
 * affect the CA's resolver (Unbound: EDNS and DO on every query, TCP after truncation). Pure.
 */
import type { Evidence, Finding, FindingCode, Severity } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import type { QueryOutcome, ServerEndpoint } from '../../dns/types.js';
import type { AskAllResult, DelegationEvidence, TransportProbe } from './gather.js';
import { endpointKey, failureText, listText, serverLabel } from './format.js';
import { displayName } from '../../dns/names.js';

/** How each probe was sent, for the evidence. */
const SENT: Record<TransportProbe | 'base', string> = {
  base: 'over UDP with EDNS version 0 (no DO bit)',
  noEdns: 'over UDP without EDNS',
  ednsVersion1: 'over UDP with EDNS version 1',
  dnssecOk: 'over UDP with EDNS version 0 and the DO bit',
  tcp: 'over TCP',
};

interface ServerView {
  server: ServerEndpoint;
  got: Partial<Record<TransportProbe | 'base', QueryOutcome>>;
}

const answered = (o: QueryOutcome | undefined): boolean =>
  !!o && o.ok && o.response.flags.aa && (o.response.rcode === 'NOERROR' || o.response.rcode === 'NXDOMAIN');

/** What came back: the rcode, the AA bit, the OPT record echoed (or its absence), or the failure. */
export function replyText(o: QueryOutcome | undefined): string {
  if (!o) return 'not asked';
  if (!o.ok) return failureText(o);
  const r = o.response;
  const opt = r.edns ? `OPT version ${r.edns.version}${r.edns.do ? ' with DO' : ''}` : 'no OPT record';
  return `${r.rcode}${r.flags.aa ? ' (aa)' : ''}, ${opt}${r.transport === 'tcp' ? ', over TCP' : ''}`;
}

function views(ev: DelegationEvidence): ServerView[] {
  const byKey = new Map<string, ServerView>();
  const add = (probe: TransportProbe | 'base', result: AskAllResult | undefined): void => {
    if (!result || 'error' in result) return;
    for (const a of result.answers) {
      const k = endpointKey(a.server);
      const v = byKey.get(k) ?? { server: a.server, got: {} };
      v.got[probe] = a.outcome;
      byKey.set(k, v);
    }
  };
  add('base', ev.soa);
  for (const [p, r] of Object.entries(ev.probes ?? {})) add(p as TransportProbe, r);
  return [...byKey.values()];
}

function evidenceOf(zone: string, v: ServerView, probes: (TransportProbe | 'base')[]): Evidence[] {
  return probes.map((p) => ({
    source: serverLabel(v.server),
    query: `SOA ${zone} ${SENT[p]}`,
    answer: replyText(v.got[p]),
    address: v.server.address,
  }));
}

const hosts = (vs: ServerView[]): string => listText(vs.map((v) => v.server.name ?? v.server.address));

interface Rule {
  code: FindingCode;
  /** Servers that show the fault. */
  hit: (v: ServerView) => boolean;
  probes: (TransportProbe | 'base')[];
  /** The probe that fails. */
  failing: TransportProbe | 'base';
  /** Whether every server showing it makes the CA's lookups fail. */
  fatalWhenAll: boolean;
  detail: (zone: string, vs: ServerView[], all: boolean) => string;
  remediation: (zone: string, vs: ServerView[]) => string;
}

const fails = (o: QueryOutcome | undefined): boolean => !!o && !answered(o);
const silent = (o: QueryOutcome | undefined): boolean => !!o && !o.ok && o.failure.kind === 'timeout';

const RULES: Rule[] = [
  {
    code: 'DELEGATION_EDNS_UNSUPPORTED',
    hit: (v) => answered(v.got.noEdns) && fails(v.got.base),
    probes: ['noEdns', 'base'],
    failing: 'base',
    fatalWhenAll: true,
    detail: (zone, vs, all) => {
      const dropping = vs.filter((v) => silent(v.got.base));
      const rejecting = vs.filter((v) => !silent(v.got.base));
      return (
        `${hosts(vs)} ${vs.length > 1 ? 'answer' : 'answers'} SOA ${zone} without EDNS but not with it (${vs
          .map((v) => `${serverLabel(v.server)}: ${replyText(v.got.base)}`)
          .join('; ')}). The CA's resolver sends EDNS on every query. ` +
        (dropping.length > 0
          ? `Since DNS Flag Day 2019 it takes a server that drops them (${hosts(dropping)}) for dead` +
            (all && rejecting.length === 0
              ? ': every server of the zone does, so its lookups fail. '
              : '; it may ask one first, wait for its timeout, and the lookup can fail. ')
          : '') +
        (rejecting.length > 0
          ? `From a server that rejects EDNS (${hosts(rejecting)}) it retries without it: answers are then limited to 512 bytes over UDP and carry no DNSSEC records.`
          : '')
      ).trim();
    },
    remediation: (zone, vs) =>
      `Make ${hosts(vs)} answer queries that carry an EDNS OPT record (RFC 6891): upgrade the DNS software, or fix the firewall or load balancer in front of it that drops or rejects them (check with \`dig +edns=0 SOA ${zone} @server\`).`,
  },
  {
    code: 'DELEGATION_DO_DROPPED',
    hit: (v) => answered(v.got.base) && fails(v.got.dnssecOk),
    probes: ['base', 'dnssecOk'],
    failing: 'dnssecOk',
    fatalWhenAll: true,
    detail: (zone, vs, all) =>
      `${hosts(vs)} ${vs.length > 1 ? 'answer' : 'answers'} SOA ${zone} with EDNS, but not when the DNSSEC OK bit is set (${vs
        .map((v) => `${serverLabel(v.server)}: ${replyText(v.got.dnssecOk)}`)
        .join('; ')}). The CA's resolver validates DNSSEC and sets DO on every query` +
      (all
        ? ': every server of the zone drops them, so the CA gets no answer at all.'
        : '; it may ask this one first, wait for its timeout, and the lookup can fail.'),
    remediation: (zone, vs) =>
      `Make ${hosts(vs)} answer queries with the DO bit (RFC 3225), with or without DNSSEC records: a firewall, DNS proxy or "DNS protection" in front of it is the usual cause (check with \`dig +dnssec SOA ${zone} @server\`).`,
  },
  {
    code: 'DELEGATION_TCP_FAILS',
    // The TCP probe carries EDNS too: a server that drops EDNS is reported for that alone.
    hit: (v) => answered(v.got.base) && fails(v.got.tcp),
    probes: ['base', 'tcp'],
    failing: 'tcp',
    fatalWhenAll: false,
    detail: (zone, vs, all) =>
      `${hosts(vs)} ${vs.length > 1 ? 'answer' : 'answers'} SOA ${zone} over UDP but not over TCP (${vs
        .map((v) => `${serverLabel(v.server)}: ${replyText(v.got.tcp)}`)
        .join(
          '; ',
        )}). RFC 7766 requires both. The CA's resolver retries over TCP when a UDP answer is truncated (a large TXT or CAA set, or a DNSSEC-signed one)` +
      (all ? ': no server of the zone would answer it then.' : ', and it may pick this server.'),
    remediation: (zone, vs) =>
      `Let ${hosts(vs)} answer DNS over TCP port 53 (the server's TCP listener, and any firewall rule that blocks TCP to port 53; check with \`dig +tcp SOA ${zone} @server\`).`,
  },
  {
    code: 'DELEGATION_EDNS_NO_BADVERS',
    hit: (v) =>
      answered(v.got.base) &&
      !!v.got.ednsVersion1 &&
      !(v.got.ednsVersion1.ok && v.got.ednsVersion1.response.rcode === 'BADVERS'),
    probes: ['ednsVersion1'],
    failing: 'ednsVersion1',
    fatalWhenAll: false,
    detail: (zone, vs) =>
      `Asked SOA ${zone} with EDNS version 1, ${hosts(vs)} ${vs.length > 1 ? 'answer' : 'answers'} ${listText(
        vs.map((v) => `${replyText(v.got.ednsVersion1)} (${v.server.name ?? v.server.address})`),
      )} instead of BADVERS (RFC 6891 §6.1.3). The CA sends EDNS version 0, so its lookups are not affected today.`,
    remediation: (_zone, vs) =>
      `Upgrade the DNS software of ${hosts(vs)}, or the middlebox in front of it, so that an unknown EDNS version is answered BADVERS with an OPT record of version 0.`,
  },
];

/** One finding per rule that some servers break, and the servers whose EDNS fault explains their lameness. */
export function judgeTransport(
  ev: DelegationEvidence,
  identifier: string,
  zone: string,
  caMessage: string,
): { findings: Finding[]; ednsBroken: Set<string> } {
  const all = views(ev);
  const findings: Finding[] = [];
  const ednsBroken = new Set<string>();
  if (!ev.probes) return { findings, ednsBroken };
  for (const rule of RULES) {
    const vs = all.filter(rule.hit);
    if (vs.length === 0) continue;
    if (rule.code === 'DELEGATION_EDNS_UNSUPPORTED')
      for (const v of vs) ednsBroken.add(endpointKey(v.server));
    const every = vs.length === all.length;
    const fatal = rule.fatalWhenAll && every && vs.every((v) => silent(v.got[rule.failing]));
    const severity: Severity | undefined = fatal ? 'error' : undefined;
    findings.push(
      finding(rule.code, identifier, {
        detail: rule.detail(zone, vs, every),
        evidence: vs.flatMap((v) => evidenceOf(zone, v, rule.probes)),
        remediation: rule.remediation(zone, vs),
        ...(severity ? { severity, caMessage } : {}),
      }),
    );
  }
  return { findings, ednsBroken };
}

/**
 * The zone could not be found because every server asked was silent, yet each answers the same question
 * without EDNS: the servers drop EDNS queries, which the CA's resolver always sends. Undefined otherwise.
 */
export function judgeEdnsUnreachable(
  ev: DelegationEvidence,
  identifier: string,
  caMessage: string,
): Finding | undefined {
  const w = ev.withoutEdns;
  if (!w || w.answers.length === 0 || !w.answers.every((a) => answered(a.outcome))) return undefined;
  const q = `${w.type} ${displayName(w.name)}`;
  const labels = w.answers.map((a) => serverLabel(a.server));
  return finding('DELEGATION_EDNS_UNSUPPORTED', identifier, {
    severity: 'error',
    title: `The nameservers of the zone of ${ev.name} drop EDNS queries`,
    detail: `Every server asked for ${q} (${listText(labels)}) was silent to the query with EDNS but answers it without EDNS. The CA's resolver sends EDNS on every query and, since DNS Flag Day 2019, takes a server that drops them for dead: every lookup the CA makes in this zone fails.`,
    evidence: w.answers.flatMap((a) => [
      {
        source: serverLabel(a.server),
        query: `${q} ${SENT.base}`,
        answer: 'no reply (timeout)',
        address: a.server.address,
      },
      {
        source: serverLabel(a.server),
        query: `${q} ${SENT.noEdns}`,
        answer: replyText(a.outcome),
        address: a.server.address,
      },
    ]),
    remediation: `Make ${listText(labels)} answer queries that carry an EDNS OPT record (RFC 6891): upgrade the DNS software, or fix the firewall or load balancer in front of it that drops them (check with \`dig +edns=0 ${q} @server\`).`,
    caMessage,
  });
}
