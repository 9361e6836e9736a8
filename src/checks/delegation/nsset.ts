/** The NS set: parent versus child, addresses, count and network diversity. Pure. */
import ipaddr from 'ipaddr.js';
import type { Delegation } from '../../dns/api.js';
import type { Evidence, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import { normalizeName } from '../../dns/names.js';
import { listText, serverLabel } from './format.js';
import { rowEvidence, type QueryTable } from './table.js';

/** RFC 1034 §4.1, RFC 2182 §5: a zone should have at least two nameservers. */
export const MIN_NAMESERVERS = 2;
/** RFC 2182 §3.1 asks for topologically separate servers; one /24 (or /48) is one network. */
export const IPV4_NETWORK_BITS = 24;
export const IPV6_NETWORK_BITS = 48;

const sorted = (s: Iterable<string>): string[] => [...new Set(s)].sort();

/** NS names the zone's own servers list at the apex (union over authoritative answers). */
export function childNsNames(nsTable: QueryTable): string[] {
  const names: string[] = [];
  for (const r of nsTable.rows) {
    if (r.reply.kind !== 'data') continue;
    for (const rec of r.reply.records) {
      if (rec.type === 'NS' && normalizeName(rec.name) === normalizeName(nsTable.name))
        names.push(normalizeName(String(rec.data)));
    }
  }
  return sorted(names);
}

function parentEvidence(d: Delegation): Evidence {
  return {
    source: d.referral ? `parent zone server ${d.referral.server}` : `parent zone of ${d.zone}`,
    query: `NS ${d.zone}`,
    answer:
      d.parentNs.length > 0
        ? sorted(d.parentNs.map(normalizeName))
            .map((n) => `NS ${n}`)
            .join(', ')
        : 'no NS records',
  };
}

export function judgeNsMismatch(d: Delegation, nsTable: QueryTable, identifier: string): Finding[] {
  const child = childNsNames(nsTable);
  const parent = sorted(d.parentNs.map(normalizeName));
  if (child.length === 0 || parent.length === 0) return [];
  const onlyParent = parent.filter((n) => !child.includes(n));
  const onlyChild = child.filter((n) => !parent.includes(n));
  if (onlyParent.length === 0 && onlyChild.length === 0) return [];
  const parts = [
    `The parent zone (registrar) delegates ${d.zone} to ${listText(parent)}, but the zone's own NS records list ${listText(child)}.`,
  ];
  if (onlyParent.length > 0) parts.push(`Only at the parent: ${listText(onlyParent)}.`);
  if (onlyChild.length > 0) parts.push(`Only in the zone: ${listText(onlyChild)}.`);
  parts.push('Resolvers may follow either list, so some of them reach a server the other list leaves out.');
  return [
    finding('DELEGATION_NS_MISMATCH', identifier, {
      detail: parts.join(' '),
      evidence: [
        parentEvidence(d),
        ...nsTable.rows.filter((r) => r.reply.kind === 'data').map((r) => rowEvidence(nsTable, r)),
      ],
      remediation:
        `Update the NS records at the registrar to match the zone: ${child.join(', ')}` +
        ` (or, if the registrar's list is the intended one, set the NS records at the apex of ${d.zone} to: ${parent.join(', ')}).`,
    }),
  ];
}

export function judgeNoAddress(d: Delegation, identifier: string): Finding[] {
  if (d.unresolvedNs.length === 0) return [];
  const names = d.unresolvedNs.map((u) => u.name);
  const none = d.servers.length === 0;
  const inZone = names.filter((n) => normalizeName(n).endsWith('.' + d.zone));
  return [
    finding('DELEGATION_NS_NO_ADDRESS', identifier, {
      title: none
        ? `No nameserver of ${d.zone} has an address`
        : `Nameserver ${listText(names)} has no address`,
      severity: none ? 'error' : 'warning',
      detail:
        d.unresolvedNs.map((u) => `${u.name} has no usable address (${u.reason})`).join('; ') +
        (none
          ? `. No nameserver of ${d.zone} can be reached, so every lookup in it fails.`
          : '. Resolvers that pick it waste a lookup; the others still work.'),
      evidence: d.unresolvedNs.map((u) => ({
        source: 'iterative resolver',
        query: `A/AAAA ${u.name}`,
        answer: u.reason,
      })),
      remediation:
        `Give ${listText(names)} an A (and AAAA) record` +
        (inZone.length > 0
          ? ` and glue at the registrar for ${listText(inZone)}, which ${inZone.length > 1 ? 'are' : 'is'} inside ${d.zone}`
          : '') +
        `, or remove ${names.length > 1 ? 'them' : 'it'} from the NS records at the registrar and the zone apex.`,
      ...(none
        ? {
            caMessage: `DNS problem: SERVFAIL looking up A for ${identifier} - the domain's nameservers may be malfunctioning`,
          }
        : {}),
    }),
  ];
}

export function judgeSingleNs(d: Delegation, nsTable: QueryTable, identifier: string): Finding[] {
  const child = childNsNames(nsTable);
  const names = child.length > 0 ? child : sorted(d.parentNs.map(normalizeName));
  if (names.length === 0 || names.length >= MIN_NAMESERVERS) return [];
  return [
    finding('DELEGATION_SINGLE_NS', identifier, {
      detail: `${d.zone} is served by one nameserver only, ${names[0]}: if it is down or slow, every lookup the CA makes in ${d.zone} fails.`,
      evidence: [
        parentEvidence(d),
        ...nsTable.rows.filter((r) => r.reply.kind === 'data').map((r) => rowEvidence(nsTable, r)),
      ],
      remediation: `Add a second nameserver for ${d.zone} on a different network (at your DNS provider or a secondary service), and list both in the zone's NS records and at the registrar.`,
    }),
  ];
}

/** Every name of a zone has the same servers: each address is parsed once. */
const networks = new Map<string, string | undefined>();
const MAX_NETWORKS = 10_000;

/** "192.0.2.0/24" or "2001:db8:1::/48"; undefined for something that is not an address. */
export function networkOf(address: string): string | undefined {
  if (networks.has(address)) return networks.get(address);
  const net = computeNetwork(address);
  if (networks.size >= MAX_NETWORKS) networks.clear();
  networks.set(address, net);
  return net;
}

function computeNetwork(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  const a = ipaddr.parse(address);
  const bits = a.kind() === 'ipv4' ? IPV4_NETWORK_BITS : IPV6_NETWORK_BITS;
  const bytes = a.toByteArray();
  const keep = bits / 8;
  const masked = bytes.map((b, i) => (i < keep ? b : 0));
  return `${ipaddr.fromByteArray(masked).toString()}/${bits}`;
}

export function judgeSameSubnet(d: Delegation, identifier: string): Finding[] {
  const names = sorted(d.servers.map((s) => s.name ?? s.address));
  if (names.length < MIN_NAMESERVERS) return [];
  const nets = new Map<string, string[]>();
  for (const s of d.servers) {
    const net = networkOf(s.address);
    if (!net) return [];
    nets.set(net, [...(nets.get(net) ?? []), serverLabel(s)]);
  }
  const v4 = [...nets.keys()].filter((n) => !n.includes(':'));
  const v6 = [...nets.keys()].filter((n) => n.includes(':'));
  if (v4.length > 1 || v6.length > 1) return [];
  const where = listText([...nets.keys()]);
  return [
    finding('DELEGATION_SAME_SUBNET', identifier, {
      detail: `All ${names.length} nameservers of ${d.zone} (${listText(names)}) have their addresses in ${where}: one network outage takes the whole zone down, and the CA's lookups fail with it.`,
      evidence: d.servers.map((s) => ({
        source: serverLabel(s),
        query: `A/AAAA ${s.name ?? s.address}`,
        answer: s.address,
        address: s.address,
      })),
      remediation: `Move at least one nameserver of ${d.zone} to a different network (another provider or data centre, outside ${where}) and update the NS records at the registrar and in the zone.`,
    }),
  ];
}
