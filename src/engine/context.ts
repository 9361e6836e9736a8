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

/** One family of checks (DESIGN.md "checks/"): whether it applies, and its findings for one identifier. */
export interface CheckFamily {
  name: string;
  applies(id: Identifier, settings: CheckSettings): boolean;
  run(ctx: EngineContext, id: Identifier): Promise<Finding[]>;
}
