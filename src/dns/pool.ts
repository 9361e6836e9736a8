/** Asks every public resolver of the profile the same question, to compare caches with the truth. */
import type { DnsClient } from './api.js';
import type { NetworkProfile } from '../profile.js';
import type { QueryOptions, QueryOutcome, ServerEndpoint } from './types.js';
import { CachingDnsClient } from './client.js';

export interface ResolverAnswer {
  resolver: ServerEndpoint;
  outcome: QueryOutcome;
}

export class ResolverPool {
  readonly resolvers: ServerEndpoint[];
  readonly client: DnsClient;

  constructor(profile: NetworkProfile, client?: DnsClient) {
    this.client = client ?? new CachingDnsClient(profile);
    this.resolvers = profile.publicResolvers.map((r) => ({
      name: r.name,
      address: r.address,
      port: profile.dnsPort,
    }));
  }

  /** One query per resolver, in parallel, recursion desired. */
  ask(name: string, type: string, opts: QueryOptions = {}): Promise<ResolverAnswer[]> {
    return Promise.all(
      this.resolvers.map(async (resolver) => ({
        resolver,
        outcome: await this.client.query(resolver, name, type, { ...opts, rd: true }),
      })),
    );
  }
}
