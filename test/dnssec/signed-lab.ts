/**
 * Test support: a signed lab (root, test., and child zones of test.) whose child zones have several
 * servers, each of which may carry a fault or serve its own records. Served over real loopback sockets.
 */
import type { Scenario, ScenarioServer } from '../../src/lab/index.js';
import type { DnsRecord } from '../../src/dns/types.js';
import { formatRecord } from '../../src/dns/presentation.js';
import { dsPresentation, generateKey, makeDs, signZone, type SigningKey } from '../../src/lab/dnssec/sign.js';

export const SIGNED_NOW = new Date('2026-06-01T00:00:00Z');
export const INCEPTION = new Date('2026-05-01T00:00:00Z');
export const EXPIRATION = new Date('2026-07-01T00:00:00Z');

export const rr = (name: string, type: string, data: unknown, ttl = 300): DnsRecord => ({
  name,
  type,
  class: 'IN',
  ttl,
  data,
});
const soa = (apex: string, serial = 1): DnsRecord =>
  rr(apex, 'SOA', {
    mname: `ns1.${apex || 'root'}`,
    rname: 'hostmaster.test',
    serial,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 300,
  });

export interface ChildServer {
  /** Host name under the child zone, e.g. ns1.two.test. */
  name: string;
  address: string;
  fault?: ScenarioServer['fault'];
  /** Records (signed or not) replacing this server's copy of the RRsets they name. */
  overrides?: DnsRecord[];
}

export interface ChildZone {
  apex: string;
  servers: ChildServer[];
  /** Data of the zone besides SOA and NS (signed with the zone's key). */
  records: DnsRecord[];
  /** Keys the zone is signed with (default: one fresh KSK/CSK). */
  keys?: SigningKey[];
  /** false: the parent publishes no DS (unsigned zone). */
  signed?: boolean;
  expiration?: Date;
}

const keyCache = new Map<string, SigningKey>();
export const keyFor = (zone: string): SigningKey => {
  let k = keyCache.get(zone);
  if (!k) keyCache.set(zone, (k = generateKey(zone, 13)));
  return k;
};

/** The scenario: root on 127.0.70.1, test. on 127.0.70.2, the children on their servers' addresses. */
export function signedScenario(
  children: ChildZone[],
  /** Signature validity (default May to July 2026, for checks run with now = SIGNED_NOW). */
  window: { inception: Date; expiration: Date } = { inception: INCEPTION, expiration: EXPIRATION },
): Scenario {
  const root = keyFor('');
  const tld = keyFor('test');
  const delegation = (apex: string, servers: { name: string; address: string }[]): DnsRecord[] =>
    servers.flatMap((s) => [rr(apex, 'NS', s.name), rr(s.name, 'A', s.address)]);
  const rootServers = [{ name: 'ns1.root', address: '127.0.70.1' }];
  const tldServers = [{ name: 'ns1.test', address: '127.0.70.2' }];
  const zones: Record<string, DnsRecord[]> = {
    '.': signZone(
      '',
      [soa(''), ...delegation('', rootServers), ...delegation('test', tldServers), makeDs(tld)],
      {
        keys: [root],
        ...window,
      },
    ).records,
  };
  const tldRecords: DnsRecord[] = [soa('test'), ...delegation('test', tldServers)];
  const overrides = new Map<string, string[]>();
  for (const c of children) {
    const keys = c.keys ?? [keyFor(c.apex)];
    tldRecords.push(...delegation(c.apex, c.servers));
    if (c.signed !== false) tldRecords.push(...keys.filter((k) => k.flags & 1).map((k) => makeDs(k)));
    const data = [soa(c.apex), ...delegation(c.apex, c.servers), ...c.records];
    zones[c.apex] =
      c.signed === false
        ? data
        : signZone(c.apex, data, {
            keys,
            inception: window.inception,
            expiration: c.expiration ?? window.expiration,
          }).records;
    for (const s of c.servers) overrides.set(s.name, (s.overrides ?? []).map(formatRecord));
  }
  zones['test'] = signZone('test', tldRecords, { keys: [tld], ...window }).records;
  const servers: ScenarioServer[] = [
    { name: 'ns1.root', address: '127.0.70.1', role: 'authoritative', zones: ['.'], overrides: [] },
    { name: 'ns1.test', address: '127.0.70.2', role: 'authoritative', zones: ['test'], overrides: [] },
    ...children.flatMap((c) =>
      c.servers.map((s): ScenarioServer => ({
        name: s.name,
        address: s.address,
        role: 'authoritative',
        zones: [c.apex],
        overrides: overrides.get(s.name) ?? [],
        ...(s.fault ? { fault: s.fault } : {}),
      })),
    ),
  ];
  return {
    servers,
    zones: Object.fromEntries(Object.entries(zones).map(([z, rs]) => [z, { records: rs.map(formatRecord) }])),
    web: [],
    trustAnchors: [dsPresentation(makeDs(root, 2))],
  };
}
