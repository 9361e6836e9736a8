/** RRSIG verification, key tags and DS digests with node:crypto. */
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { type WireRR, lowerWire, wireToName } from './wire.js';
import { type RrsigFields, labelCount, namesEqual, parseRrsig, signedData } from './canonical.js';

/** DNSSEC algorithm numbers (IANA "DNS Security Algorithm Numbers"). */
export const ALG = {
  RSASHA1: 5,
  RSASHA1_NSEC3: 7,
  RSASHA256: 8,
  RSASHA512: 10,
  ECDSAP256SHA256: 13,
  ECDSAP384SHA384: 14,
  ED25519: 15,
  ED448: 16,
} as const;

const HASH_OF: Record<number, string | null> = {
  5: 'sha1',
  7: 'sha1',
  8: 'sha256',
  10: 'sha512',
  13: 'sha256',
  14: 'sha384',
  15: null,
  16: null,
};

export function isSupportedAlgorithm(alg: number): boolean {
  return alg in HASH_OF;
}

/** DS digest types (RFC 4509, RFC 6605): 1 SHA-1, 2 SHA-256, 4 SHA-384. */
const DIGEST_OF: Record<number, string> = { 1: 'sha1', 2: 'sha256', 4: 'sha384' };
export function isSupportedDigest(t: number): boolean {
  return t in DIGEST_OF;
}

/** RSA limits: RFC 3110 §2 allows a 4096-bit modulus; a longer one or a huge exponent is refused (CPU bound). */
export const MAX_RSA_MODULUS_BITS = 4096;
export const MIN_RSA_MODULUS_BITS = 512;
export const MAX_RSA_EXPONENT_BYTES = 16;

/** DNSKEY RDATA fields. */
export interface DnskeyFields {
  flags: number;
  protocol: number;
  algorithm: number;
  publicKey: Buffer;
}

export function parseDnskey(rdata: Buffer): DnskeyFields {
  if (rdata.length < 4) throw new Error('DNSKEY RDATA too short');
  return {
    flags: rdata.readUInt16BE(0),
    protocol: rdata[2] as number,
    algorithm: rdata[3] as number,
    publicKey: rdata.subarray(4),
  };
}

export interface DsFields {
  keyTag: number;
  algorithm: number;
  digestType: number;
  digest: Buffer;
}

export function parseDs(rdata: Buffer): DsFields {
  if (rdata.length < 4) throw new Error('DS RDATA too short');
  return {
    keyTag: rdata.readUInt16BE(0),
    algorithm: rdata[2] as number,
    digestType: rdata[3] as number,
    digest: rdata.subarray(4),
  };
}

/** Key tag (RFC 4034 Appendix B) over DNSKEY RDATA. */
export function keyTag(dnskeyRdata: Buffer): number {
  if (dnskeyRdata[3] === 1) {
    // Algorithm 1: the third-to-last and second-to-last octets of the key.
    return dnskeyRdata.length >= 4 ? dnskeyRdata.readUInt16BE(dnskeyRdata.length - 3) : 0;
  }
  let ac = 0;
  for (let i = 0; i < dnskeyRdata.length; i++)
    ac += i & 1 ? (dnskeyRdata[i] as number) : (dnskeyRdata[i] as number) << 8;
  ac += (ac >> 16) & 0xffff;
  return ac & 0xffff;
}

/** DS digest over owner (canonical wire) | DNSKEY RDATA (RFC 4034 §5.1.4); null for unknown types. */
export function dsDigest(owner: Buffer, dnskeyRdata: Buffer, digestType: number): Buffer | null {
  const h = DIGEST_OF[digestType];
  if (!h) return null;
  return createHash(h).update(lowerWire(owner)).update(dnskeyRdata).digest();
}

/** True when the DS RDATA matches the DNSKEY at owner (tag, algorithm and digest). */
export function dsMatches(ds: DsFields, owner: Buffer, dnskeyRdata: Buffer): boolean {
  const key = parseDnskey(dnskeyRdata);
  if (ds.algorithm !== key.algorithm || ds.keyTag !== keyTag(dnskeyRdata)) return false;
  const d = dsDigest(owner, dnskeyRdata, ds.digestType);
  return d !== null && d.equals(ds.digest);
}

const b64u = (b: Buffer): string => b.toString('base64url');

