/** The DNS-01 record name and value as the CA computes them (RFC 8555 §8.4). */
import { createHash } from 'node:crypto';
import type { DnsRecord } from '../../dns/types.js';
import { normalizeName } from '../../dns/names.js';
import { acmeChallengeName, baseName } from '../../identifiers.js';

/** base64url-nopad of a 32-byte SHA-256 digest (RFC 8555 §8.4). */
export const DNS01_VALUE_LENGTH = 43;
/** Boulder va/dns.go: the invalid record quoted in the error is cut to this many characters. */
export const CA_QUOTED_RECORD_MAX = 100;

/** `_acme-challenge.<name>` with a leading `*.` stripped, lower-case, no trailing dot. */
export function challengeName(identifier: string): string {
  return acmeChallengeName(baseName(normalizeName(identifier)));
}

/** The TXT value for a key authorization: base64url(SHA-256(keyAuth)), no padding. */
export function keyAuthorizationDigest(keyAuth: string): string {
  return createHash('sha256').update(keyAuth, 'utf8').digest('base64url');
}

export const looksLikeDns01Value = (v: string): boolean =>
  v.length === DNS01_VALUE_LENGTH && /^[A-Za-z0-9_-]+$/.test(v);

/** The character-strings of one TXT record, as text. */
export function txtStrings(r: DnsRecord): string[] {
  const parts = Array.isArray(r.data) ? (r.data as unknown[]) : [r.data];
  return parts.map((p) => (Buffer.isBuffer(p) ? p.toString('utf8') : String(p)));
}

/** One record's value as the CA sees it: its strings joined with no separator. */
export const txtValue = (r: DnsRecord): string => txtStrings(r).join('');

/** Go's %q approximated: a double-quoted string with escapes. */
export const goQuote = (s: string): string => JSON.stringify(s);
