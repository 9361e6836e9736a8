/** Chain-of-trust validation from trust anchors down to one RRset (RFC 4035 §5), pure over a fetch function. */
import type { DnsRecord } from '../types.js';
import { normalizeName, isAtOrBelow, displayName } from '../names.js';
import { MAX_CNAME_CHAIN } from '../limits.js';
import { type WireRR, fromDnsRecord, nameToWire, typeToNumber, typeToString, wireToName } from './wire.js';
import { type RrsigFields, groupRrsets, labelCount, namesEqual, parseRrsig } from './canonical.js';
import {
  type DsFields,
  dsDigest,
  dsMatches,
  isSupportedAlgorithm,
  isSupportedDigest,
  keyTag,
  parseDs,
  verifyRrsig,
  type VerifyResult,
} from './verify.js';
import { type TrustAnchor, parseTrustAnchors } from './anchors.js';
import {
  type DenialResult,
  proveNameErrorNsec3,
  proveNoDataNsec3,
  proveWildcardAnswerNsec3,
} from './nsec3.js';
import { proveNameErrorNsec, proveNoDataNsec, proveWildcardAnswerNsec } from './nsec.js';
import { RRTYPE } from '../rrtype.js';

/** What the validator needs from a query: the caller sets the DO bit and routes DS to the parent side. */
export interface FetchResponse {
  rcode: string;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  /** Server that answered, for evidence. */
  server?: string;
}
export type DnssecFetch = (name: string, type: string) => Promise<FetchResponse>;

export interface ChainOptions {
  /** DS or DNSKEY presentation lines. */
  trustAnchors: readonly string[];
  now: Date;
  /** CNAMEs followed before giving up (default: the CA resolver's MAX_CNAME_CHAIN). */
  maxCnames?: number;
  /** Tolerate signer clock skew as unbound (the CA's resolver) does; default true. */
  unboundSkew?: boolean;
}

export interface SignatureInfo {
  zone: string;
  owner: string;
  type: string;
  keyTag: number;
  algorithm: number;
  /** ISO 8601 (evidence is plain data). */
  inception: string;
  expiration: string;
}

export type BogusCode =
  | 'signature-expired'
  | 'signature-not-yet-valid'
  | 'ds-no-matching-dnskey'
  | 'dnskey-not-signed-by-ds-key'
  | 'missing-rrsig'
  | 'algorithm-mismatch'
  | 'bad-signature'
  | 'denial-missing'
  | 'denial-wrong';

/** One RRSIG of a bogus RRset that failed, and why (every one is kept, not only the reason reported first). */
export interface SignatureFailure {
  owner: string;
  type: string;
  keyTag: number;
  algorithm: number;
  code: BogusCode;
  detail: string;
  inception?: string;
  expiration?: string;
}

export interface BogusReason {
  code: BogusCode;
  /** Zone whose data is bogus. */
  zone: string;
  owner?: string;
  type?: string;
  keyTag?: number;
  /** ISO 8601. */
  inception?: string;
  expiration?: string;
  dsKeyTags?: number[];
  dnskeyKeyTags?: number[];
  signingKeyTags?: number[];
  /** DS records at the parent, presentation form (for remediation). */
  ds?: string[];
  /** DS (SHA-256) for the zone's SEP keys: what the parent should publish. */
  suggestedDs?: string[];
  server?: string;
  detail: string;
  /** Every failing RRSIG of the RRset, in the order they were tried (more than one: several keys or signatures). */
  failures?: SignatureFailure[];
}

export type InsecureReason =
  'no-ds' | 'opt-out' | 'unsupported-algorithm' | 'nsec3-iterations' | 'no-trust-anchor';

export interface ZoneKeys {
  zone: string;
  dsKeyTags: number[];
  dnskeyKeyTags: number[];
}

interface Common {
  name: string;
  type: string;
  /** Zones validated on the way, top down. */
  zones: ZoneKeys[];
  /** Every signature that verified. */
  signatures: SignatureInfo[];
}

export type ChainResult =
  | (Common & { status: 'secure'; rcode: string; records: DnsRecord[]; cnames: string[] })
  | (Common & { status: 'insecure'; delegation: string; reason: InsecureReason; detail: string })
  | (Common & { status: 'bogus'; bogus: BogusReason })
  | (Common & { status: 'indeterminate'; detail: string });

