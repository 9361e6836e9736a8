/** RFC 4648 base32hex without padding: NSEC3 hashed owner names (RFC 5155 §3.3). */
const DIGITS = '0123456789abcdefghijklmnopqrstuv';
/** RFC 4648 §6 base32, lower-cased: the dns-account-01 label. */
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export const base32hexEncode = (buf: Buffer): string => encode(buf, DIGITS);

/** RFC 4648 §6 base32 in lower case, without padding. */
export const base32LowerEncode = (buf: Buffer): string => encode(buf, BASE32);

function encode(buf: Buffer, DIGITS: string): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += DIGITS[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += DIGITS[(value << (5 - bits)) & 31];
  return out;
}

/** Null when s holds a character that is not a base32hex digit (trailing '=' padding is accepted). */
export function base32hexDecode(s: string): Buffer | null {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of s.toLowerCase().replace(/=+$/, '')) {
    const v = DIGITS.indexOf(ch);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}
