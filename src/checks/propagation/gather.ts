/** Gathers the authoritative truth and every public resolver's answer for the same questions. */
import type { IterativeResolverApi } from '../../dns/api.js';
import type { QueryOutcome, ServerEndpoint } from '../../dns/types.js';
import { normalizeName } from '../../dns/names.js';
import { plainAskAll, plainEndpoint, plainOutcome } from '../../dns/plain.js';
import type { AskAllResult } from '../delegation/gather.js';

export interface ResolverReply {
  resolver: ServerEndpoint;
  outcome: QueryOutcome;
}

export interface PropagationDeps {
  /** Bind it: `(n, t, o) => resolver.askAll(n, t, o)`. */
  askAll: IterativeResolverApi['askAll'];
  /** ResolverPool.ask, bound the same way. */
  askResolvers: (name: string, type: string) => Promise<ResolverReply[]>;
}

export interface PropagationQuery {
  name: string;
  type: string;
  authority: AskAllResult;
  resolvers: ResolverReply[];
}

export interface PropagationEvidence {
  name: string;
  /** ISO time the answers were taken, so a report can say when a cache clears. */
  gatheredAt: string;
  queries: PropagationQuery[];
}

export async function gatherPropagation(
  deps: PropagationDeps,
  name: string,
  types: readonly string[],
  now: () => Date = () => new Date(),
): Promise<PropagationEvidence> {
  const n = normalizeName(name);
  const gatheredAt = now().toISOString();
  const queries = await Promise.all(
    types.map(async (type): Promise<PropagationQuery> => {
      const [authority, resolvers] = await Promise.all([deps.askAll(n, type), deps.askResolvers(n, type)]);
      return {
        name: n,
        type,
        authority: plainAskAll(authority),
        resolvers: resolvers.map((r) => ({
          resolver: plainEndpoint(r.resolver),
          outcome: plainOutcome(r.outcome),
        })),
      };
    }),
  );
  return { name: n, gatheredAt, queries };
}
