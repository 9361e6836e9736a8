/** Adapts the iterative resolver and a DNS client to the validator's fetch (DO bit set, DS asked of the parent). */
import type { DnsClient, IterativeResolverApi } from '../api.js';
import { endpointLabel } from '../types.js';
import { parentName } from '../names.js';
import type { DnssecFetch, FetchResponse } from './chain.js';

export interface ResolverFetchOptions {
  timeoutMs?: number;
}

/**
 * DS lives on the parent side of a cut, so a DS question goes to the servers of the zone holding the
 * name's parent; everything else to the servers of the zone holding the name. Servers are tried in order
 * until one answers (any rcode); transport failures surface as an error (the validator's indeterminate).
 */
export function makeResolverFetch(
  resolver: Pick<IterativeResolverApi, 'findZone'>,
  client: DnsClient,
  opts: ResolverFetchOptions = {},
): DnssecFetch {
  return async (name: string, type: string): Promise<FetchResponse> => {
    const zoneOf = type.toUpperCase() === 'DS' && name !== '' ? parentName(name) : name;
    const delegation = await resolver.findZone(zoneOf);
    if ('error' in delegation)
      throw new Error(delegation.error.message ?? `no zone for ${zoneOf}: ${delegation.error.status}`);
    const failures: string[] = [];
    for (const server of delegation.servers) {
      const outcome = await client.query(server, name, type, {
        dnssec: true,
        rd: false,
        cd: true,
        timeoutMs: opts.timeoutMs,
      });
      if (outcome.ok) {
        const r = outcome.response;
        return {
          rcode: r.rcode,
          answers: r.answers,
          authorities: r.authorities,
          server: r.server || endpointLabel(server),
        };
      }
      failures.push(`${endpointLabel(server)}: ${outcome.failure.message}`);
    }
    throw new Error(`${type} ${name || '.'}: no server answered (${failures.join('; ') || 'no servers'})`);
  };
}
