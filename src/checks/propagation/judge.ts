/** Propagation and caches: public resolvers compared with the authoritative truth. Pure. */
import type { Evidence, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import { endpointKey, listText, serverLabel } from '../delegation/format.js';
import { queryText, rowEvidence } from '../delegation/table.js';
import type { PropagationEvidence, PropagationQuery } from './gather.js';
import { EMPTY_KEY, resolverView, truthOf, type ResolverView, type Truth } from './views.js';

type Answered = Extract<ResolverView, { kind: 'answer' }>;
type Failed = Extract<ResolverView, { kind: 'failed' }>;

function viewEvidence(q: PropagationQuery, v: ResolverView): Evidence {
  const e: Evidence = {
    source: serverLabel(v.reply.resolver),
    query: queryText(q),
    answer: v.kind === 'answer' && v.ttl !== undefined ? `${v.text} (TTL ${v.ttl} s remaining)` : v.text,
    address: v.reply.resolver.address,
  };
  const rtt = v.reply.outcome.ok ? v.reply.outcome.response.rttMs : v.reply.outcome.failure.rttMs;
  if (Number.isFinite(rtt)) e.rttMs = Math.round(rtt);
  return e;
}

const authorityEvidence = (q: PropagationQuery, t: Truth): Evidence[] =>
  t.table.rows.filter((r) => r.reply.kind === 'data').map((r) => rowEvidence(t.table, r));

/** "12:03:40 UTC" from the gathering time plus seconds; undefined when the time is unknown. */
export function clearsAt(gatheredAt: string | undefined, seconds: number): string | undefined {
  const t = gatheredAt ? Date.parse(gatheredAt) : NaN;
  if (!Number.isFinite(t)) return undefined;
  return new Date(t + seconds * 1000).toISOString().slice(11, 19) + ' UTC';
}

const truthText = (t: Truth): string => [...t.keys.values()].join(' / ');

function staleFinding(
  ev: PropagationEvidence,
  q: PropagationQuery,
  t: Truth,
  stale: Answered[],
  identifier: string,
): Finding {
  const ttls = stale.map((s) => s.ttl).filter((x): x is number => x !== undefined);
  const max = ttls.length > 0 ? Math.max(...ttls) : undefined;
  const until = max !== undefined ? clearsAt(ev.gatheredAt, max) : undefined;
  const serves = (s: Answered): string =>
    `${serverLabel(s.reply.resolver)} still serves ${s.key === EMPTY_KEY ? `${s.text} (a cached negative answer)` : s.text}` +
    (s.ttl !== undefined ? ` for up to ${s.ttl} s` : '');
  const howLong = max !== undefined ? ` for up to ${max} s${until ? ` (until ${until})` : ''}` : '';
  const q1 = queryText(q);
  return finding('PROPAGATION_STALE_CACHE', identifier, {
    title: `Public resolvers still serve old data for ${q1}`,
    detail:
      `The authoritative servers now answer ${q1} with ${truthText(t)}${t.keys.size > 1 ? ' (they disagree with each other)' : ''}, but ${stale.map(serves).join('; ')}. ` +
      `The record changed recently: validation may see the old data${howLong}. ` +
      `The CA's resolvers keep caches of their own; if one looked this name up before the change, it holds the old answer until its TTL runs out.`,
    evidence: [...authorityEvidence(q, t), ...stale.map((s) => viewEvidence(q, s))],
    remediation:
      (max !== undefined
        ? `Wait ${max} s${until ? ` (until ${until})` : ''} for the cached answers to expire before asking for validation`
        : `Wait for the cached answers to expire before asking for validation`) +
      `; next time, lower the TTL of ${q1} ahead of a change (or create the record before the first lookup, so no negative answer gets cached).`,
  });
}

function disagreeFinding(q: PropagationQuery, t: Truth, views: Answered[], identifier: string): Finding {
  const groups = new Map<string, Answered[]>();
  for (const v of views) groups.set(v.key, [...(groups.get(v.key) ?? []), v]);
  const ttls = views.map((v) => v.ttl).filter((x): x is number => x !== undefined);
  const max = ttls.length > 0 ? Math.max(...ttls) : undefined;
  const q1 = queryText(q);
  const noTruth = t.keys.size === 0;
  return finding('PROPAGATION_RESOLVERS_DISAGREE', identifier, {
    title: `Public resolvers disagree about ${q1}`,
    detail:
      `Public resolvers answer ${q1} differently: ` +
      [...groups.values()]
        .map(
          (g) =>
            `${listText(g.map((v) => serverLabel(v.reply.resolver)))} ${g.length > 1 ? 'say' : 'says'} ${g[0]!.text}`,
        )
        .join('; ') +
      '. ' +
      (noTruth
        ? 'The authoritative servers gave no usable answer to compare with.'
        : `The authoritative servers themselves disagree (${truthText(t)}).`) +
      ` What the CA sees depends on which answer its resolver holds.`,
    evidence: [...authorityEvidence(q, t), ...views.map((v) => viewEvidence(q, v))],
    remediation:
      (noTruth
        ? `Make the authoritative servers answer ${q1} again`
        : `Make every authoritative server serve the same data for ${q1}`) +
      (max !== undefined ? `, then wait ${max} s for the cached answers to expire` : '') +
      ' before asking for validation.',
  });
}

function failedFindings(
  failures: Map<string, { q: PropagationQuery; v: Failed; truth: Truth }[]>,
  identifier: string,
): Finding[] {
  return [...failures.values()].map((list) => {
    const resolver = list[0]!.v.reply.resolver;
    const label = serverLabel(resolver);
    const what = list.map(
      ({ q, v, truth }) =>
        `${v.text} for ${queryText(q)} while the authoritative servers answer ${truthText(truth)}`,
    );
    const timeout = list.some(({ v }) => v.text.startsWith('timeout'));
    return finding('PROPAGATION_RESOLVER_FAILED', identifier, {
      title: `${resolver.name ?? resolver.address} fails to resolve ${list[0]!.q.name}`,
      detail:
        `${label} answered ${what.join('; ')}. ` +
        `Evidence only: the CA uses its own resolver, but the same cause (a DNSSEC validation failure, a nameserver that is slow or unreachable from some networks) may fail its lookup too.`,
      evidence: list.flatMap(({ q, v, truth }) => [...authorityEvidence(q, truth), viewEvidence(q, v)]),
      remediation:
        `Check that DNSSEC for ${list[0]!.q.name} validates (a DS with no matching DNSKEY or an expired RRSIG makes validating resolvers SERVFAIL)` +
        (timeout
          ? ' and that every nameserver answers quickly from everywhere'
          : ' and that every nameserver answers from everywhere') +
        `; if only ${resolver.name ?? resolver.address} fails, the problem may be its own and will pass.`,
    });
  });
}

export function judgePropagation(ev: PropagationEvidence, identifier: string): Finding[] {
  const findings: Finding[] = [];
  const failures = new Map<string, { q: PropagationQuery; v: Failed; truth: Truth }[]>();
  for (const q of ev.queries) {
    const truth = truthOf(q);
    const views = q.resolvers.map((r) => resolverView(q, r, truth.owners));
    const answered = views.filter((v): v is Answered => v.kind === 'answer');
    const stale = truth.keys.size > 0 ? answered.filter((v) => !truth.keys.has(v.key)) : [];
    if (stale.length > 0) findings.push(staleFinding(ev, q, truth, stale, identifier));
    const rest = answered.filter((v) => !stale.includes(v));
    if (new Set(rest.map((v) => v.key)).size > 1) findings.push(disagreeFinding(q, truth, rest, identifier));
    if (truth.keys.size > 0) {
      for (const v of views) {
        if (v.kind !== 'failed') continue;
        const k = endpointKey(v.reply.resolver);
        failures.set(k, [...(failures.get(k) ?? []), { q, v, truth }]);
      }
    }
  }
  return [...findings, ...failedFindings(failures, identifier)];
}
