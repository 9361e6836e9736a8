/** The network a run talks to. Defaults are the real internet's and never read the environment. */

export interface NamedAddress {
  name: string;
  address: string;
}

export interface Timeouts {
  /** One DNS query attempt (UDP or TCP). */
  dnsQueryMs: number;
  /** Extra attempts after the first, per server and question. */
  dnsRetries: number;
  /** CA: 10 s per dial (Boulder va.singleDialTimeout). */
  httpDialMs: number;
  /** CA: the whole validation attempt is bounded to about 20 s. */
  httpTotalMs: number;
  /** Wall-clock bound on one DNS lookup (default LOOKUP_DEADLINE_MS in src/dns/limits.ts). */
  lookupDeadlineMs?: number;
  /** Wall-clock bound on all checks of one name (default NAME_DEADLINE_MS). */
  nameDeadlineMs?: number;
  /** Wall-clock bound on the whole run (default RUN_DEADLINE_MS). */
  runDeadlineMs?: number;
}

export interface NetworkProfile {
  /** Root server addresses the iterative resolver starts from. */
  rootHints: NamedAddress[];
  /** DS or DNSKEY records for the root, in zone-file presentation format. */
  trustAnchors: string[];
  /** Public recursive resolvers compared with the authoritative truth. */
  publicResolvers: NamedAddress[];
  dnsPort: number;
  httpPort: number;
  tlsPort: number;
  timeouts: Timeouts;
  /** CIDR ranges treated as public although reserved (labs and tests only). */
  allowAddresses: string[];
  /** Names treated as ICANN public suffixes in addition to the PSL (labs and tests, e.g. 'test'). */
  extraPublicSuffixes: string[];
  acmeDirectory: string;
  /** Global limit on DNS queries in flight. */
  concurrency: number;
}

/** IANA root hints (named.root), IPv4 only: a host without IPv6 would otherwise wait on timeouts. */
export const IANA_ROOT_HINTS: NamedAddress[] = [
  { name: 'a.root-servers.net', address: '198.41.0.4' },
  { name: 'b.root-servers.net', address: '170.247.170.2' },
  { name: 'c.root-servers.net', address: '192.33.4.12' },
  { name: 'd.root-servers.net', address: '199.7.91.13' },
  { name: 'e.root-servers.net', address: '192.203.230.10' },
  { name: 'f.root-servers.net', address: '192.5.5.241' },
  { name: 'g.root-servers.net', address: '192.112.36.4' },
  { name: 'h.root-servers.net', address: '198.97.190.53' },
  { name: 'i.root-servers.net', address: '192.36.148.17' },
  { name: 'j.root-servers.net', address: '192.58.128.30' },
  { name: 'k.root-servers.net', address: '193.0.14.129' },
  { name: 'l.root-servers.net', address: '199.7.83.42' },
  { name: 'm.root-servers.net', address: '202.12.27.33' },
];

/** Root KSK-2017 (20326) and KSK-2024 (38696), as published by IANA (root-anchors.xml). */
export const ROOT_TRUST_ANCHORS: string[] = [
  '. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D',
  '. IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16',
];

export const PUBLIC_RESOLVERS: NamedAddress[] = [
  { name: 'Google', address: '8.8.8.8' },
  { name: 'Cloudflare', address: '1.1.1.1' },
  { name: 'Quad9', address: '9.9.9.9' },
  { name: 'OpenDNS', address: '208.67.222.222' },
];

export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';
export const LETS_ENCRYPT_STAGING_DIRECTORY = 'https://acme-staging-v02.api.letsencrypt.org/directory';

export function defaultProfile(): NetworkProfile {
  return {
    rootHints: IANA_ROOT_HINTS.map((h) => ({ ...h })),
    trustAnchors: [...ROOT_TRUST_ANCHORS],
    publicResolvers: PUBLIC_RESOLVERS.map((r) => ({ ...r })),
    dnsPort: 53,
    httpPort: 80,
    tlsPort: 443,
    timeouts: { dnsQueryMs: 3000, dnsRetries: 2, httpDialMs: 10_000, httpTotalMs: 20_000 },
    allowAddresses: [],
    extraPublicSuffixes: [],
    acmeDirectory: LETS_ENCRYPT_STAGING_DIRECTORY,
    concurrency: 128,
  };
}

/** A profile with some fields replaced; nested timeouts merge. */
export function withProfile(
  overrides: Partial<Omit<NetworkProfile, 'timeouts'>> & { timeouts?: Partial<Timeouts> },
): NetworkProfile {
  const base = defaultProfile();
  return { ...base, ...overrides, timeouts: { ...base.timeouts, ...overrides.timeouts } };
}
