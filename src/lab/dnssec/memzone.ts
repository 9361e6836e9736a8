/**
 * Answers queries from signed zones in memory, the way authoritative servers would with the DO bit:
 * RRSIGs alongside, NSEC/NSEC3 proofs for NODATA, NXDOMAIN and wildcards. For tests and the lab.
 */
import type { DnsRecord } from '../../dns/types.js';
import { normalizeName, isAtOrBelow, isBelow } from '../../dns/names.js';
import type { FetchResponse } from '../../dns/dnssec/chain.js';
import type { SignedZone } from './sign.js';
import { fromDnsRecord, nameToWire } from '../../dns/dnssec/wire.js';
import { nsec3Covers, nsec3Matches } from '../../dns/dnssec/nsec3.js';
import { nsecCovers } from '../../dns/dnssec/nsec.js';

const covered = (r: DnsRecord): string =>
  String((r.data as { typeCovered?: string }).typeCovered ?? '').toUpperCase();

function parentOf(n: string): string {
  const i = n.indexOf('.');
  return n === '' ? '' : i < 0 ? '' : n.slice(i + 1);
}

/** Picks the zone that answers: the deepest containing name; for DS at an apex, its parent zone. */
export function pickZone(zones: readonly SignedZone[], name: string, type: string): SignedZone | undefined {
  const n = normalizeName(name);
  return zones
    .filter((z) => isAtOrBelow(n, z.apex) && !(type.toUpperCase() === 'DS' && z.apex === n && n !== ''))
    .sort((a, b) => b.apex.length - a.apex.length)[0];
}

export function answerFromZones(zones: readonly SignedZone[], name: string, type: string): FetchResponse {
  const zone = pickZone(zones, name, type);
  if (!zone) return { rcode: 'REFUSED', answers: [], authorities: [] };
  return answerFromZone(zone, name, type);
}

