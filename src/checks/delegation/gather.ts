/** Gathers what the delegation judge needs: the zone cut and every authoritative server's answers. */
import type { AuthoritativeAnswer, Delegation, IterativeResolverApi, Lookup } from '../../dns/api.js';
import { normalizeName } from '../../dns/names.js';
import { plainAnswer, plainAskAll, plainDelegation, plainLookup } from '../../dns/plain.js';
import type { QueryOptions, ServerEndpoint } from '../../dns/types.js';
import { isDnsChallenge, type Challenge } from '../../report/finding.js';
import { isRegistryZone } from './registry.js';
import { acmeChallengeName, type NameRef } from '../../identifiers.js';

export type AskAllResult = Awaited<ReturnType<IterativeResolverApi['askAll']>>;

export interface AskedQuery {
  name: string;
  type: string;
  result: AskAllResult;
}

export interface AskedServers {
  name: string;
  type: string;
  answers: AuthoritativeAnswer[];
}

export interface DelegationEvidence {
  /** The name looked at (a wildcard's `*.` removed), lower-case. */
  name: string;
  /** The zone containing name, with the parent's NS set; or why it could not be found. */
  zone: Delegation | { error: Lookup };
  /** NS and SOA at the zone apex, asked of every server. */
  ns?: AskAllResult;
  soa?: AskAllResult;
  /** A, AAAA, CNAME, CAA at name and TXT at _acme-challenge.name, asked of every server. */
  data: AskedQuery[];
  /** Zones the CA's lookups reach through CNAMEs, other than this one, each once (MAX_CNAME_TARGET_ZONES). */
  targets?: DelegationEvidence[];
  /** The zone could not be found because its servers were silent: the same question asked without EDNS. */
  withoutEdns?: AskedServers;
  /** For a target zone: the CNAMEs that lead into it ("a.example.com CNAME b.example.net"). */
  via?: string[];
  /** SOA at the apex asked of every server as the probes of TRANSPORT_PROBES (not for registry zones). */
  probes?: Partial<Record<TransportProbe, AskAllResult>>;
}

/**
 * The ways of asking that Zonemaster's nameserver tests use and the CA's resolver depends on: over TCP
 * (RFC 7766; retried after a truncated UDP answer), without EDNS, with an unknown EDNS version (RFC 6891
 * §6.1.3: BADVERS expected), with the DNSSEC OK bit (a validating resolver sets it on every query).
 */
export const TRANSPORT_PROBES = {
  tcp: { tcp: true },
  noEdns: { udpPayload: 0 },
  ednsVersion1: { ednsVersion: 1 },
  dnssecOk: { dnssec: true },
} as const satisfies Record<string, QueryOptions>;
export type TransportProbe = keyof typeof TRANSPORT_PROBES;
/**
 * One retry, not the resolver's full set: a single lost datagram must not read as a server that drops a
 * kind of query (a flaky path answers the retry; a server that drops DO queries drops both).
 */
export const PROBE_RETRIES = 1;

/** The questions the CA's validation depends on. */
export const DATA_TYPES = ['A', 'AAAA', 'CNAME', 'CAA'] as const;

/**
 * Only the data the CA will look at for this challenge, so a large order stays cheap. An A answer from
 * an authoritative server carries the CNAME too, so CNAME disagreement shows without its own query.
 */
export function delegationQuestions(
  base: string,
  challenge?: Challenge,
  txtName?: string,
): [string, string][] {
  const txt: [string, string] = [txtName ?? acmeChallengeName(base), 'TXT'];
  if (isDnsChallenge(challenge)) return [[base, 'CAA'], txt];
  if (challenge)
    return [
      [base, 'A'],
      [base, 'AAAA'],
      [base, 'CAA'],
    ];
  return [...DATA_TYPES.map((t): [string, string] => [base, t]), txt];
}

/** Plain data (src/dns/plain.ts), so another perspective can gather it. */
/** CNAME target zones gathered per name: a long chain through many zones stays bounded (Unbound's chain limit is 11). */
export const MAX_CNAME_TARGET_ZONES = 8;

export async function gatherDelegation(
  resolver: IterativeResolverApi,
  id: NameRef,
  challenge?: Challenge,
  /** The TXT name the challenge reads (dns-account-01, dns-persist-01); default `_acme-challenge.<base>`. */
  txtName?: string,
): Promise<DelegationEvidence> {
  const base = id.base;
  const questions = delegationQuestions(base, challenge, txtName);
  // Every branch of delegationQuestions asks CAA at base, and the CAA check asks it too.
  const ev = await gatherZone(resolver, base, questions, 'CAA');
  const targets = await gatherTargets(resolver, ev, questions);
  if (targets.length > 0) ev.targets = targets;
  return ev;
}

