/**
 * What public validating resolvers make of an answer: the AD bit when they validate it, and SERVFAIL
 * without CD but an answer with CD when they find it bogus. Shown as evidence beside our own validation.
 */
import type { Evidence, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import { outcomeAnswer } from '../evidence.js';
import { endpointLabel, type QueryOptions, type QueryOutcome, type ServerEndpoint } from '../types.js';
import type { ChainResult } from './chain.js';

export type ResolverVerdict = 'secure' | 'insecure' | 'bogus' | 'failed';

export interface ResolverView {
  resolver: ServerEndpoint;
  verdict: ResolverVerdict;
  /** With DO set, CD clear. */
  plain: QueryOutcome;
  /** With CD set, asked only after a SERVFAIL. */
  checkingDisabled?: QueryOutcome;
}

type Ask = (
  name: string,
  type: string,
  opts?: QueryOptions,
) => Promise<{ resolver: ServerEndpoint; outcome: QueryOutcome }[]>;

const answered = (o: QueryOutcome | undefined): boolean =>
  !!o && o.ok && (o.response.rcode === 'NOERROR' || o.response.rcode === 'NXDOMAIN');

/** Pure: one resolver's verdict from its answers with and without CD. */
export function resolverVerdict(plain: QueryOutcome, cd?: QueryOutcome): ResolverVerdict {
  if (answered(plain)) return plain.ok && plain.response.flags.ad ? 'secure' : 'insecure';
  if (plain.ok && plain.response.rcode === 'SERVFAIL' && answered(cd)) return 'bogus';
  return 'failed';
}

export async function gatherResolverViews(ask: Ask, name: string, type: string): Promise<ResolverView[]> {
  const plain = await ask(name, type, { dnssec: true });
  const servfail = plain.some((p) => p.outcome.ok && p.outcome.response.rcode === 'SERVFAIL');
  const cd = servfail ? await ask(name, type, { dnssec: true, cd: true }) : [];
  return plain.map((p) => {
    const withCd = cd.find((c) => c.resolver.address === p.resolver.address)?.outcome;
    return {
      resolver: p.resolver,
      plain: p.outcome,
      checkingDisabled: withCd,
      verdict: resolverVerdict(p.outcome, withCd),
    };
  });
}

export function resolverEvidence(views: readonly ResolverView[]): Evidence[] {
  return views.map((v) => ({
    source: endpointLabel(v.resolver),
    query: `${v.plain.ok ? `${v.plain.response.question.type} ${v.plain.response.question.name}` : 'query'} +dnssec`,
    answer:
      `${v.verdict}: ${outcomeAnswer(v.plain)}` +
      (v.checkingDisabled ? `; with CD: ${outcomeAnswer(v.checkingDisabled)}` : ''),
  }));
}

/** Pure: a resolver that finds bogus what we find valid (or the reverse) is worth a warning. */
export function judgeResolverViews(
  ours: ChainResult,
  views: readonly ResolverView[],
  identifier: string,
  lookup: string,
): Finding[] {
  const theirs = views.filter((v) => v.verdict === 'bogus' || v.verdict === 'secure');
  const differing = theirs.filter((v) => (v.verdict === 'bogus') !== (ours.status === 'bogus'));
  if (differing.length === 0 || ours.status === 'indeterminate') return [];
  const names = differing.map((v) => endpointLabel(v.resolver)).join(', ');
  const theyBogus = differing[0]!.verdict === 'bogus';
  return [
    finding('DNSSEC_RESOLVER_DISAGREES', identifier, {
      detail: theyBogus
        ? `${names} answer SERVFAIL for ${lookup} unless checking is disabled (CD), so they find it bogus, while our validation from the root anchors says ${ours.status}. Their trust anchors or clocks may differ, or a server they reached serves other signatures.`
        : `${names} validate ${lookup} (AD set) while our validation says bogus. A server we asked may serve different signatures than the one they reached.`,
      evidence: resolverEvidence(views),
      remediation: theyBogus
        ? `Check the signatures every nameserver serves for ${lookup} (e.g. \`dig +dnssec @<each server>\`) and re-sign the zone where they are stale.`
        : `Compare what each authoritative server serves for ${lookup}; re-sign or resync the server whose signatures are broken.`,
    }),
  ];
}