type StopResult =
  | { status: 'insecure'; delegation: string; reason: InsecureReason; detail: string }
  | { status: 'bogus'; bogus: BogusReason }
  | { status: 'indeterminate'; detail: string };

class Stop extends Error {
  constructor(readonly result: StopResult) {
    super(result.status);
  }
}

const bogus = (b: BogusReason): Stop => new Stop({ status: 'bogus', bogus: b });
const insecure = (delegation: string, reason: InsecureReason, detail: string): Stop =>
  new Stop({ status: 'insecure', delegation, reason, detail });
const indeterminate = (detail: string): Stop => new Stop({ status: 'indeterminate', detail });

function toWireSafe(records: DnsRecord[]): WireRR[] {
  const out: WireRR[] = [];
  for (const r of records) {
    try {
      out.push(fromDnsRecord(r));
    } catch {
      // A record we cannot re-encode cannot be validated; leaving it out makes its RRset unsigned or bogus.
    }
  }
  return out;
}

const dsText = (zone: string, ds: DsFields): string =>
  `${zone === '' ? '.' : zone + '.'} DS ${ds.keyTag} ${ds.algorithm} ${ds.digestType} ${ds.digest.toString('hex').toUpperCase()}`;

/**
 * KeyTrap (CVE-2023-50387): a zone with many DNSKEYs sharing a key tag and many RRSIGs makes a validator
 * that tries every signature with every matching key spend minutes of CPU on one answer. Resolvers capped
 * the work in February 2024; these are systemd-resolved's caps (resolved-dns-dnssec.c DNSSEC_INVALID_MAX,
 * DNSSEC_VALIDATION_MAX), in line with Unbound 1.19.1's and BIND 9.18.24's limits. Past them the answer is
 * indeterminate: a resolver gives up (SERVFAIL) rather than validate on.
 */
/** Signature checks that may fail for one RRset before the validator gives up on it. */
export const MAX_FAILED_VALIDATIONS_PER_RRSET = 5;
/** Signature checks for one lookup (its whole chain of trust). */
export const MAX_VALIDATIONS_PER_LOOKUP = 64;

class Validator {
  readonly zones: ZoneKeys[] = [];
  readonly signatures: SignatureInfo[] = [];
  /** Signature checks made so far for this lookup (MAX_VALIDATIONS_PER_LOOKUP). */
  private validations = 0;
  /**
   * RRsets already verified in this lookup (with the same signatures and keys): each CNAME hop walks the
   * chain from the anchor again, and a resolver's key cache does not pay twice for what it has checked,
   * so an honest chain of MAX_CNAME_CHAIN CNAMEs stays well inside MAX_VALIDATIONS_PER_LOOKUP.
   */
  private readonly verified = new Set<string>();
  constructor(
    private readonly fetch: DnssecFetch,
    private readonly now: Date,
    private readonly unboundSkew = true,
  ) {}

  async ask(name: string, type: string): Promise<FetchResponse> {
    try {
      return await this.fetch(name, type);
    } catch (e) {
      throw indeterminate(`${type} ${displayName(name)}: ${(e as Error).message}`);
    }
  }

