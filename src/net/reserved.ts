import ipaddr from 'ipaddr.js';

/**
 * IANA special-purpose ranges the CA refuses to connect to (Boulder iana/ip.go; CA-RULES "Resolution").
 * Checked before any socket is opened to an address that came from DNS or a redirect.
 */
export const RESERVED_IPV4: readonly string[] = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.31.196.0/24',
  '192.52.193.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '192.175.48.0/24',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '240.0.0.0/4',
  '255.255.255.255/32',
];

export const RESERVED_IPV6: readonly string[] = [
  '::/128',
  '::1/128',
  '::ffff:0:0/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  '2002::/16',
  '2620:4f:8000::/48',
  '3fff::/20',
  '5f00::/16',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
];

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

const parseRanges = (cidrs: readonly string[]): Range[] => cidrs.map((c) => ipaddr.parseCIDR(c));
const RESERVED: Range[] = [...parseRanges(RESERVED_IPV4), ...parseRanges(RESERVED_IPV6)];

/** Parsed allow lists: a run checks every address learnt from DNS against the same few CIDRs. */
const allowRanges = new Map<string, Range[]>();
const MAX_ALLOW_LISTS = 64;

function parsedAllow(allow: readonly string[]): Range[] {
  const key = allow.join(',');
  let ranges = allowRanges.get(key);
  if (!ranges) {
    ranges = parseRanges(allow);
    if (allowRanges.size >= MAX_ALLOW_LISTS) allowRanges.clear();
    allowRanges.set(key, ranges);
  }
  return ranges;
}

export function isIpAddress(s: string): boolean {
  return ipaddr.isValid(s) && (ipaddr.IPv4.isValidFourPartDecimal(s) || s.includes(':'));
}

function inRanges(addr: ipaddr.IPv4 | ipaddr.IPv6, ranges: Range[]): string | undefined {
  for (const [net, bits] of ranges) {
    if (addr.kind() === net.kind() && addr.match(net, bits)) return `${net.toString()}/${bits}`;
  }
  return undefined;
}

export interface ReservedPolicy {
  /** CIDRs treated as public although reserved (the profile's allowAddresses). */
  allow: readonly string[];
}

/**
 * The reserved range an address falls in, or undefined when the CA would connect to it.
 * An address in an allowed range is treated as public (labs only).
 */
export function reservedRange(address: string, policy: ReservedPolicy = { allow: [] }): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const addr = ipaddr.parse(address);
  if (policy.allow.length > 0 && inRanges(addr, parsedAllow(policy.allow))) return undefined;
  return inRanges(addr, RESERVED);
}

/** Throws before a socket would be opened to a reserved address: the last line of defence. */
export function assertConnectable(address: string, policy: ReservedPolicy): void {
  const range = reservedRange(address, policy);
  if (range) throw new ReservedAddressError(address, range);
}

export class ReservedAddressError extends Error {
  constructor(
    readonly address: string,
    readonly range: string,
  ) {
    super(`refusing to connect to ${address}: reserved range ${range}`);
    this.name = 'ReservedAddressError';
  }
}

/** Validates CIDRs given by the user (--allow-address); returns the bad ones. */
export function invalidCidrs(cidrs: readonly string[]): string[] {
  return cidrs.filter((c) => {
    try {
      ipaddr.parseCIDR(c);
      return false;
    } catch {
      return true;
    }
  });
}
