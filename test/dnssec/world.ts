/** Test support: a small signed hierarchy (root, test., example.test.) served from memory. */
import type { DnsRecord } from '../../src/dns/types.js';
import {
  generateKey,
  makeDs,
  signZone,
  dsPresentation,
  type SigningKey,
  type SignedZone,
  type SignZoneOptions,
} from '../../src/lab/dnssec/sign.js';
import { answerFromZones } from '../../src/lab/dnssec/memzone.js';
import type { DnssecFetch, FetchResponse } from '../../src/dns/dnssec/chain.js';

export const NOW = new Date('2026-06-01T00:00:00Z');
export const INCEPTION = new Date('2026-05-01T00:00:00Z');
export const EXPIRATION = new Date('2026-07-01T00:00:00Z');

const rr = (name: string, type: string, data: unknown, ttl = 300): DnsRecord => ({
  name,
  type,
  class: 'IN',
  ttl,
  data,
});
const soa = (apex: string): DnsRecord =>
  rr(apex, 'SOA', {
    mname: `ns.${apex || 'root'}`,
    rname: `hostmaster.${apex || 'root'}`,
    serial: 1,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 300,
  });

// Keys are shared across worlds: key generation is the slow part.
export const KEYS = {
  rootKsk: generateKey('', 13),
  rootZsk: generateKey('', 13, { ksk: false }),
  tld: generateKey('test', 15),
  exKsk: generateKey('example.test', 13),
  exZsk: generateKey('example.test', 13, { ksk: false }),
  other: generateKey('example.test', 13),
  rsa: generateKey('rsa.test', 8),
};

export interface WorldOptions {
  /** Changes to example.test's signing. */
  example?: Partial<SignZoneOptions>;
  /** DS records published in test. for example.test (default: DS of exKsk). */
  exampleDs?: DnsRecord[];
  /** test. uses NSEC3 with opt-out for insecure.test. */
  tldOptOut?: boolean;
  /** Post-process example.test's records. */
  mutateExample?: (records: DnsRecord[]) => DnsRecord[];
}

export interface World {
  zones: SignedZone[];
  fetch: DnssecFetch;
  anchors: string[];
  log: string[];
}

export function exampleRecords(): DnsRecord[] {
  return [
    soa('example.test'),
    rr('example.test', 'NS', 'ns1.example.test'),
    rr('ns1.example.test', 'A', '192.0.2.53'),
    rr('www.example.test', 'A', '192.0.2.1'),
    rr('alias.example.test', 'CNAME', 'www.example.test'),
    rr('*.wild.example.test', 'A', '192.0.2.2'),
    rr('deep.ent.example.test', 'TXT', ['hello']),
    rr('legacy.example.test', 'DNAME', 'example.test'),
    rr('ext.example.test', 'CNAME', 'www.rsa.test'),
    rr('out.example.test', 'CNAME', 'www.insecure.test'),
  ];
}

export function buildWorld(opts: WorldOptions = {}): World {
  const sign = { inception: INCEPTION, expiration: EXPIRATION };
  const example = signZone('example.test', exampleRecords(), {
    keys: [KEYS.exKsk, KEYS.exZsk],
    ...sign,
    ...opts.example,
  });
  if (opts.mutateExample) example.records = opts.mutateExample(example.records);
  const tld = signZone(
    'test',
    [
      soa('test'),
      rr('test', 'NS', 'ns.test'),
      rr('example.test', 'NS', 'ns1.example.test'),
      ...(opts.exampleDs ?? [makeDs(KEYS.exKsk)]),
      rr('insecure.test', 'NS', 'ns.insecure.test'),
      rr('rsa.test', 'NS', 'ns.rsa.test'),
      makeDs(KEYS.rsa, 2),
    ],
    {
      keys: [KEYS.tld],
      ...sign,
      ...(opts.tldOptOut
        ? { denial: 'nsec3' as const, nsec3: { iterations: 0, salt: Buffer.from('ab', 'hex'), optOut: true } }
        : {}),
    },
  );
  const rsa = signZone(
    'rsa.test',
    [soa('rsa.test'), rr('rsa.test', 'NS', 'ns.rsa.test'), rr('www.rsa.test', 'A', '192.0.2.8')],
    { keys: [KEYS.rsa], ...sign },
  );
  const root = signZone(
    '',
    [soa(''), rr('', 'NS', 'a.root'), rr('test', 'NS', 'ns.test'), makeDs(KEYS.tld, 4)],
    {
      keys: [KEYS.rootKsk, KEYS.rootZsk],
      ...sign,
    },
  );
  const zones = [root, tld, example, rsa];
  const log: string[] = [];
  const fetch: DnssecFetch = async (name, type) => {
    log.push(`${type} ${name}`);
    return answerFromZones(zones, name, type);
  };
  return { zones, fetch, anchors: [dsPresentation(makeDs(KEYS.rootKsk, 2))], log };
}

/** Wraps a fetch to rewrite one question's response. */
export function intercept(
  fetch: DnssecFetch,
  name: string,
  type: string,
  f: (r: FetchResponse) => FetchResponse,
): DnssecFetch {
  return async (n, t) => {
    const r = await fetch(n, t);
    return n === name && t === type ? f(r) : r;
  };
}

export type { SigningKey };
