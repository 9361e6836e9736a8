import type { DnsClient, IterativeResolverApi, Lookup } from '../dns/api.js';
import type { Identifier } from '../identifiers.js';
import type { NetworkProfile } from '../profile.js';
import type { Challenge, Finding } from '../report/finding.js';
import type { QueryOptions, QueryOutcome, ServerEndpoint } from '../dns/types.js';

/** Asks every configured public resolver the same question. */
export type AskResolvers = (
  name: string,
  type: string,
  opts?: QueryOptions,
) => Promise<{ resolver: ServerEndpoint; outcome: QueryOutcome }[]>;

export interface CheckSettings {
  challenge: Challenge;
  /** CAA issuer domain of the CA, e.g. letsencrypt.org. */
  issuerDomain: string;
  accountUri?: string;
  now: Date;
  /** Families switched off by the caller. */
  skip: ReadonlySet<string>;
  /** HTTP-01: a webroot to place a real token in. */
  webroot?: string;
}

/** What every check family gets: the network, the shared resolver (one cache per run) and memoized lookups. */
export interface EngineContext {
  profile: NetworkProfile;
  settings: CheckSettings;
  resolver: IterativeResolverApi;
  /** The run's DNS client (cache, dedup, counters), for checks that ask servers directly. */
  client: DnsClient;
  askResolvers: AskResolvers;
  /** A/AAAA of a name, looked up once per run however many families need them. */
  addressLookups(name: string): Promise<{ a: Lookup; aaaa: Lookup }>;
}

/** What a judge may know besides the evidence: the identifier, the run's settings, the profile's policy. */
export interface JudgeContext {
  id: Identifier;
  settings: CheckSettings;
  /** Reserved ranges treated as public and extra public suffixes (labs): policy, never network. */
  policy: Pick<NetworkProfile, 'allowAddresses' | 'extraPublicSuffixes'>;
}

/**
 * One family of checks (DESIGN.md "checks/"): a gatherer and a judge. `gather` does the network I/O only
 * and returns plain JSON data (no Buffers, Maps, Dates, class instances, undefined fields or functions),
 * so it can run in another place (a remote perspective, issue 13); `judge` is pure and builds every finding.
 */
export interface CheckFamily<E = unknown> {
  name: string;
  applies(id: Identifier, settings: CheckSettings): boolean;
  gather(ctx: EngineContext, id: Identifier): Promise<E>;
  judge(evidence: E, jctx: JudgeContext): Finding[];
}
