/**
 * What a server says, as pure functions: an authoritative server over the zones it holds, and a public
 * recursive resolver over a view of the whole lab. No sockets here.
 */
import type { DnsRecord } from '../dns/types.js';
import { isAtOrBelow, isBelow, normalizeName, parentName } from '../dns/names.js';
import { type ZoneData, rrKey, zoneFor } from './zone.js';
import { MAX_CNAME_CHAIN } from '../dns/limits.js';

export interface LabQuestion {
  name: string;
  type: string;
  /** EDNS DO bit. */
  dnssec?: boolean;
}

export interface LabAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'FORMERR' | 'NOTIMP' | 'BADVERS';
  aa: boolean;
  ra: boolean;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
}

const empty = (rcode: LabAnswer['rcode'], ra = false): LabAnswer => ({
  rcode,
  aa: false,
  ra,
  answers: [],
  authorities: [],
  additionals: [],
});

/**
 * Lookups by owner name over one version of a zone's records. Edits replace the records array, so an
 * index keyed by that array is never stale; without it every query scanned the whole zone.
 */
interface ZoneIndex {
  byName: Map<string, DnsRecord[]>;
  /** Owner names and all their ancestors: a name exists when it owns records or has some below it. */
  names: Set<string>;
  /** Owners of NS RRsets below the apex. */
  cuts: Set<string>;
}
const indexes = new WeakMap<DnsRecord[], ZoneIndex>();

function indexOf(zone: ZoneData): ZoneIndex {
  let ix = indexes.get(zone.records);
  if (ix) return ix;
  ix = { byName: new Map(), names: new Set(), cuts: new Set() };
  for (const r of zone.records) {
    const list = ix.byName.get(r.name);
    if (list) list.push(r);
    else ix.byName.set(r.name, [r]);
    for (let n = r.name; !ix.names.has(n); n = parentName(n)) {
      ix.names.add(n);
      if (n === '') break;
    }
    if (r.type === 'NS' && isBelow(r.name, zone.apex)) ix.cuts.add(r.name);
  }
  indexes.set(zone.records, ix);
  return ix;
}

const ofName = (zone: ZoneData, name: string): DnsRecord[] => indexOf(zone).byName.get(name) ?? [];
const ofNameType = (zone: ZoneData, name: string, type: string): DnsRecord[] =>
  ofName(zone, name).filter((r) => r.type === type);

const sigsFor = (records: DnsRecord[], name: string, type: string): DnsRecord[] =>
  records.filter(
    (r) => r.type === 'RRSIG' && r.name === name && (r.data as { typeCovered?: string }).typeCovered === type,
  );

/** The topmost delegation (NS RRset below the apex) on the path to name, if any. */
export function findCut(zone: ZoneData, name: string): string | undefined {
  const { cuts } = indexOf(zone);
  let cut: string | undefined;
  for (let n = normalizeName(name); n !== '' && n !== zone.apex; n = parentName(n)) if (cuts.has(n)) cut = n;
  return cut;
}

/** A name exists when it owns records or is an empty non-terminal (RFC 4592 2.2.2). */
const exists = (zone: ZoneData, name: string): boolean => indexOf(zone).names.has(name);

/** Records at name, synthesised from a wildcard when the name does not exist (RFC 4592). */
function recordsAt(zone: ZoneData, name: string): { records: DnsRecord[]; exists: boolean } {
  if (exists(zone, name)) return { records: ofName(zone, name), exists: true };
  let encloser = name;
  while (encloser !== zone.apex && encloser !== '') {
    encloser = parentName(encloser);
    if (exists(zone, encloser)) break;
  }
  const wild = encloser === '' ? '*' : `*.${encloser}`;
  const synth = ofName(zone, wild).map((r) => ({ ...r, name }));
  return { records: synth, exists: synth.length > 0 };
}

function soaNegative(zone: ZoneData, dnssec: boolean): DnsRecord[] {
  const soa = ofName(zone, zone.apex).find((r) => r.type === 'SOA');
  if (!soa) return [];
  const minimum = (soa.data as { minimum?: number }).minimum ?? soa.ttl;
  // RFC 2308 5: the negative TTL is the lesser of the SOA TTL and its MINIMUM field.
  const out = [{ ...soa, ttl: Math.min(soa.ttl, minimum) }];
  return dnssec ? [...out, ...sigsFor(ofName(zone, zone.apex), zone.apex, 'SOA')] : out;
}

