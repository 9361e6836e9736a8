/**
 * The IANA special-purpose address registries as the CA embeds them (Boulder iana/data/
 * iana-ipv4-special-registry-1.csv and iana-ipv6-special-registry-1.csv). Data only.
 * Boulder's copy was last refreshed in letsencrypt/boulder commit 5493682 of 2025-06-30
 * ("Update IANA special-purpose address registries"); this table mirrors it row for row, with
 * comma-separated blocks split and footnote marks dropped, as Boulder's parser does.
 * https://www.iana.org/assignments/iana-ipv4-special-registry/
 * https://www.iana.org/assignments/iana-ipv6-special-registry/
 */
export const IANA_REGISTRY_DATE = '2025-06-30';
export const IANA_REGISTRY_SOURCE =
  'IANA special-purpose address registries as embedded by Boulder (letsencrypt/boulder 5493682, 2025-06-30)';

export interface RegistryRow {
  block: string;
  name: string;
  /** As Boulder prints it in "IP address is in a reserved address block: <rfc>: <name>". */
  rfc: string;
}

export const IANA_IPV4_SPECIAL: readonly RegistryRow[] = [
  { block: '0.0.0.0/8', name: '"This network"', rfc: '[RFC791], Section 3.2' },
  { block: '0.0.0.0/32', name: '"This host on this network"', rfc: '[RFC1122], Section 3.2.1.3' },
  { block: '10.0.0.0/8', name: 'Private-Use', rfc: '[RFC1918]' },
  { block: '100.64.0.0/10', name: 'Shared Address Space', rfc: '[RFC6598]' },
  { block: '127.0.0.0/8', name: 'Loopback', rfc: '[RFC1122], Section 3.2.1.3' },
  { block: '169.254.0.0/16', name: 'Link Local', rfc: '[RFC3927]' },
  { block: '172.16.0.0/12', name: 'Private-Use', rfc: '[RFC1918]' },
  { block: '192.0.0.0/24', name: 'IETF Protocol Assignments', rfc: '[RFC6890], Section 2.1' },
  { block: '192.0.0.0/29', name: 'IPv4 Service Continuity Prefix', rfc: '[RFC7335]' },
  { block: '192.0.0.8/32', name: 'IPv4 dummy address', rfc: '[RFC7600]' },
  { block: '192.0.0.9/32', name: 'Port Control Protocol Anycast', rfc: '[RFC7723]' },
  { block: '192.0.0.10/32', name: 'Traversal Using Relays around NAT Anycast', rfc: '[RFC8155]' },
  { block: '192.0.0.170/32', name: 'NAT64/DNS64 Discovery', rfc: '[RFC8880][RFC7050], Section 2.2' },
  { block: '192.0.0.171/32', name: 'NAT64/DNS64 Discovery', rfc: '[RFC8880][RFC7050], Section 2.2' },
  { block: '192.0.2.0/24', name: 'Documentation (TEST-NET-1)', rfc: '[RFC5737]' },
  { block: '192.31.196.0/24', name: 'AS112-v4', rfc: '[RFC7535]' },
  { block: '192.52.193.0/24', name: 'AMT', rfc: '[RFC7450]' },
  { block: '192.88.99.0/24', name: 'Deprecated (6to4 Relay Anycast)', rfc: '[RFC7526]' },
  { block: '192.88.99.2/32', name: '6a44-relay anycast address', rfc: '[RFC6751]' },
  { block: '192.168.0.0/16', name: 'Private-Use', rfc: '[RFC1918]' },
  { block: '192.175.48.0/24', name: 'Direct Delegation AS112 Service', rfc: '[RFC7534]' },
  { block: '198.18.0.0/15', name: 'Benchmarking', rfc: '[RFC2544]' },
  { block: '198.51.100.0/24', name: 'Documentation (TEST-NET-2)', rfc: '[RFC5737]' },
  { block: '203.0.113.0/24', name: 'Documentation (TEST-NET-3)', rfc: '[RFC5737]' },
  { block: '240.0.0.0/4', name: 'Reserved', rfc: '[RFC1112], Section 4' },
  { block: '255.255.255.255/32', name: 'Limited Broadcast', rfc: '[RFC8190] [RFC919], Section 7' },
];

export const IANA_IPV6_SPECIAL: readonly RegistryRow[] = [
  { block: '::1/128', name: 'Loopback Address', rfc: '[RFC4291]' },
  { block: '::/128', name: 'Unspecified Address', rfc: '[RFC4291]' },
  { block: '::ffff:0:0/96', name: 'IPv4-mapped Address', rfc: '[RFC4291]' },
  { block: '64:ff9b::/96', name: 'IPv4-IPv6 Translat.', rfc: '[RFC6052]' },
  { block: '64:ff9b:1::/48', name: 'IPv4-IPv6 Translat.', rfc: '[RFC8215]' },
  { block: '100::/64', name: 'Discard-Only Address Block', rfc: '[RFC6666]' },
  { block: '100:0:0:1::/64', name: 'Dummy IPv6 Prefix', rfc: '[RFC9780]' },
  { block: '2001::/23', name: 'IETF Protocol Assignments', rfc: '[RFC2928]' },
  { block: '2001::/32', name: 'TEREDO', rfc: '[RFC4380] [RFC8190]' },
  { block: '2001:1::1/128', name: 'Port Control Protocol Anycast', rfc: '[RFC7723]' },
  { block: '2001:1::2/128', name: 'Traversal Using Relays around NAT Anycast', rfc: '[RFC8155]' },
  { block: '2001:1::3/128', name: 'DNS-SD Service Registration Protocol Anycast', rfc: '[RFC9665]' },
  { block: '2001:2::/48', name: 'Benchmarking', rfc: '[RFC5180][RFC Errata 1752]' },
  { block: '2001:3::/32', name: 'AMT', rfc: '[RFC7450]' },
  { block: '2001:4:112::/48', name: 'AS112-v6', rfc: '[RFC7535]' },
  { block: '2001:10::/28', name: 'Deprecated (previously ORCHID)', rfc: '[RFC4843]' },
  { block: '2001:20::/28', name: 'ORCHIDv2', rfc: '[RFC7343]' },
  { block: '2001:30::/28', name: 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', rfc: '[RFC9374]' },
  { block: '2001:db8::/32', name: 'Documentation', rfc: '[RFC3849]' },
  { block: '2002::/16', name: '6to4', rfc: '[RFC3056]' },
  { block: '2620:4f:8000::/48', name: 'Direct Delegation AS112 Service', rfc: '[RFC7534]' },
  { block: '3fff::/20', name: 'Documentation', rfc: '[RFC9637]' },
  { block: '5f00::/16', name: 'Segment Routing (SRv6) SIDs', rfc: '[RFC9602]' },
  { block: 'fc00::/7', name: 'Unique-Local', rfc: '[RFC4193] [RFC8190]' },
  { block: 'fe80::/10', name: 'Link-Local Unicast', rfc: '[RFC4291]' },
];