export function answerFromZone(zone: SignedZone, name: string, qtypeIn: string): FetchResponse {
  const qname = normalizeName(name);
  const qtype = qtypeIn.toUpperCase();
  const recs = zone.records;
  const at = (n: string): DnsRecord[] => recs.filter((r) => r.name === n);
  const rrset = (n: string, t: string): DnsRecord[] => {
    const data = at(n).filter((r) => r.type === t);
    return data.length ? [...data, ...at(n).filter((r) => r.type === 'RRSIG' && covered(r) === t)] : [];
  };
  const soa = rrset(zone.apex, 'SOA');
  const names = new Set(recs.filter((r) => r.type !== 'NSEC3').map((r) => r.name));
  const exists = (n: string): boolean => [...names].some((x) => isAtOrBelow(x, n));
  const denialFor = (n: string, how: 'match' | 'cover'): DnsRecord[] => denialIn(zone, n, how);

  // Delegation cut above (or at, for non-DS) the name: refer.
  const cuts = [...new Set(recs.filter((r) => r.type === 'NS' && r.name !== zone.apex).map((r) => r.name))];
  const cut = cuts.find((c) => isBelow(qname, c) || (c === qname && qtype !== 'DS'));
  if (cut)
    return {
      rcode: 'NOERROR',
      answers: [],
      authorities: [
        ...at(cut).filter((r) => r.type === 'NS'),
        ...rrset(cut, 'DS'),
        ...denialFor(cut, 'match'),
      ],
    };

  const dname = recs.find((r) => r.type === 'DNAME' && isBelow(qname, r.name) && isBelow(r.name, zone.apex));
  if (dname) {
    const prefix = qname.slice(0, qname.length - dname.name.length - 1);
    const synth: DnsRecord = {
      name: qname,
      type: 'CNAME',
      class: 'IN',
      ttl: dname.ttl,
      data: `${prefix}.${String(dname.data)}`,
    };
    return { rcode: 'NOERROR', answers: [...rrset(dname.name, 'DNAME'), synth], authorities: [] };
  }

  function closestEncloser(n: string): string {
    let cur = n;
    while (cur !== zone.apex && !exists(cur)) cur = parentOf(cur);
    return cur;
  }
  const dedupe = (list: DnsRecord[]): DnsRecord[] => [...new Set(list)];

  if (exists(qname)) {
    const direct = rrset(qname, qtype);
    if (direct.length) return { rcode: 'NOERROR', answers: direct, authorities: [] };
    const cname = rrset(qname, 'CNAME');
    if (cname.length) return { rcode: 'NOERROR', answers: cname, authorities: [] };
    let proof = zone.nsec3 || names.has(qname) ? denialFor(qname, 'match') : denialFor(qname, 'cover');
    if (zone.nsec3 && !proof.length) {
      // Opt-out: no NSEC3 of its own; prove the closest provable encloser and cover the next closer.
      let enc = parentOf(qname);
      while (enc !== zone.apex && !denialFor(enc, 'match').length) enc = parentOf(enc);
      proof = [...denialFor(enc, 'match'), ...denialFor(nextCloser(qname, enc), 'cover')];
    }
    return { rcode: 'NOERROR', answers: [], authorities: dedupe([...soa, ...proof]) };
  }
  const ce = closestEncloser(qname);
  const wc = ce === '' ? '*' : `*.${ce}`;
  if (names.has(wc)) {
    const src = rrset(wc, qtype).length ? rrset(wc, qtype) : rrset(wc, 'CNAME');
    const nc = nextCloser(qname, ce);
    if (src.length) {
      const answers = src.map((r) => ({ ...r, name: qname }));
      const proof = zone.nsec3 ? denialFor(nc, 'cover') : denialFor(qname, 'cover');
      return { rcode: 'NOERROR', answers, authorities: proof };
    }
    const proof = zone.nsec3
      ? [...denialFor(ce, 'match'), ...denialFor(nc, 'cover'), ...denialFor(wc, 'match')]
      : [...denialFor(qname, 'cover'), ...denialFor(wc, 'match')];
    return { rcode: 'NOERROR', answers: [], authorities: dedupe([...soa, ...proof]) };
  }
  const nc = nextCloser(qname, ce);
  const proof = zone.nsec3
    ? [...denialFor(ce, 'match'), ...denialFor(nc, 'cover'), ...denialFor(wc, 'cover')]
    : [...denialFor(qname, 'cover'), ...denialFor(wc, 'cover')];
  return { rcode: 'NXDOMAIN', answers: [], authorities: dedupe([...soa, ...proof]) };
}

/** The NSEC or NSEC3 records (with their RRSIGs) that match or cover n in zone. */
function denialIn(zone: SignedZone, n: string, how: 'match' | 'cover'): DnsRecord[] {
  const recs = zone.records;
  const withSigs = (list: DnsRecord[]): DnsRecord[] => {
    const out: DnsRecord[] = [];
    for (const r of list) {
      if (out.includes(r)) continue;
      out.push(r, ...recs.filter((s) => s.type === 'RRSIG' && s.name === r.name && covered(s) === r.type));
    }
    return out;
  };
  const w = nameToWire(n);
  if (zone.nsec3) {
    const f = how === 'match' ? nsec3Matches : nsec3Covers;
    return withSigs(recs.filter((r) => r.type === 'NSEC3').filter((r) => f(fromDnsRecord(r), w, 65535)));
  }
  const nsec = recs.filter((r) => r.type === 'NSEC');
  if (how === 'match') return withSigs(nsec.filter((r) => r.name === n));
  return withSigs(nsec.filter((r) => nsecCovers(fromDnsRecord(r), w)));
}

/** The name one label below the closest encloser ce on the way to n (RFC 5155 §1.3). */
function nextCloser(n: string, ce: string): string {
  let cur = n;
  while (parentOf(cur) !== ce) cur = parentOf(cur);
  return cur;
}