/** Builds a public key from DNSKEY key material; throws with a short reason when unusable. */
export function publicKeyFrom(algorithm: number, key: Buffer): KeyObject {
  switch (algorithm) {
    case 5:
    case 7:
    case 8:
    case 10: {
      // RFC 3110 §2: exponent length (1 octet, or 0 then 2 octets), exponent, modulus.
      if (key.length < 3) throw new Error('RSA key too short');
      let elen = key[0] as number;
      let off = 1;
      if (elen === 0) {
        elen = key.readUInt16BE(1);
        off = 3;
      }
      if (elen === 0 || elen > MAX_RSA_EXPONENT_BYTES) throw new Error('RSA exponent length out of range');
      const e = key.subarray(off, off + elen);
      let n = key.subarray(off + elen);
      while (n.length && n[0] === 0) n = n.subarray(1);
      const bits = n.length * 8;
      if (bits < MIN_RSA_MODULUS_BITS || bits > MAX_RSA_MODULUS_BITS)
        throw new Error(`RSA modulus of ${bits} bits out of range`);
      return createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
    }
    case 13:
    case 14: {
      const size = algorithm === 13 ? 32 : 48;
      if (key.length !== size * 2) throw new Error('ECDSA key has the wrong length');
      return createPublicKey({
        key: {
          kty: 'EC',
          crv: algorithm === 13 ? 'P-256' : 'P-384',
          x: b64u(key.subarray(0, size)),
          y: b64u(key.subarray(size)),
        },
        format: 'jwk',
      });
    }
    case 15:
    case 16: {
      const size = algorithm === 15 ? 32 : 57;
      if (key.length !== size) throw new Error('EdDSA key has the wrong length');
      return createPublicKey({
        key: { kty: 'OKP', crv: algorithm === 15 ? 'Ed25519' : 'Ed448', x: b64u(key) },
        format: 'jwk',
      });
    }
    default:
      throw new Error(`unsupported algorithm ${algorithm}`);
  }
}

/** Verifies a raw signature over data with a DNSKEY; false (never a throw) on any failure. */
export function verifySignature(algorithm: number, key: Buffer, data: Buffer, signature: Buffer): boolean {
  try {
    const pub = publicKeyFrom(algorithm, key);
    const hash = HASH_OF[algorithm];
    if (hash === undefined) return false;
    if (algorithm === 13 || algorithm === 14) {
      if (signature.length !== (algorithm === 13 ? 64 : 96)) return false;
      return cryptoVerify(hash, data, { key: pub, dsaEncoding: 'ieee-p1363' }, signature);
    }
    return cryptoVerify(hash, data, pub, signature);
  } catch {
    return false;
  }
}

/** Serial-number arithmetic (RFC 4034 §3.1.5, RFC 1982): the 32-bit time nearest to now. */
export function serialToDate(t: number, now: Date): Date {
  const nowS = Math.floor(now.getTime() / 1000);
  let diff = (t - nowS) % 2 ** 32;
  if (diff < 0) diff += 2 ** 32;
  if (diff >= 2 ** 31) diff -= 2 ** 32;
  return new Date((nowS + diff) * 1000);
}

export type VerifyFailure =
  | 'unsupported'
  | 'key-tag-mismatch'
  | 'algorithm-mismatch'
  | 'signer-mismatch'
  | 'type-mismatch'
  | 'labels-mismatch'
  | 'not-zone-key'
  | 'revoked'
  | 'bad-key'
  | 'expired'
  | 'not-yet-valid'
  | 'malformed'
  | 'bad-signature';

export type VerifyResult =
  | { ok: true; inception: Date; expiration: Date }
  | { ok: false; reason: VerifyFailure; inception?: Date; expiration?: Date; message?: string };

export interface VerifyInput {
  /** RRSIG RR (owner, RDATA). */
  rrsig: WireRR;
  /** DNSKEY RR. */
  dnskey: WireRR;
  /** The covered RRset. */
  rrset: WireRR[];
  now: Date;
  /** Skip the validity window (known-answer tests of old signatures). */
  ignoreTime?: boolean;
  /** Tolerate clock skew as unbound does (the CA's resolver); default true. */
  unboundSkew?: boolean;
}

