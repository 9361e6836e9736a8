import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { IANA_IPV4_SPECIAL, IANA_IPV6_SPECIAL, type RegistryRow } from './iana-registry.js';

/**
 * Reserved addresses, in two parts:
 * - the CA's: the IANA special-purpose registries (./iana-registry.ts), checked as Boulder's
 *   iana.IsReservedAddr does (zone stripped, most specific block first). The CA drops these
 *   addresses before connecting and refuses IP identifiers in them.
 * - the project's own refusals, deliberate differences listed in README "Deliberate differences
 *   from the CA": multicast (the CA keeps such an address, and its TCP connect fails: Linux answers
 *   ENETUNREACH for TCP to a multicast destination), the deprecated IPv4-compatible block ::/96
 *   (RFC 4291 §2.5.5.1), and any IPv6 spelling that embeds a reserved IPv4 address.
 * The tool never opens a socket to either kind (assertConnectable).
 */

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
type Addr = ipaddr.IPv4 | ipaddr.IPv6;

interface Block extends RegistryRow {
  range: Range;
}

const toBlocks = (rows: readonly RegistryRow[]): Block[] =>
  rows.map((r) => ({ ...r, range: ipaddr.parseCIDR(r.block) }));

/** Most specific first, as Boulder sorts its prefixes (no two equal-length blocks overlap). */
const CA_BLOCKS: Block[] = [...toBlocks(IANA_IPV4_SPECIAL), ...toBlocks(IANA_IPV6_SPECIAL)].sort(
  (a, b) => b.range[1] - a.range[1],
);

/** Kept for callers that list the blocks (README, tests). */
export const RESERVED_IPV4: readonly string[] = IANA_IPV4_SPECIAL.map((r) => r.block);
export const RESERVED_IPV6: readonly string[] = IANA_IPV6_SPECIAL.map((r) => r.block);

/** Multicast: not in the CA's registries; the CA's connect to it fails ("Network unreachable"). */
export const MULTICAST_BLOCKS: readonly string[] = ['224.0.0.0/4', 'ff00::/8'];
/** RFC 4291 §2.5.5.1: deprecated IPv4-compatible IPv6 addresses (::a.b.c.d). */
export const IPV4_COMPATIBLE_BLOCK = '::/96';

const MULTICAST: Range[] = MULTICAST_BLOCKS.map((c) => ipaddr.parseCIDR(c));
const COMPATIBLE: Range = ipaddr.parseCIDR(IPV4_COMPATIBLE_BLOCK);

const parseRanges = (cidrs: readonly string[]): Range[] => cidrs.map((c) => ipaddr.parseCIDR(c));

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

/** Go's netip.ParseAddr syntax: dotted-quad IPv4 without leading zeros, or IPv6 with an optional zone. */
export function isGoIpLiteral(host: string): boolean {
  const octet = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
  if (new RegExp(`^${octet}(\\.${octet}){3}$`).test(host)) return true;
  const pct = host.indexOf('%');
  const bare = pct >= 0 ? host.slice(0, pct) : host;
  return net.isIPv6(bare) && (pct < 0 || pct < host.length - 1);
}

export function isIpAddress(s: string): boolean {
  return ipaddr.isValid(s) && (ipaddr.IPv4.isValidFourPartDecimal(s) || s.includes(':'));
}

const inRange = (addr: Addr, [net, bits]: Range): boolean =>
  addr.kind() === net.kind() && addr.match(net, bits);

/**
 * Canonical text of an IP address (IPv6 in RFC 5952 hex form, zone dropped), or undefined.
 * ipaddr.js reads any dotted tail as IPv4-mapped (::169.254.169.254 becomes ::ffff:a9fe:a9fe),
 * so IPv6 text goes through the WHATWG IPv6 parser, which places the dotted part as written.
 */
export function canonicalIp(address: string): string | undefined {
  if (address.includes(':')) {
    const bare = address.replace(/%.*$/, '');
    if (!net.isIPv6(bare)) return undefined;
    return ipaddr.parse(new URL(`http://[${bare}]/`).hostname.slice(1, -1)).toString();
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(address)) return undefined;
  return ipaddr.parse(address).toString();
}

/** Parses an address, dropping an IPv6 zone (Boulder strips it before the registry check). */
function parseAddr(address: string): Addr | undefined {
  const canonical = canonicalIp(address);
  return canonical === undefined ? undefined : ipaddr.parse(canonical);
}

export interface CaReserved {
  block: string;
  name: string;
  rfc: string;
  /** Boulder's wording (iana.IsReservedAddr). */
  message: string;
}

/** The CA's registry entry for an address, or undefined when the CA would use it. */
export function caReservedBlock(address: string): CaReserved | undefined {
  const addr = parseAddr(address);
  if (!addr) return undefined;
  const hit = CA_BLOCKS.find((b) => inRange(addr, b.range));
  if (!hit) return undefined;
  return {
    block: hit.block,
    name: hit.name,
    rfc: hit.rfc,
    message: `IP address is in a reserved address block: ${hit.rfc}: ${hit.name}`,
  };
}

