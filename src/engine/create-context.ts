/** One engine context per run (per perspective): a DNS client, resolver and pool shared by every family. */
import type { Lookup } from '../dns/api.js';
import { CachingDnsClient } from '../dns/client.js';
import { IterativeResolver } from '../dns/iterative.js';
import { ResolverPool } from '../dns/pool.js';
import { plainLookup } from '../dns/plain.js';
import { BoundedMap } from '../dns/bounded.js';
import type { NetworkProfile } from '../profile.js';
import type { CheckSettings, EngineContext, JudgeContext } from './context.js';
import type { Identifier } from '../identifiers.js';

export function createEngineContext(profile: NetworkProfile, settings: CheckSettings): EngineContext {
  const client = new CachingDnsClient(profile);
  const resolver = new IterativeResolver(profile, client);
  const pool = new ResolverPool(profile, client);
  // Per name, so bounded: the families of one name share it while the name is checked.
  const lookups = new BoundedMap<string, Promise<{ a: Lookup; aaaa: Lookup }>>(2048);
  return {
    profile,
    settings,
    resolver,
    client,
    askResolvers: (name, type, opts) => pool.ask(name, type, opts),
    addressLookups(name) {
      let p = lookups.get(name);
      if (!p) {
        // Plain once here: the lookups are evidence (resolution) and feed every connection family.
        p = Promise.all([resolver.resolve(name, 'A'), resolver.resolve(name, 'AAAA')]).then(([a, aaaa]) => ({
          a: plainLookup(a),
          aaaa: plainLookup(aaaa),
        }));
        lookups.set(name, p);
      }
      return p;
    },
  };
}

/** What the judges of one identifier get: no network, only the settings and the profile's policy. */
export function judgeContext(id: Identifier, settings: CheckSettings, profile: NetworkProfile): JudgeContext {
  return {
    id,
    settings,
    policy: { allowAddresses: profile.allowAddresses, extraPublicSuffixes: profile.extraPublicSuffixes },
  };
}
