/** Signing for tests and the lab: keys, DNSKEY, DS, RRSIG, NSEC/NSEC3 chains, whole zones. */
import { generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto';
import type { DnsRecord } from '../../dns/types.js';
import {
  type WireRR,
  fromDnsRecord,
  toDnsRecord,
  nameToWire,
  lowerWire,
  wireLabels,
  labelsToWire,
  wireToName,
} from '../../dns/dnssec/wire.js';
import { compareNames, labelCount, groupRrsets, signedData, parseRrsig } from '../../dns/dnssec/canonical.js';
import { dsDigest, keyTag } from '../../dns/dnssec/verify.js';
import { encodeTypeBitmap } from '../../dns/dnssec/bitmap.js';
import { nsec3Hash, base32hexEncode } from '../../dns/dnssec/nsec3.js';
import { normalizeName, isAtOrBelow, isBelow } from '../../dns/names.js';
import { RRTYPE } from '../../dns/rrtype.js';

export type SigningAlgorithm = 8 | 13 | 14 | 15 | 16;

export interface SigningKey {
  zone: string;
  algorithm: SigningAlgorithm;
  /** 257 for a KSK (SEP), 256 for a ZSK. */
  flags: number;
  privateKey: KeyObject;
  /** DNSKEY public key field. */
  publicKey: Buffer;
  /** DNSKEY RDATA. */
  rdata: Buffer;
  keyTag: number;
  dnskey: DnsRecord;
}

const fromB64u = (s: string | undefined): Buffer => Buffer.from(s ?? '', 'base64url');

/** Builds a SigningKey; ttl is the DNSKEY TTL. */
export function generateKey(
  zone: string,
  algorithm: SigningAlgorithm,
  opts: { ksk?: boolean; ttl?: number; rsaBits?: number } = {},
): SigningKey {
  let privateKey: KeyObject;
  let publicKey: Buffer;
  if (algorithm === 8) {
    const pair = generateKeyPairSync('rsa', { modulusLength: opts.rsaBits ?? 2048, publicExponent: 65537 });
    privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    const e = fromB64u(jwk.e);
    publicKey = Buffer.concat([Buffer.from([e.length]), e, fromB64u(jwk.n)]);
  } else if (algorithm === 13 || algorithm === 14) {
    const pair = generateKeyPairSync('ec', { namedCurve: algorithm === 13 ? 'P-256' : 'P-384' });
    privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    publicKey = Buffer.concat([fromB64u(jwk.x), fromB64u(jwk.y)]);
  } else if (algorithm === 16) {
    const pair = generateKeyPairSync('ed448');
    privateKey = pair.privateKey;
    publicKey = fromB64u(pair.publicKey.export({ format: 'jwk' }).x);
  } else {
    const pair = generateKeyPairSync('ed25519');
    privateKey = pair.privateKey;
    publicKey = fromB64u(pair.publicKey.export({ format: 'jwk' }).x);
  }
  const flags = opts.ksk === false ? 256 : 257;
  return withPublic(zone, algorithm, flags, privateKey, publicKey, opts.ttl ?? 3600);
}

function withPublic(
  zone: string,
  algorithm: SigningAlgorithm,
  flags: number,
  privateKey: KeyObject,
  publicKey: Buffer,
  ttl: number,
): SigningKey {
  const rdata = Buffer.concat([Buffer.from([flags >> 8, flags & 0xff, 3, algorithm]), publicKey]);
  const name = normalizeName(zone);
  return {
    zone: name,
    algorithm,
    flags,
    privateKey,
    publicKey,
    rdata,
    keyTag: keyTag(rdata),
    dnskey: { name, type: 'DNSKEY', class: 'IN', ttl, data: { flags, algorithm, key: publicKey } },
  };
}

/** Same key with other flags (e.g. to make a ZSK look like a KSK, or to revoke). */
export function withFlags(key: SigningKey, flags: number): SigningKey {
  return withPublic(key.zone, key.algorithm, flags, key.privateKey, key.publicKey, key.dnskey.ttl);
}

/** DS record for a key (digest type 1, 2 or 4). */
export function makeDs(key: SigningKey, digestType = 2, ttl = 3600): DnsRecord {
  const digest = dsDigest(nameToWire(key.zone), key.rdata, digestType);
  if (!digest) throw new Error(`unsupported digest type ${digestType}`);
  return {
    name: key.zone,
    type: 'DS',
    class: 'IN',
    ttl,
    data: { keyTag: key.keyTag, algorithm: key.algorithm, digestType, digest },
  };
}

/** Presentation line of a DS (trust anchors, remediation text). */
export function dsPresentation(ds: DnsRecord): string {
  const d = ds.data as { keyTag: number; algorithm: number; digestType: number; digest: Buffer };
  return `${ds.name === '' ? '.' : ds.name + '.'} IN DS ${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest.toString('hex').toUpperCase()}`;
}

export function dnskeyPresentation(key: SigningKey): string {
  return `${key.zone === '' ? '.' : key.zone + '.'} IN DNSKEY ${key.flags} 3 ${key.algorithm} ${key.publicKey.toString('base64')}`;
}

export interface SignOptions {
  inception: Date;
  expiration: Date;
  /** Override the labels field (wildcard signatures use the wildcard's own count automatically). */
  labels?: number;
  originalTtl?: number;
  /** Override the key tag (corruption tests). */
  keyTag?: number;
  /** Override the signer name. */
  signer?: string;
}

const epoch = (d: Date): number => Math.floor(d.getTime() / 1000) >>> 0;

function rawSign(key: SigningKey, data: Buffer): Buffer {
  if (key.algorithm === 15 || key.algorithm === 16) return cryptoSign(null, data, key.privateKey);
  const hash = key.algorithm === 8 || key.algorithm === 13 ? 'sha256' : 'sha384';
  if (key.algorithm === 8) return cryptoSign(hash, data, key.privateKey);
  return cryptoSign(hash, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
}

/** Signs wire RRs; returns the RRSIG as a wire RR. */
export function signWire(rrset: WireRR[], key: SigningKey, opts: SignOptions): WireRR {
  const first = rrset[0];
  if (!first) throw new Error('empty RRset');
  const head = Buffer.alloc(18);
  head.writeUInt16BE(first.type, 0);
  head[2] = key.algorithm;
  head[3] = opts.labels ?? labelCount(first.owner);
  head.writeUInt32BE(opts.originalTtl ?? first.ttl, 4);
  head.writeUInt32BE(epoch(opts.expiration), 8);
  head.writeUInt32BE(epoch(opts.inception), 12);
  head.writeUInt16BE(opts.keyTag ?? key.keyTag, 16);
  const signer = lowerWire(nameToWire(opts.signer ?? key.zone));
  const unsigned = Buffer.concat([head, signer]);
  const sig = rawSign(key, signedData(parseRrsig(unsigned), rrset));
  return {
    owner: first.owner,
    type: RRTYPE.RRSIG,
    class: first.class,
    ttl: first.ttl,
    rdata: Buffer.concat([unsigned, sig]),
  };
}

/** Signs an RRset of dns-packet records; returns an RRSIG in dns-packet data shape. */
export function signRrset(rrset: DnsRecord[], key: SigningKey, opts: SignOptions): DnsRecord {
  return toDnsRecord(signWire(rrset.map(fromDnsRecord), key, opts));
}

export interface Nsec3Params {
  iterations: number;
  salt: Buffer;
  optOut?: boolean;
}

export interface SignZoneOptions {
  /** Keys with flags 257 sign the DNSKEY RRset; the others sign the rest. One key signs all. */
  keys: SigningKey[];
  inception: Date;
  expiration: Date;
  denial?: 'nsec' | 'nsec3' | 'none';
  nsec3?: Nsec3Params;
  /** Negative TTL for NSEC/NSEC3. */
  ttl?: number;
  /** Publish the DNSKEYs at the apex (default true). */
  publishKeys?: boolean;
}

export interface SignedZone {
  apex: string;
  records: DnsRecord[];
  nsec3?: Nsec3Params;
}

/**
 * Signs a zone: DNSKEY published, every authoritative RRset signed, delegations (NS below the apex) left
 * unsigned except DS, glue unsigned, and an NSEC or NSEC3 chain built and signed.
 */
export function signZone(apexName: string, input: DnsRecord[], opts: SignZoneOptions): SignedZone {
  const apex = normalizeName(apexName);
  const records = input.map((r) => ({ ...r, name: normalizeName(r.name) }));
  if (opts.publishKeys !== false) records.push(...opts.keys.map((k) => k.dnskey));
  const cuts = new Set(records.filter((r) => r.type === 'NS' && r.name !== apex).map((r) => r.name));
  const underCut = (n: string): boolean => [...cuts].some((c) => isBelow(n, c));
  const ksks = opts.keys.filter((k) => k.flags & 1);
  const zsks = opts.keys.filter((k) => !(k.flags & 1));
  const dnskeySigners = ksks.length ? ksks : opts.keys;
  const otherSigners = zsks.length ? zsks : opts.keys;
  const ttl = opts.ttl ?? 300;
  const wire = records.map(fromDnsRecord);
  const out: WireRR[] = [...wire];

  // Denial chain over authoritative names (and delegation points).
  const byName = new Map<string, Set<number>>();
  for (const r of wire) {
    const n = wireToName(r.owner);
    if (!isAtOrBelow(n, apex) || underCut(n)) continue;
    const set = byName.get(n) ?? new Set<number>();
    set.add(r.type);
    byName.set(n, set);
  }
  const denial = opts.denial ?? 'nsec';
  if (denial === 'nsec') out.push(...nsecChain(byName, cuts, ttl));
  else if (denial === 'nsec3')
    out.push(...nsec3Chain(apex, byName, cuts, opts.nsec3 ?? { iterations: 0, salt: Buffer.alloc(0) }, ttl));

  const sigs: WireRR[] = [];
  for (const set of groupRrsets(out)) {
    const first = set[0] as WireRR;
    const n = wireToName(first.owner);
    if (!isAtOrBelow(n, apex) || underCut(n)) continue;
    if (cuts.has(n) && first.type !== RRTYPE.DS && first.type !== RRTYPE.NSEC) continue;
    const signers = first.type === RRTYPE.DNSKEY ? dnskeySigners : otherSigners;
    for (const key of signers)
      sigs.push(signWire(set, key, { inception: opts.inception, expiration: opts.expiration }));
  }
  return {
    apex,
    records: [...out, ...sigs].map(toDnsRecord),
    ...(denial === 'nsec3' ? { nsec3: opts.nsec3 ?? { iterations: 0, salt: Buffer.alloc(0) } } : {}),
  };
}

/** The NSEC chain over the authoritative names, in canonical order (RFC 4034 §4). */
function nsecChain(byName: Map<string, Set<number>>, cuts: Set<string>, ttl: number): WireRR[] {
  const out: WireRR[] = [];
  const names = [...byName.keys()].sort((a, b) => compareNames(nameToWire(a), nameToWire(b)));
  names.forEach((n, i) => {
    const types = byName.get(n) as Set<number>;
    const signed = !cuts.has(n) || types.has(RRTYPE.DS);
    const bits = new Set([...types, RRTYPE.NSEC, ...(signed || cuts.has(n) ? [RRTYPE.RRSIG] : [])]);
    const next = nameToWire(names[(i + 1) % names.length] as string);
    out.push({
      owner: nameToWire(n),
      type: RRTYPE.NSEC,
      class: 1,
      ttl,
      rdata: Buffer.concat([next, encodeTypeBitmap(bits)]),
    });
  });
  return out;
}

/** The NSEC3 chain (RFC 5155 §7.1), empty non-terminals included, and the apex NSEC3PARAM. */
function nsec3Chain(
  apex: string,
  byName: Map<string, Set<number>>,
  cuts: Set<string>,
  p: Nsec3Params,
  ttl: number,
): WireRR[] {
  const out: WireRR[] = [];
  const apexWire = nameToWire(apex);
  const all = new Map<string, Set<number>>(byName);
  // Empty non-terminals get NSEC3 records too (RFC 5155 §7.1).
  for (const n of byName.keys()) {
    let cur = n;
    while (cur !== apex && cur !== '') {
      cur = cur.includes('.') ? cur.slice(cur.indexOf('.') + 1) : '';
      if (!isAtOrBelow(cur, apex)) break;
      if (!all.has(cur)) all.set(cur, new Set());
    }
  }
  if (!all.has(apex)) all.set(apex, new Set());
  (all.get(apex) as Set<number>).add(RRTYPE.NSEC3PARAM);
  const entries: { hash: Buffer; types: Set<number> }[] = [];
  for (const [n, types] of all) {
    if (p.optOut && cuts.has(n) && !types.has(RRTYPE.DS)) continue;
    const hash = nsec3Hash(n, 1, p.iterations, p.salt, 65535) as Buffer;
    const bits = new Set(types);
    if (types.size && (!cuts.has(n) || types.has(RRTYPE.DS))) bits.add(RRTYPE.RRSIG);
    entries.push({ hash, types: bits });
  }
  entries.sort((a, b) => Buffer.compare(a.hash, b.hash));
  entries.forEach((e, i) => {
    const next = (entries[(i + 1) % entries.length] as { hash: Buffer }).hash;
    const rdata = Buffer.concat([
      Buffer.from([1, p.optOut ? 1 : 0, p.iterations >> 8, p.iterations & 0xff, p.salt.length]),
      p.salt,
      Buffer.from([next.length]),
      next,
      encodeTypeBitmap(e.types),
    ]);
    const owner = labelsToWire([Buffer.from(base32hexEncode(e.hash)), ...wireLabels(apexWire)]);
    out.push({ owner, type: RRTYPE.NSEC3, class: 1, ttl, rdata });
  });
  const param = Buffer.concat([
    Buffer.from([1, 0, p.iterations >> 8, p.iterations & 0xff, p.salt.length]),
    p.salt,
  ]);
  out.push({ owner: apexWire, type: RRTYPE.NSEC3PARAM, class: 1, ttl: 0, rdata: param });
  return out;
}
