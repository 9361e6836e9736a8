/**
 * What public validating resolvers make of an answer: the AD bit when they validate it, and SERVFAIL
 * without CD but an answer with CD when they find it bogus. Shown as evidence beside our own validation.
 */
import type { QueryOptions, QueryOutcome, ServerEndpoint } from '../types.js';

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
