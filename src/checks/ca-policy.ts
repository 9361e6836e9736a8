/**
 * The CA's verdict on an identifier exactly as sent (Boulder policy/pa.go ValidDomain and ValidIP,
 * the checks WellFormedIdentifiers runs after the WFE lower-cases the value). Pure.
 * The user-facing pipeline (parseIdentifier, identifierPolicyFindings) normalises first; this
 * function says what the CA answers for the text itself, for IDENT_INPUT_NOT_CANONICAL and for the
 * CA's own test table (fixtures/ca-tables/boulder-pa.json).
 */
import { domainToUnicode } from 'node:url';
import { canonicalIp, caReservedBlock, isGoIpLiteral } from '../net/reserved.js';
import { publicSuffixOf } from '../net/psl.js';
import { baseName, isWildcard } from '../identifiers.js';

/** Boulder policy/pa.go error texts. */
export const PA_ERRORS = {
  nonPublic: 'Domain name does not end with a valid public suffix (TLD)',
  icannTld: 'Domain name is an ICANN TLD',
  invalidCharacter: 'Domain name contains an invalid character',
  nameTooLong: 'Domain name is longer than 253 bytes',
  ipAddressInDns: 'Identifier type is DNS but value is an IP address',
  ipInvalid: 'IP address is invalid',
  tooManyLabels: 'Domain name has more than 10 labels (parts)',
  emptyIdentifier: 'Identifier value (name) is empty',
  endsInDot: 'Domain name ends in a dot',
  tooFewLabels: 'Domain name needs at least one dot',
  labelTooShort: 'Domain name can not have two dots in a row',
  labelTooLong: 'Domain has a label (component between dots) longer than 63 bytes',
  malformedIdn: 'Domain name contains malformed punycode',
  invalidRldh: "Domain name contains an invalid label in a reserved format (R-LDH: '??--')",
  tooManyWildcards: 'Domain name has more than one wildcard',
  malformedWildcard:
    'Domain name contains an invalid wildcard. A wildcard is only permitted before the first dot in a domain name',
  icannTldWildcard: 'Domain name is a wildcard for an ICANN TLD',
  wildcardNotSupported: 'Wildcard domain names are not supported',
  unsupportedIdent: 'Invalid identifier type',
} as const;

/** Boulder pa.go maxLabels, maxLabelLength, maxDNSIdentifierLength. */
const MAX_LABELS = 10;
const MAX_LABEL_LENGTH = 63;
const MAX_NAME_LENGTH = 253;

const isDnsCharacter = (c: string): boolean => /^[a-zA-Z0-9.-]$/.test(c);

/** A valid xn-- label: decodes, re-encodes to itself and is NFC (Boulder uses idna.ToUnicode and norm.NFC). */
function validPunycode(label: string): boolean {
  const unicode = domainToUnicode(label);
  if (unicode === '' || unicode === label) return false;
  return unicode === unicode.normalize('NFC');
}

function validNonWildcardDomain(domain: string, extra: readonly string[]): string | undefined {
  if (domain === '') return PA_ERRORS.emptyIdentifier;
  if (isWildcard(domain)) return PA_ERRORS.wildcardNotSupported;
  // Byte-wise, as Go ranges over []byte: any non-ASCII byte is an invalid character.
  for (const b of Buffer.from(domain, 'utf8')) {
    if (b >= 0x80 || !isDnsCharacter(String.fromCharCode(b))) return PA_ERRORS.invalidCharacter;
  }
  if (domain.length > MAX_NAME_LENGTH) return PA_ERRORS.nameTooLong;
  if (isGoIpLiteral(domain)) return PA_ERRORS.ipAddressInDns;
  if (domain.endsWith('.')) return PA_ERRORS.endsInDot;
  const labels = domain.split('.');
  if (labels.length > MAX_LABELS) return PA_ERRORS.tooManyLabels;
  if (labels.length < 2) return PA_ERRORS.tooFewLabels;
  for (const label of labels) {
    if (label.length < 1) return PA_ERRORS.labelTooShort;
    if (label.length > MAX_LABEL_LENGTH) return PA_ERRORS.labelTooLong;
    if (!/^[a-z0-9-]+$/.test(label)) return PA_ERRORS.invalidCharacter;
    if (label.startsWith('-') || label.endsWith('-')) return PA_ERRORS.invalidCharacter;
    if (label.length >= 4 && label.slice(2, 4) === '--') {
      if (label.slice(0, 2) !== 'xn') return PA_ERRORS.invalidRldh;
      if (!validPunycode(label)) return PA_ERRORS.malformedIdn;
    }
  }
  const suffix = publicSuffixOf(domain, extra);
  if (!suffix) return PA_ERRORS.nonPublic;
  if (suffix === domain) return PA_ERRORS.icannTld;
  return undefined;
}

/** Boulder ValidDomain: the error text for a DNS identifier value, or undefined when well formed. */
export function caDomainError(domain: string, extra: readonly string[] = []): string | undefined {
  const stars = (domain.match(/\*/g) ?? []).length;
  if (stars === 0) return validNonWildcardDomain(domain, extra);
  if (stars > 1) return PA_ERRORS.tooManyWildcards;
  if (!isWildcard(domain)) return PA_ERRORS.malformedWildcard;
  const base = baseName(domain);
  const suffix = publicSuffixOf(base, extra);
  if (!suffix) return PA_ERRORS.nonPublic;
  if (suffix === base) return PA_ERRORS.icannTldWildcard;
  return validNonWildcardDomain(base, extra);
}

/** Boulder ValidIP: the value must be Go's canonical text of the address and not reserved. */
export function caIpError(ip: string): string | undefined {
  if (ip === '') return PA_ERRORS.emptyIdentifier;
  if (ip.includes('%') || !isGoIpLiteral(ip)) return PA_ERRORS.ipInvalid;
  const canonical = canonicalIp(ip);
  // Go prints an IPv4-mapped address with a dotted tail; ipaddr.js in hex.
  const goText = canonical?.startsWith('::ffff:') && ip.includes('.') ? ip : canonical;
  if (goText !== ip) return PA_ERRORS.ipInvalid;
  return caReservedBlock(ip)?.message;
}

/** Boulder WellFormedIdentifiers for one identifier, after the WFE lower-cased it. */
export function caIdentifierError(
  type: string,
  value: string,
  extra: readonly string[] = [],
): string | undefined {
  const v = value.toLowerCase();
  if (type === 'dns') return caDomainError(v, extra);
  if (type === 'ip') return caIpError(v);
  return PA_ERRORS.unsupportedIdent;
}