const v4From = (bytes: number[], at: number): ipaddr.IPv4 =>
  new ipaddr.IPv4(bytes.slice(at, at + 4) as [number, number, number, number]);

export type EmbeddingForm = 'mapped' | 'compatible' | 'nat64' | '6to4' | 'teredo-server' | 'teredo-client';

/** The IPv4 addresses an IPv6 address carries in the well-known embedding forms. */
export function embeddedIpv4(address: string): { form: EmbeddingForm; ipv4: string }[] {
  const addr = parseAddr(address);
  if (!addr || addr.kind() !== 'ipv6') return [];
  const b = addr.toByteArray();
  const zero = (from: number, to: number): boolean => b.slice(from, to).every((x) => x === 0);
  const out: { form: EmbeddingForm; ipv4: string }[] = [];
  // RFC 4291 §2.5.5.2 ::ffff:a.b.c.d
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff)
    out.push({ form: 'mapped', ipv4: v4From(b, 12).toString() });
  // RFC 4291 §2.5.5.1 ::a.b.c.d (:: and ::1 are their own registry entries)
  else if (zero(0, 12) && !(zero(12, 15) && b[15]! <= 1))
    out.push({ form: 'compatible', ipv4: v4From(b, 12).toString() });
  // RFC 6052 §2.1 well-known prefix 64:ff9b::/96
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12))
    out.push({ form: 'nat64', ipv4: v4From(b, 12).toString() });
  // RFC 3056 §2 2002:AABB:CCDD::/48
  if (b[0] === 0x20 && b[1] === 0x02) out.push({ form: '6to4', ipv4: v4From(b, 2).toString() });
  // RFC 4380 §4 2001:0000:<server v4>:<flags>:<port>:<client v4 xor ffffffff>
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) {
    out.push({ form: 'teredo-server', ipv4: v4From(b, 4).toString() });
    const client = b.slice(12, 16).map((x) => x ^ 0xff);
    out.push({
      form: 'teredo-client',
      ipv4: new ipaddr.IPv4(client as [number, number, number, number]).toString(),
    });
  }
  return out;
}

export interface ProjectRefusal {
  block: string;
  reason: 'multicast' | 'ipv4-compatible' | 'embeds-reserved-ipv4';
  /** One line for evidence and findings. */
  message: string;
}

/** Why acme-preflight refuses an address the CA's registry does not list (or lists for another reason). */
export function projectRefusal(address: string): ProjectRefusal | undefined {
  const addr = parseAddr(address);
  if (!addr) return undefined;
  for (const r of MULTICAST) {
    if (inRange(addr, r)) {
      const block = `${r[0].toString()}/${r[1]}`;
      return {
        block,
        reason: 'multicast',
        message: `${address} is a multicast address (${block}); a TCP connection to it cannot be made`,
      };
    }
  }
  for (const e of embeddedIpv4(address)) {
    const inner = caReservedBlock(e.ipv4);
    if (inner) {
      return {
        block:
          e.form === 'compatible'
            ? IPV4_COMPATIBLE_BLOCK
            : (caReservedBlock(address)?.block ?? IPV4_COMPATIBLE_BLOCK),
        reason: 'embeds-reserved-ipv4',
        message: `${address} embeds the reserved IPv4 address ${e.ipv4} (${e.form} form; ${inner.block} ${inner.name})`,
      };
    }
  }
  const bytes = addr.toByteArray();
  const unspecifiedOrLoopback = bytes.slice(0, 15).every((x) => x === 0) && bytes[15]! <= 1;
  if (inRange(addr, COMPATIBLE) && !unspecifiedOrLoopback) {
    return {
      block: IPV4_COMPATIBLE_BLOCK,
      reason: 'ipv4-compatible',
      message: `${address} is a deprecated IPv4-compatible address (${IPV4_COMPATIBLE_BLOCK}, RFC 4291 §2.5.5.1)`,
    };
  }
  return undefined;
}

export interface ReservedPolicy {
  /** CIDRs treated as public although reserved (the profile's allowAddresses). */
  allow: readonly string[];
}

/**
 * The reserved block an address falls in (the CA's, else the project's own refusal), or undefined
 * when it may be connected to. An address in an allowed range is treated as public (labs only);
 * an allow list never admits an IPv6 spelling of an IPv4 address (ranges match within a family).
 */
export function reservedRange(address: string, policy: ReservedPolicy = { allow: [] }): string | undefined {
  const addr = parseAddr(address);
  if (!addr) return 'not an IP address';
  const project = projectRefusal(address);
  if (project?.reason === 'embeds-reserved-ipv4') return project.block;
  if (policy.allow.length > 0 && parsedAllow(policy.allow).some((r) => inRange(addr, r))) return undefined;
  return caReservedBlock(address)?.block ?? project?.block;
}

/** Only the CA's registry, honouring the lab allow list: the addresses the CA itself drops. */
export function caReservedRange(address: string, policy: ReservedPolicy = { allow: [] }): string | undefined {
  const addr = parseAddr(address);
  if (!addr) return 'not an IP address';
  if (policy.allow.length > 0 && parsedAllow(policy.allow).some((r) => inRange(addr, r))) return undefined;
  return caReservedBlock(address)?.block;
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