/** The zone containing base, every server's answers to its apex and to questions, and the probes. */
async function gatherZone(
  resolver: IterativeResolverApi,
  base: string,
  questions: [string, string][],
  probe: string,
): Promise<DelegationEvidence> {
  const found = await resolver.findZone(base, probe);
  if ('error' in found) {
    const ev: DelegationEvidence = { name: base, zone: { error: plainLookup(found.error) }, data: [] };
    const withoutEdns = await askSilentWithoutEdns(resolver, found.error);
    if (withoutEdns) ev.withoutEdns = withoutEdns;
    return ev;
  }
  const zone = plainDelegation(found);
  const probeNames = isRegistryZone(zone.zone) ? [] : (Object.keys(TRANSPORT_PROBES) as TransportProbe[]);
  const [[ns, soa, ...answers], probed] = await Promise.all([
    Promise.all([
      resolver.askAll(zone.zone, 'NS'),
      resolver.askAll(zone.zone, 'SOA'),
      ...questions.map(([n, t]) => resolver.askAll(n, t)),
    ]),
    Promise.all(
      probeNames.map((p) =>
        resolver.askAll(zone.zone, 'SOA', { ...TRANSPORT_PROBES[p], retries: PROBE_RETRIES }),
      ),
    ),
  ]);
  const ev: DelegationEvidence = {
    name: base,
    zone,
    ns: plainAskAll(ns),
    soa: plainAskAll(soa),
    data: questions.map(([n, t], i) => ({ name: n, type: t, result: plainAskAll(answers[i]!) })),
  };
  if (probeNames.length > 0)
    ev.probes = Object.fromEntries(probeNames.map((p, i) => [p, plainAskAll(probed[i]!)]));
  return ev;
}

/** "192.0.2.1:53" or "2001:db8::1:53" back to an endpoint. */
function endpointOf(label: string): ServerEndpoint | undefined {
  const at = label.lastIndexOf(':');
  const port = Number(label.slice(at + 1));
  return at > 0 && Number.isInteger(port) ? { address: label.slice(0, at), port } : undefined;
}

/**
 * Servers that never answered the lookup that looks for the zone, asked once more without EDNS: when
 * they answer then, every one of them drops EDNS queries, and the zone is not dead but unreachable to
 * the CA's resolver (which sends EDNS on every query).
 */
async function askSilentWithoutEdns(
  resolver: IterativeResolverApi,
  l: Lookup,
): Promise<AskedServers | undefined> {
  if (l.status !== 'TIMEOUT' || !resolver.askServers) return undefined;
  const silent = l.exchanges.filter((x) => !x.ok && x.failure.kind === 'timeout');
  const q = silent[0] && !silent[0].ok ? silent[0].failure.question : undefined;
  if (!q) return undefined;
  const labels = [
    ...new Set(
      silent.flatMap((x) =>
        !x.ok && x.failure.question.name === q.name && x.failure.question.type === q.type
          ? [x.failure.server]
          : [],
      ),
    ),
  ];
  const servers = labels
    .map(endpointOf)
    .filter((e): e is ServerEndpoint => e !== undefined)
    .slice(0, MAX_SILENT_PROBED);
  if (servers.length === 0) return undefined;
  const answers = await resolver.askServers(servers, q.name, q.type, {
    ...TRANSPORT_PROBES.noEdns,
    retries: PROBE_RETRIES,
  });
  return { name: q.name, type: q.type, answers: answers.map(plainAnswer) };
}

/** Silent servers asked again without EDNS: a zone has a handful of them. */
const MAX_SILENT_PROBED = 8;

interface Target {
  name: string;
  type: string;
  via: string;
}

/**
 * The zones the CA's lookups reach through CNAMEs (the name's, and the challenge TXT name's), each gathered
 * once with the questions that end there, beside the name's own zone.
 */
async function gatherTargets(
  resolver: IterativeResolverApi,
  own: DelegationEvidence,
  questions: [string, string][],
): Promise<DelegationEvidence[]> {
  const asked = questions.filter(([, t]) => t !== 'CNAME');
  const lookups = await Promise.all(asked.map(([n, t]) => resolver.resolve(n, t)));
  const targets: Target[] = [];
  for (const l of lookups)
    for (const c of l.cnames)
      targets.push({ name: normalizeName(c.target), type: l.type, via: `${c.name} CNAME ${c.target}` });
  if (targets.length === 0) return [];
  const zones = await Promise.all(targets.map((t) => resolver.findZone(t.name, t.type)));
  const seen = new Set<string>('error' in own.zone ? [] : [own.zone.zone]);
  const byZone = new Map<string, Target[]>();
  targets.forEach((t, i) => {
    const z = zones[i]!;
    // A zone that cannot be found is still gathered once (its failure is the finding), keyed by name.
    const key = 'error' in z ? `?${t.name}` : z.zone;
    if (seen.has(key) && !byZone.has(key)) return;
    seen.add(key);
    byZone.set(key, [...(byZone.get(key) ?? []), t]);
  });
  const picked = [...byZone.values()].slice(0, MAX_CNAME_TARGET_ZONES);
  return Promise.all(
    picked.map(async (ts) => {
      const qs = [
        ...new Map(
          ts.map((t): [string, [string, string]] => [`${t.name}|${t.type}`, [t.name, t.type]]),
        ).values(),
      ];
      const ev = await gatherZone(resolver, ts[0]!.name, qs, ts[0]!.type);
      ev.via = [...new Set(ts.map((t) => t.via))];
      return ev;
    }),
  );
}