  /** Verifies an RRset against trusted keys of zone; throws a bogus Stop with the best reason. */
  verifyRrset(zone: string, rrset: WireRR[], sigs: WireRR[], keys: WireRR[], server?: string): void {
    const first = rrset[0] as WireRR;
    const owner = wireToName(first.owner);
    const type = typeToString(first.type);
    const mine = sigs.filter((s) =>
      safe(() => namesEqual(s.owner, first.owner) && parseRrsig(s.rdata).typeCovered === first.type),
    );
    if (!mine.length)
      throw bogus({
        code: 'missing-rrsig',
        zone,
        owner,
        type,
        server,
        detail: `no RRSIG covers ${type} ${displayName(owner)}`,
      });
    const hex = (rs: WireRR[]): string => rs.map((r) => r.rdata.toString('hex')).join(',');
    const memo = `${zone}|${owner}|${type}|${hex(rrset)}|${hex(mine)}|${hex(keys)}`;
    if (this.verified.has(memo)) return;
    const base = { zone, owner, type, server };
    let best: BogusReason | undefined;
    const rank: Record<string, number> = {
      'bad-signature': 1,
      'algorithm-mismatch': 0,
      'signature-not-yet-valid': 2,
      'signature-expired': 3,
    };
    const failures: SignatureFailure[] = [];
    let algorithm = 0;
    const consider = (b: BogusReason): void => {
      const f: SignatureFailure = {
        owner,
        type,
        keyTag: b.keyTag ?? 0,
        algorithm,
        code: b.code,
        detail: b.detail,
      };
      if (b.inception) f.inception = b.inception;
      if (b.expiration) f.expiration = b.expiration;
      failures.push(f);
      if (!best || (rank[b.code] ?? 0) > (rank[best.code] ?? 0)) best = b;
    };
    const keyAlgs = [...new Set(keys.map((k) => k.rdata[3] as number))];
    let failed = 0;
    for (const s of mine) {
      const f = parseRrsig(s.rdata);
      algorithm = f.algorithm;
      const signer = wireToName(f.signer);
      if (signer !== zone) {
        consider({
          ...base,
          code: 'bad-signature',
          keyTag: f.keyTag,
          detail: `RRSIG signer ${displayName(signer)} is not the zone ${displayName(zone)}`,
        });
        continue;
      }
      const candidates = keys.filter((k) => keyTag(k.rdata) === f.keyTag && k.rdata[3] === f.algorithm);
      if (!candidates.length) {
        consider(noKeyReason(base, f, keyAlgs));
        continue;
      }
      for (const k of candidates) {
        if (failed >= MAX_FAILED_VALIDATIONS_PER_RRSET)
          throw indeterminate(
            `${type} ${displayName(owner)}: gave up after ${failed} signature checks failed for one RRset (${mine.length} RRSIGs, ${keys.length} DNSKEYs; at most ${MAX_FAILED_VALIDATIONS_PER_RRSET} are tried, as resolvers do since KeyTrap, CVE-2023-50387)`,
          );
        if (this.validations >= MAX_VALIDATIONS_PER_LOOKUP)
          throw indeterminate(
            `${type} ${displayName(owner)}: gave up after ${this.validations} signature checks for one lookup (at most ${MAX_VALIDATIONS_PER_LOOKUP}, as resolvers do since KeyTrap, CVE-2023-50387)`,
          );
        this.validations++;
        const r = verifyRrsig({ rrsig: s, dnskey: k, rrset, now: this.now, unboundSkew: this.unboundSkew });
        if (!r.ok) failed++;
        if (r.ok) {
          this.signatures.push({
            zone,
            owner,
            type,
            keyTag: f.keyTag,
            algorithm: f.algorithm,
            inception: r.inception.toISOString(),
            expiration: r.expiration.toISOString(),
          });
          this.verified.add(memo);
          return;
        }
        consider(failedReason(base, f, r));
      }
    }
    throw bogus({ ...(best as BogusReason), failures });
  }

