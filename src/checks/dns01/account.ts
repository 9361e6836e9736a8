/** dns-account-01 (draft-ietf-acme-dns-account-label; Boulder va/dns.go validateDNSAccount01). Pure. */
import { createHash } from 'node:crypto';
import { base32LowerEncode } from '../../dns/base32hex.js';
import { normalizeName } from '../../dns/names.js';
import { acmeChallengeName, baseName } from '../../identifiers.js';

/** draft-ietf-acme-dns-account-label §3.1: the label is built from the first 10 bytes of the digest. */
export const ACCOUNT_LABEL_BYTES = 10;

/** Lower-case base32 of the first 10 bytes of SHA-256(account URI): 16 characters, no padding needed. */
export function accountLabel(accountUri: string): string {
  const digest = createHash('sha256').update(accountUri, 'utf8').digest();
  return base32LowerEncode(digest.subarray(0, ACCOUNT_LABEL_BYTES));
}

/** `_<label>._acme-challenge.<name>` with a leading `*.` stripped. */
export function accountChallengeName(identifier: string, accountUri: string): string {
  return `_${accountLabel(accountUri)}.${acmeChallengeName(baseName(normalizeName(identifier)))}`;
}

/** Boulder wraps every unauthorized dns-account-01 error so: `<detail> (account: "<uri>")`. */
export const withAccount = (detail: string, accountUri: string): string =>
  `${detail} (account: ${JSON.stringify(accountUri)})`;