/** Verifies one RRSIG over an RRset with one DNSKEY (RFC 4035 §5.3.1 checks, then the crypto). */
export function verifyRrsig(input: VerifyInput): VerifyResult {
  let sig: RrsigFields;
  try {
    sig = parseRrsig(input.rrsig.rdata);
  } catch (e) {
    return { ok: false, reason: 'malformed', message: (e as Error).message };
  }
  const times = {
    inception: serialToDate(sig.inception, input.now),
    expiration: serialToDate(sig.expiration, input.now),
  };
  if (!isSupportedAlgorithm(sig.algorithm)) return { ok: false, reason: 'unsupported', ...times };
  let key: DnskeyFields;
  try {
    key = parseDnskey(input.dnskey.rdata);
  } catch (e) {
    return { ok: false, reason: 'bad-key', message: (e as Error).message, ...times };
  }
  if (key.algorithm !== sig.algorithm) return { ok: false, reason: 'algorithm-mismatch', ...times };
  if (keyTag(input.dnskey.rdata) !== sig.keyTag) return { ok: false, reason: 'key-tag-mismatch', ...times };
  if (!namesEqual(input.dnskey.owner, sig.signer)) return { ok: false, reason: 'signer-mismatch', ...times };
  if (!(key.flags & 0x0100) || key.protocol !== 3) return { ok: false, reason: 'not-zone-key', ...times };
  // RFC 5011 §2.1: a revoked key signs only its own revocation; it never validates data.
  if (key.flags & 0x0080) return { ok: false, reason: 'revoked', ...times };
  const first = input.rrset[0];
  if (!first) return { ok: false, reason: 'malformed', message: 'empty RRset', ...times };
  if (
    first.type !== sig.typeCovered ||
    input.rrset.some((r) => r.type !== first.type || !namesEqual(r.owner, first.owner))
  )
    return { ok: false, reason: 'type-mismatch', ...times };
  if (sig.labels > labelCount(first.owner)) return { ok: false, reason: 'labels-mismatch', ...times };
  if (!isAtOrBelowWire(first.owner, sig.signer)) return { ok: false, reason: 'signer-mismatch', ...times };
  if (!input.ignoreTime) {
    const nowS = Math.floor(input.now.getTime() / 1000);
    const skew = input.unboundSkew === false ? 0 : unboundSkew(sig.inception, sig.expiration);
    if (serialLess(sig.expiration, nowS) && serialDiff(nowS, sig.expiration) > skew)
      return { ok: false, reason: 'expired', ...times };
    if (serialLess(nowS, sig.inception) && serialDiff(sig.inception, nowS) > skew)
      return { ok: false, reason: 'not-yet-valid', ...times };
  }
  let data: Buffer;
  try {
    data = signedData(sig, input.rrset);
  } catch (e) {
    return { ok: false, reason: 'malformed', message: (e as Error).message, ...times };
  }
  try {
    publicKeyFrom(key.algorithm, key.publicKey);
  } catch (e) {
    return { ok: false, reason: 'bad-key', message: (e as Error).message, ...times };
  }
  if (!verifySignature(sig.algorithm, key.publicKey, data, sig.signature))
    return { ok: false, reason: 'bad-signature', ...times };
  return { ok: true, ...times };
}

/**
 * unbound's tolerance around the validity window (val_sigcrypt.c check_dates): a tenth of the window,
 * at least val-sig-skew-min (3600 s) and at most val-sig-skew-max (86400 s), the defaults.
 */
export const UNBOUND_SKEW_MIN_S = 3600;
export const UNBOUND_SKEW_MAX_S = 86400;
export function unboundSkew(inception: number, expiration: number): number {
  const span = serialDiff(expiration, inception) / 10;
  return Math.min(UNBOUND_SKEW_MAX_S, Math.max(UNBOUND_SKEW_MIN_S, Math.floor(span)));
}

/** (a - b) mod 2^32, as a non-negative number of seconds. */
function serialDiff(a: number, b: number): number {
  const d = (a - b) % 2 ** 32;
  return d < 0 ? d + 2 ** 32 : d;
}

function serialLess(a: number, b: number): boolean {
  const d = (b - a) % 2 ** 32;
  const diff = d < 0 ? d + 2 ** 32 : d;
  return diff !== 0 && diff < 2 ** 31;
}

function isAtOrBelowWire(name: Buffer, zone: Buffer): boolean {
  const n = wireToName(name);
  const z = wireToName(zone);
  return z === '' || n === z || n.endsWith('.' + z);
}