  /** Fetches and authenticates the DNSKEY RRset of zone from its DS set or anchor DNSKEYs. */
  async zoneKeys(zone: string, dsRdata: Buffer[], anchorKeys: Buffer[]): Promise<WireRR[]> {
    const res = await this.ask(zone, 'DNSKEY');
    const zoneWire = nameToWire(zone);
    const ds = dsRdata.map(parseDs);
    const dsKeyTags = ds.map((d) => d.keyTag);
    const usableDs = ds.filter((d) => isSupportedAlgorithm(d.algorithm) && isSupportedDigest(d.digestType));
    if (!anchorKeys.length && !usableDs.length)
      throw insecure(
        zone,
        'unsupported-algorithm',
        `DS for ${displayName(zone)} use only unsupported algorithms or digests (${ds.map((d) => `${d.algorithm}/${d.digestType}`).join(', ')})`,
      );
    const all = toWireSafe([...res.answers, ...res.authorities]);
    const keys = all.filter((r) => r.type === RRTYPE.DNSKEY && namesEqual(r.owner, zoneWire));
    const sigs = all.filter((r) => r.type === RRTYPE.RRSIG);
    const dnskeyKeyTags = keys.map((k) => keyTag(k.rdata));
    const dsLines = ds.map((d) => dsText(zone, d));
    const suggestedDs = suggestedDsFor(zone, zoneWire, keys);
    this.zones.push({ zone, dsKeyTags, dnskeyKeyTags });
    if (res.rcode !== 'NOERROR' && !keys.length)
      throw indeterminate(`DNSKEY ${displayName(zone)}: ${res.rcode}`);
    const trusted = keys.filter(
      (k) =>
        anchorKeys.some((a) => a.equals(k.rdata)) ||
        usableDs.some((d) => safe(() => dsMatches(d, zoneWire, k.rdata))),
    );
    if (!trusted.length) {
      const algMismatch =
        usableDs.length > 0 &&
        keys.length > 0 &&
        !usableDs.some((d) => keys.some((k) => k.rdata[3] === d.algorithm));
      throw bogus({
        code: algMismatch ? 'algorithm-mismatch' : 'ds-no-matching-dnskey',
        zone,
        owner: zone,
        type: 'DNSKEY',
        dsKeyTags,
        dnskeyKeyTags,
        ds: dsLines,
        suggestedDs,
        server: res.server,
        detail: keys.length
          ? `DS key tags ${dsKeyTags.join(', ') || '(anchor)'} match none of the DNSKEYs ${dnskeyKeyTags.join(', ')}`
          : `no DNSKEY published at ${displayName(zone)}`,
      });
    }
    const trustedTags = trusted.map((k) => keyTag(k.rdata));
    const dnskeySigs = sigs.filter(
      (s) => safe(() => parseRrsig(s.rdata).typeCovered === RRTYPE.DNSKEY) && namesEqual(s.owner, zoneWire),
    );
    const byTrusted = dnskeySigs.filter((s) => trustedTags.includes(parseRrsig(s.rdata).keyTag));
    if (dnskeySigs.length && !byTrusted.length)
      throw bogus({
        code: 'dnskey-not-signed-by-ds-key',
        zone,
        owner: zone,
        type: 'DNSKEY',
        dsKeyTags,
        dnskeyKeyTags,
        signingKeyTags: dnskeySigs.map((s) => parseRrsig(s.rdata).keyTag),
        ds: dsLines,
        suggestedDs,
        server: res.server,
        detail: `the DNSKEY RRset is signed by key(s) ${dnskeySigs.map((s) => parseRrsig(s.rdata).keyTag).join(', ')}, none of which the DS (${trustedTags.join(', ')}) vouches for`,
      });
    try {
      this.verifyRrset(zone, keys, byTrusted, trusted, res.server);
    } catch (e) {
      if (e instanceof Stop && e.result.status === 'bogus') {
        const b = e.result.bogus;
        b.dsKeyTags = dsKeyTags;
        b.dnskeyKeyTags = dnskeyKeyTags;
      }
      throw e;
    }
    return keys;
  }

  /** Authenticated NSEC/NSEC3 records from a response's authority section. */
  denialRecords(zone: string, res: FetchResponse, keys: WireRR[]): { nsec: WireRR[]; nsec3: WireRR[] } {
    const all = toWireSafe(res.authorities);
    const sigs = all.filter((r) => r.type === RRTYPE.RRSIG);
    const nsec: WireRR[] = [];
    const nsec3: WireRR[] = [];
    for (const set of groupRrsets(all.filter((r) => r.type === RRTYPE.NSEC || r.type === RRTYPE.NSEC3))) {
      this.verifyRrset(zone, set, sigs, keys, res.server);
      for (const r of set) (r.type === RRTYPE.NSEC ? nsec : nsec3).push(r);
    }
    return { nsec, nsec3 };
  }

  denialStop(
    zone: string,
    owner: string,
    type: string,
    r: DenialResult & { ok: false },
    server?: string,
  ): Stop {
    if (r.reason === 'iterations') return insecure(zone, 'nsec3-iterations', r.detail);
    return bogus({
      code: r.reason === 'missing' ? 'denial-missing' : 'denial-wrong',
      zone,
      owner,
      type,
      server,
      detail: r.detail,
    });
  }
}

function safe<T>(f: () => T): T | false {
  try {
    return f();
  } catch {
    return false;
  }
}

/** Names strictly below zone down to name, top down. */
function namesBetween(zone: string, name: string): string[] {
  if (name === zone) return [];
  const rel = zone === '' ? name : name.slice(0, name.length - zone.length - 1);
  const labels = rel.split('.');
  const out: string[] = [];
  for (let i = labels.length - 1; i >= 0; i--) {
    const prefix = labels.slice(i).join('.');
    out.push(zone === '' ? prefix : `${prefix}.${zone}`);
  }
  return out;
}

function groupAnchors(anchors: TrustAnchor[]): Map<string, TrustAnchor[]> {
  const m = new Map<string, TrustAnchor[]>();
  for (const a of anchors) m.set(a.zone, [...(m.get(a.zone) ?? []), a]);
  return m;
}