/** DNSSEC canonical name order (RFC 4034 6.1): labels compared right to left, case-folded bytes. */
export function canonicalCompare(a: string, b: string): number {
  const la = normalizeName(a).split('.').filter(Boolean).reverse();
  const lb = normalizeName(b).split('.').filter(Boolean).reverse();
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const c = Buffer.compare(Buffer.from(la[i]!), Buffer.from(lb[i]!));
    if (c !== 0) return c;
  }
  return la.length - lb.length;
}

/** Denial records for a negative answer: NSEC at or covering name, or every NSEC3 of the zone. */
function denial(zone: ZoneData, name: string): DnsRecord[] {
  const out: DnsRecord[] = [];
  const withSigs = (r: DnsRecord): void => {
    if (!out.includes(r)) out.push(r, ...sigsFor(ofName(zone, r.name), r.name, r.type));
  };
  for (const r of zone.records) {
    if (r.type === 'NSEC') {
      const next = normalizeName((r.data as { nextDomain: string }).nextDomain);
      const afterOwner = canonicalCompare(name, r.name) >= 0;
      const beforeNext = canonicalCompare(name, next) < 0 || next === zone.apex;
      if (r.name === name || (afterOwner && beforeNext)) withSigs(r);
      // Wildcard denial: the NSEC covering *.apex for NXDOMAIN proofs.
      const wild = zone.apex === '' ? '*' : `*.${zone.apex}`;
      if (canonicalCompare(wild, r.name) > 0 && (canonicalCompare(wild, next) < 0 || next === zone.apex))
        withSigs(r);
    } else if (r.type === 'NSEC3') withSigs(r);
  }
  return out;
}

/** Address records for in-zone names (glue and NS additional data). */
function glue(zone: ZoneData, names: string[], dnssec: boolean): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (const n of names) {
    if (!isAtOrBelow(n, zone.apex)) continue;
    for (const t of ['A', 'AAAA']) {
      const rs = ofNameType(zone, n, t);
      out.push(...rs);
      if (dnssec && rs.length && findCut(zone, n) === undefined) out.push(...sigsFor(ofName(zone, n), n, t));
    }
  }
  return out;
}

function referral(zone: ZoneData, cut: string, dnssec: boolean): LabAnswer {
  const ns = ofNameType(zone, cut, 'NS');
  const authorities = [...ns];
  if (dnssec) {
    const ds = ofNameType(zone, cut, 'DS');
    authorities.push(...ds, ...(ds.length ? sigsFor(ofName(zone, cut), cut, 'DS') : denial(zone, cut)));
  }
  // Glue only for in-bailiwick NS names (at or below the cut): sibling names must be looked up.
  const nsNames = ns.map((r) => normalizeName(String(r.data))).filter((n) => isAtOrBelow(n, cut));
  return {
    rcode: 'NOERROR',
    aa: false,
    ra: false,
    answers: [],
    authorities,
    additionals: glue(zone, nsNames, false),
  };
}

function selectType(records: DnsRecord[], type: string, dnssec: boolean): DnsRecord[] {
  if (type === 'ANY') return records.filter((r) => dnssec || r.type !== 'RRSIG');
  return records.filter((r) => r.type === type);
}

/** The zone to answer from: the deepest served zone, except DS at an apex comes from the parent. */
function pickZone(zones: ZoneData[], q: LabQuestion): ZoneData | undefined {
  const z = zoneFor(zones, q.name);
  if (z && q.type === 'DS' && q.name === z.apex && z.apex !== '') {
    const parent = zoneFor(
      zones.filter((x) => x !== z),
      q.name,
    );
    if (parent) return parent;
  }
  return z;
}

