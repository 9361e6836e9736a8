/** Judging what public validating resolvers make of an answer, beside our own validation. */
import type { Evidence, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import { outcomeAnswer } from '../../dns/evidence.js';
import { endpointLabel } from '../../dns/types.js';
import type { ChainResult } from '../../dns/dnssec/chain.js';
import type { ResolverView } from '../../dns/dnssec/resolver-view.js';

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