type ReasonBase = Pick<BogusReason, 'zone' | 'owner' | 'type' | 'server'>;

/** An RRSIG whose key tag and algorithm match no DNSKEY of the zone. */
function noKeyReason(base: ReasonBase, f: RrsigFields, keyAlgs: number[]): BogusReason {
  if (!keyAlgs.includes(f.algorithm))
    return {
      ...base,
      code: 'algorithm-mismatch',
      keyTag: f.keyTag,
      detail: `RRSIG algorithm ${f.algorithm} matches no DNSKEY (algorithms ${keyAlgs.join(', ')})`,
    };
  return {
    ...base,
    code: 'bad-signature',
    keyTag: f.keyTag,
    detail: `RRSIG key tag ${f.keyTag} matches no DNSKEY of ${displayName(base.zone)}`,
  };
}

/** Why one RRSIG did not verify with one candidate DNSKEY: expired, not yet valid, or a bad signature. */
function failedReason(
  base: ReasonBase,
  f: RrsigFields,
  r: Extract<VerifyResult, { ok: false }>,
): BogusReason {
  const at = `RRSIG ${base.type} ${displayName(base.owner ?? '')} (key ${f.keyTag})`;
  const times = {
    ...(r.inception ? { inception: r.inception.toISOString() } : {}),
    ...(r.expiration ? { expiration: r.expiration.toISOString() } : {}),
    keyTag: f.keyTag,
  };
  if (r.reason === 'expired')
    return { ...base, ...times, code: 'signature-expired', detail: `${at} expired ${times.expiration}` };
  if (r.reason === 'not-yet-valid')
    return {
      ...base,
      ...times,
      code: 'signature-not-yet-valid',
      detail: `${at} is valid only from ${times.inception}`,
    };
  return { ...base, ...times, code: 'bad-signature', detail: `${at} does not verify: ${r.reason}` };
}

/** The DS records (SHA-256) the parent should publish: for the SEP keys, else every key. */
function suggestedDsFor(zone: string, zoneWire: Buffer, keys: WireRR[]): string[] {
  const sep = keys.filter((k) => (k.rdata.readUInt16BE(0) & 0x0101) === 0x0101);
  return (sep.length ? sep : keys).flatMap((k) => {
    const digest = safe(() => dsDigest(zoneWire, k.rdata, 2));
    return digest
      ? [dsText(zone, { keyTag: keyTag(k.rdata), algorithm: k.rdata[3] as number, digestType: 2, digest })]
      : [];
  });
}

/**
 * Validates name/type from the trust anchors down: DS and DNSKEY at each zone cut, then the answer
 * (following CNAMEs) or its denial of existence.
 */
export async function validateChain(
  name: string,
  type: string,
  fetch: DnssecFetch,
  opts: ChainOptions,
): Promise<ChainResult> {
  const v = new Validator(fetch, opts.now, opts.unboundSkew ?? true);
  const qname = normalizeName(name);
  const common = (): Common => ({
    name: qname,
    type: type.toUpperCase(),
    zones: v.zones,
    signatures: v.signatures,
  });
  let anchors: TrustAnchor[];
  try {
    anchors = parseTrustAnchors(opts.trustAnchors);
  } catch (e) {
    return { ...common(), status: 'indeterminate', detail: `bad trust anchor: ${(e as Error).message}` };
  }
  try {
    const records: DnsRecord[] = [];
    const cnames: string[] = [];
    let current = qname;
    let rcode = 'NOERROR';
    for (let hop = 0; ; hop++) {
      if (hop > (opts.maxCnames ?? MAX_CNAME_CHAIN))
        throw indeterminate(`more than ${opts.maxCnames ?? MAX_CNAME_CHAIN} CNAMEs`);
      const step = await validateOne(v, current, type.toUpperCase(), groupAnchors(anchors));
      records.push(...step.records);
      rcode = step.rcode;
      if (!step.cname) break;
      cnames.push(step.cname);
      current = step.cname;
    }
    return { ...common(), status: 'secure', rcode, records, cnames };
  } catch (e) {
    if (e instanceof Stop) return { ...common(), ...e.result } as ChainResult;
    return { ...common(), status: 'indeterminate', detail: (e as Error).message };
  }
}

type Step = { records: DnsRecord[]; rcode: string; cname?: string };
type AskResult = Awaited<ReturnType<Validator['ask']>>;

