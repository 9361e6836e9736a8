/** Adapts the iterative resolver and a DNS client to the validator's fetch (DO bit set, DS asked of the parent). */
import type { DnsClient, IterativeResolverApi } from '../api.js';
import type { QueryOutcome, ServerEndpoint } from '../types.js';
import { endpointLabel } from '../types.js';
import { parentName } from '../names.js';
import type { DnssecFetch, FetchResponse } from './chain.js';

export interface ResolverFetchOptions {
  timeoutMs?: number;
}

/** Why a reply is no answer a validating resolver would use, or undefined when it is one. */
export function unusableReply(outcome: QueryOutcome): string | undefined {
  if (!outcome.ok) return outcome.failure.message;
  const r = outcome.response;
  if (r.rcode !== 'NOERROR' && r.rcode !== 'NXDOMAIN') return r.rcode;
  if (!r.flags.aa) return `${r.rcode} without the AA bit (not authoritative)`;
  return undefined;
}

/** A fixed order, so the same zone state asks the same server first on every run. */
const byNameThenAddress = (a: ServerEndpoint, b: ServerEndpoint): number =>
  (a.name ?? '').localeCompare(b.name ?? '') || a.address.localeCompare(b.address);

/**
 * DS lives on the parent side of a cut, so a DS question goes to the servers of the zone holding the
 * name's parent; everything else to the servers of the zone holding the name. As a resolver does, a
 * server that refuses, fails, times out or answers without authority is passed over for the next one;
 * only when none gives an authoritative answer does the question fail (the validator's indeterminate).
 */
export function makeResolverFetch(
  resolver: Pick<IterativeResolverApi, 'findZone'>,
  client: DnsClient,
  opts: ResolverFetchOptions = {},
): DnssecFetch {
  // Servers that did not answer at all this run are asked last, as a resolver's server selection does.
  const silent = new Set<string>();
  const order = (servers: readonly ServerEndpoint[]): ServerEndpoint[] => {
    const sorted = [...servers].sort(byNameThenAddress);
    return [
      ...sorted.filter((s) => !silent.has(endpointLabel(s))),
      ...sorted.filter((s) => silent.has(endpointLabel(s))),
    ];
  };
  return async (name: string, type: string): Promise<FetchResponse> => {
    const zoneOf = type.toUpperCase() === 'DS' && name !== '' ? parentName(name) : name;
    const delegation = await resolver.findZone(zoneOf);
    if ('error' in delegation)
      throw new Error(delegation.error.message ?? `no zone for ${zoneOf}: ${delegation.error.status}`);
    const failures: string[] = [];
    for (const server of order(delegation.servers)) {
      const outcome = await client.query(server, name, type, {
        dnssec: true,
        rd: false,
        cd: true,
        // An undefined timeoutMs would override the profile's query timeout with the transport default.
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      });
      const why = unusableReply(outcome);
      if (why === undefined && outcome.ok) {
        const r = outcome.response;
        return {
          rcode: r.rcode,
          answers: r.answers,
          authorities: r.authorities,
          server: r.server || endpointLabel(server),
        };
      }
      if (!outcome.ok && outcome.failure.kind === 'timeout') silent.add(endpointLabel(server));
      failures.push(`${endpointLabel(server)}: ${why}`);
    }
    // The validator prefixes the question.
    throw new Error(`no server answered authoritatively (${failures.join('; ') || 'no servers'})`);
  };
}