/** An authoritative server's answer from the zones it holds (RFC 1034 4.3.2, simplified). */
export function answerAuthoritative(zones: ZoneData[], question: LabQuestion): LabAnswer {
  const q = { ...question, name: normalizeName(question.name), type: question.type.toUpperCase() };
  const dnssec = q.dnssec === true;
  const zone = pickZone(zones, q);
  if (!zone) return empty('REFUSED');
  const res: LabAnswer = {
    rcode: 'NOERROR',
    aa: true,
    ra: false,
    answers: [],
    authorities: [],
    additionals: [],
  };
  const seen = new Set<string>();
  let name = q.name;
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
    const cut = findCut(zone, name);
    if (cut !== undefined && !(q.type === 'DS' && name === cut)) {
      if (hop === 0) return referral(zone, cut, dnssec);
      return res; // the chain leaves this server's authority: the resolver takes it from here
    }
    const at = recordsAt(zone, name);
    const hit = selectType(at.records, q.type, dnssec);
    if (hit.length) {
      res.answers.push(...hit);
      if (dnssec && q.type !== 'ANY') res.answers.push(...sigsFor(at.records, name, q.type));
      if (q.type === 'NS')
        res.additionals.push(
          ...glue(
            zone,
            hit.map((r) => normalizeName(String(r.data))),
            dnssec,
          ),
        );
      return res;
    }
    const cname = at.records.find((r) => r.type === 'CNAME');
    if (cname && q.type !== 'CNAME') {
      res.answers.push(cname);
      if (dnssec) res.answers.push(...sigsFor(at.records, name, 'CNAME'));
      seen.add(name);
      const target = normalizeName(String(cname.data));
      if (seen.has(target) || !isAtOrBelow(target, zone.apex)) return res;
      name = target;
      continue;
    }
    // RFC 6604: after a CNAME the rcode describes the last name in the chain.
    res.rcode = at.exists ? 'NOERROR' : 'NXDOMAIN';
    res.authorities.push(...soaNegative(zone, dnssec));
    if (dnssec) res.authorities.push(...denial(zone, name));
    return res;
  }
  return res;
}

/** A referral to the root: what a misconfigured server sends instead of answering. */
export function upwardReferral(roots: { name: string; address: string }[], ttl = 518400): LabAnswer {
  const authorities: DnsRecord[] = roots.map((r) => ({
    name: '',
    type: 'NS',
    class: 'IN',
    ttl,
    data: r.name,
  }));
  const additionals: DnsRecord[] = roots.map((r) => ({
    name: r.name,
    type: r.address.includes(':') ? 'AAAA' : 'A',
    class: 'IN',
    ttl,
    data: r.address,
  }));
  return { rcode: 'NOERROR', aa: false, ra: false, answers: [], authorities, additionals };
}

/** What a public resolver knows: zones as reachable servers hold them, plus its own (stale) cache. */
export interface ResolverView {
  /** The deepest zone containing name as a healthy server holds it; 'unavailable' if none answers. */
  zoneFor(name: string, type: string): ZoneData | 'unavailable' | undefined;
  /** Cached RRsets by rrKey(name, type); an empty array is a cached NODATA. Checked before zones. */
  cache: Map<string, DnsRecord[]>;
}

/** A recursive resolver's answer: RA set, never AA, CNAMEs followed across zones. */
export function answerRecursive(view: ResolverView, question: LabQuestion): LabAnswer {
  const type = question.type.toUpperCase();
  const dnssec = question.dnssec === true;
  const res: LabAnswer = {
    rcode: 'NOERROR',
    aa: false,
    ra: true,
    answers: [],
    authorities: [],
    additionals: [],
  };
  const seen = new Set<string>();
  let name = normalizeName(question.name);
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
    if (seen.has(name)) return empty('SERVFAIL', true);
    seen.add(name);
    const cached = view.cache.get(rrKey(name, type));
    if (cached) {
      res.answers.push(...cached);
      return res;
    }
    const cachedCname = view.cache.get(rrKey(name, 'CNAME'));
    if (cachedCname?.length && type !== 'CNAME') {
      res.answers.push(...cachedCname);
      name = normalizeName(String(cachedCname[0]!.data));
      continue;
    }
    const zone = view.zoneFor(name, type);
    if (zone === undefined || zone === 'unavailable') return empty('SERVFAIL', true);
    const cut = findCut(zone, name);
    // A delegation to a zone nobody serves: the resolver cannot get past it.
    if (cut !== undefined && !(type === 'DS' && name === cut)) return empty('SERVFAIL', true);
    const at = recordsAt(zone, name);
    const hit = selectType(at.records, type, dnssec);
    if (hit.length) {
      res.answers.push(...hit);
      if (dnssec && type !== 'ANY') res.answers.push(...sigsFor(at.records, name, type));
      return res;
    }
    const cname = at.records.find((r) => r.type === 'CNAME');
    if (cname && type !== 'CNAME') {
      res.answers.push(cname);
      if (dnssec) res.answers.push(...sigsFor(at.records, name, 'CNAME'));
      name = normalizeName(String(cname.data));
      continue;
    }
    res.rcode = at.exists ? 'NOERROR' : 'NXDOMAIN';
    res.authorities.push(...soaNegative(zone, dnssec));
    return res;
  }
  return empty('SERVFAIL', true);
}