async function validateOne(
  v: Validator,
  qname: string,
  qtype: string,
  anchors: Map<string, TrustAnchor[]>,
): Promise<Step> {
  const { zone, keys } = await signedZoneOf(v, qname, qtype, anchors);
  return validateAnswer(v, zone, keys, qname, qtype);
}

/** From the closest trust anchor down to the zone that signs qname, each cut proven; its keys validated. */
async function signedZoneOf(
  v: Validator,
  qname: string,
  qtype: string,
  anchors: Map<string, TrustAnchor[]>,
): Promise<{ zone: string; keys: WireRR[] }> {
  const anchorZone = [...anchors.keys()]
    .filter((z) => isAtOrBelow(qname, z))
    .sort((a, b) => b.length - a.length)[0];
  if (anchorZone === undefined)
    throw insecure('', 'no-trust-anchor', `no trust anchor above ${displayName(qname)}`);
  const list = anchors.get(anchorZone) ?? [];
  let zone = anchorZone;
  let keys = await v.zoneKeys(
    zone,
    list.filter((a) => a.type === 'DS').map((a) => a.rdata),
    list.filter((a) => a.type === 'DNSKEY').map((a) => a.rdata),
  );

  // Walk down: a DS proves a signed cut, a proven missing DS with NS an unsigned one.
  for (const cand of namesBetween(zone, qname)) {
    // A DS question is answered (and signed) by the parent: stop above it.
    if (qtype === 'DS' && cand === qname) break;
    const res = await v.ask(cand, 'DS');
    if (res.rcode === 'NXDOMAIN') break;
    if (res.rcode !== 'NOERROR') throw indeterminate(`DS ${displayName(cand)}: ${res.rcode}`);
    const ans = toWireSafe(res.answers);
    const candWire = nameToWire(cand);
    const ds = ans.filter((r) => r.type === RRTYPE.DS && namesEqual(r.owner, candWire));
    if (ds.length) {
      v.verifyRrset(
        zone,
        ds,
        ans.filter((r) => r.type === RRTYPE.RRSIG),
        keys,
        res.server,
      );
      zone = cand;
      keys = await v.zoneKeys(
        zone,
        ds.map((r) => r.rdata),
        [],
      );
      continue;
    }
    if (ans.some((r) => r.type === RRTYPE.CNAME && namesEqual(r.owner, candWire))) break;
    const { nsec, nsec3 } = v.denialRecords(zone, res, keys);
    if (!nsec.length && !nsec3.length)
      throw bogus({
        code: 'denial-missing',
        zone,
        owner: cand,
        type: 'DS',
        server: res.server,
        detail: `no NSEC/NSEC3 proves DS ${displayName(cand)} absent`,
      });
    const proof = nsec.length
      ? proveNoDataNsec(candWire, RRTYPE.DS, nsec)
      : proveNoDataNsec3(candWire, RRTYPE.DS, nsec3);
    if (!proof.ok) {
      // An NXDOMAIN-style proof here just means the name does not exist: the final query will show it.
      if (nsec.length && proveNameErrorNsec(candWire, nsec).ok) break;
      if (!nsec.length && proof.reason !== 'iterations' && proveNameErrorNsec3(candWire, nsec3).ok) break;
      throw v.denialStop(zone, cand, 'DS', proof, res.server);
    }
    if (proof.kind === 'insecure-delegation')
      throw insecure(
        cand,
        'no-ds',
        `${displayName(zone)} proves ${displayName(cand)} is delegated without DS`,
      );
    if (proof.kind === 'opt-out')
      throw insecure(
        cand,
        'opt-out',
        `${displayName(cand)} is in an NSEC3 opt-out span of ${displayName(zone)}: unsigned delegation`,
      );
  }
  return { zone, keys };
}

/** The answer to qname/qtype, verified in zone with keys: the records, a CNAME/DNAME target, or a proven denial. */
async function validateAnswer(
  v: Validator,
  zone: string,
  keys: WireRR[],
  qname: string,
  qtype: string,
): Promise<Step> {
  const res = await v.ask(qname, qtype);
  const qwire = nameToWire(qname);
  const qt = typeToNumber(qtype);
  const ans = toWireSafe(res.answers);
  const sigs = ans.filter((r) => r.type === RRTYPE.RRSIG);
  const wildcardCheck = (rrset: WireRR[]): void => {
    const own = sigs.filter((s) => safe(() => parseRrsig(s.rdata).typeCovered === rrset[0]?.type));
    const labels = Math.min(...own.map((s) => parseRrsig(s.rdata).labels));
    if (labels < labelCount(qwire)) {
      const { nsec, nsec3 } = v.denialRecords(zone, res, keys);
      const p = nsec.length
        ? proveWildcardAnswerNsec(qwire, nsec)
        : proveWildcardAnswerNsec3(qwire, labels, nsec3);
      if (!p.ok) throw v.denialStop(zone, qname, qtype, p, res.server);
    }
  };
  if (res.rcode === 'NOERROR' || res.rcode === 'NXDOMAIN') {
    const direct = ans.filter((r) => r.type === qt && namesEqual(r.owner, qwire));
    if (direct.length && res.rcode === 'NOERROR') {
      v.verifyRrset(zone, direct, sigs, keys, res.server);
      wildcardCheck(direct);
      return {
        records: res.answers.filter((r) => r.type.toUpperCase() === qtype && normalizeName(r.name) === qname),
        rcode: 'NOERROR',
      };
    }
    // DNAME (RFC 6672): the signed DNAME vouches for the synthesized (unsigned) CNAME.
    const dname = res.answers.find(
      (r) =>
        r.type === 'DNAME' &&
        qname.endsWith('.' + normalizeName(r.name)) &&
        isAtOrBelow(normalizeName(r.name), zone),
    );
    if (dname && qt !== RRTYPE.DNAME) {
      const owner = normalizeName(dname.name);
      const set = ans.filter((r) => r.type === RRTYPE.DNAME && namesEqual(r.owner, nameToWire(owner)));
      v.verifyRrset(zone, set, sigs, keys, res.server);
      const prefix = qname.slice(0, qname.length - owner.length - 1);
      const target = normalizeName(String(dname.data));
      return { records: [dname], rcode: res.rcode, cname: target === '' ? prefix : `${prefix}.${target}` };
    }
    const cname = ans.filter((r) => r.type === RRTYPE.CNAME && namesEqual(r.owner, qwire));
    if (cname.length && qt !== RRTYPE.CNAME) {
      v.verifyRrset(zone, cname, sigs, keys, res.server);
      wildcardCheck(cname);
      const target = res.answers.find((r) => r.type === 'CNAME' && normalizeName(r.name) === qname)?.data;
      return {
        records: res.answers.filter((r) => r.type === 'CNAME' && normalizeName(r.name) === qname),
        rcode: res.rcode,
        cname: normalizeName(String(target)),
      };
    }
    return proveDenial(v, zone, keys, res, qname, qtype);
  }
  throw indeterminate(`${qtype} ${displayName(qname)}: ${res.rcode}`);
}

/** An NXDOMAIN or empty answer: the NSEC/NSEC3 records must prove it (or an opt-out span makes it insecure). */
function proveDenial(
  v: Validator,
  zone: string,
  keys: WireRR[],
  res: AskResult,
  qname: string,
  qtype: string,
): Step {
  const qwire = nameToWire(qname);
  const qt = typeToNumber(qtype);
  const { nsec, nsec3 } = v.denialRecords(zone, res, keys);
  if (!nsec.length && !nsec3.length)
    throw bogus({
      code: 'denial-missing',
      zone,
      owner: qname,
      type: qtype,
      server: res.server,
      detail: `${res.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'empty answer'} for ${qtype} ${displayName(qname)} without NSEC/NSEC3 proof`,
    });
  const proof =
    res.rcode === 'NXDOMAIN'
      ? nsec.length
        ? proveNameErrorNsec(qwire, nsec)
        : proveNameErrorNsec3(qwire, nsec3)
      : nsec.length
        ? proveNoDataNsec(qwire, qt, nsec)
        : proveNoDataNsec3(qwire, qt, nsec3);
  if (!proof.ok) throw v.denialStop(zone, qname, qtype, proof, res.server);
  if (proof.kind === 'opt-out')
    throw insecure(qname, 'opt-out', `${displayName(qname)} is in an NSEC3 opt-out span`);
  return { records: [], rcode: res.rcode };
}

/** Signatures on the validated path that expire within `days` of now (a warning, before they turn bogus). */
export function expiringSignatures(result: ChainResult, now: Date, days: number): SignatureInfo[] {
  const limit = now.getTime() + days * 86_400_000;
  return result.signatures.filter((s) => Date.parse(s.expiration) <= limit);
}
