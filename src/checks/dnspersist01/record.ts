/**
 * The dns-persist-01 record as the CA parses it (draft-ietf-acme-dns-persist; Boulder va/dns_persist.go
 * parseDNSPersistRecord and checkDNSPersistRecord, core.NormalizeIssuerDomainName). Pure.
 */
import { domainToASCII } from 'node:url';
import { quoteString } from '../../dns/presentation.js';
import { baseName } from '../../identifiers.js';

/** draft-ietf-acme-dns-persist §4: the record sits at this label under the FQDN (Boulder core.DNSPersistPrefix). */
export const PERSIST_LABEL = '_validation-persist';
/** draft §3.1 / Boulder NormalizeIssuerDomainName: an issuer domain name is at most 253 octets. */
export const ISSUER_MAX_OCTETS = 253;
/** RFC 1035 §3.3: one character-string holds at most 255 octets. */
export const TXT_STRING_MAX = 255;
/** A record expiring this soon is worth a warning: renewals of 90-day certificates start 30 days before. */
export const PERSIST_UNTIL_WARN_DAYS = 30;

/** `_validation-persist.<name>` with a leading `*.` stripped (Boulder strips it before the lookup). */
export function persistName(identifier: string): string {
  const base = baseName(identifier.toLowerCase().replace(/\.+$/, ''));
  return `${PERSIST_LABEL}.${base}`;
}

/** RFC 5234 WSP, as Boulder's isWSP: only space and tab. */
const isWsp = (c: string): boolean => c === ' ' || c === '\t';

function trimWsp(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWsp(s[a]!)) a++;
  while (b > a && isWsp(s[b - 1]!)) b--;
  return s.slice(a, b);
}

export type IssuerResult = { ok: true; name: string } | { ok: false; reason: string };

const LDH = /^[a-z0-9-]*$/;

/**
 * draft §9.2 as Boulder does it: lower-case, NFC, UTS #46 to A-labels under the lookup profile (STD3
 * rules and hyphen checks: Go's idna.Lookup), one trailing dot removed, at most 253 octets.
 */
export function normalizeIssuerDomainName(raw: string): IssuerResult {
  let name = raw.toLowerCase().normalize('NFC');
  // Non-ASCII goes through UTS #46 mapping and Punycode; ASCII is checked as STD3 LDH below.
  if ([...name].some((c) => c.charCodeAt(0) > 0x7f)) {
    const ascii = domainToASCII(name);
    if (!ascii) return { ok: false, reason: `converting issuer domain name "${name}" to ASCII failed` };
    name = ascii;
  }
  const labels = name.split('.');
  for (const label of labels) {
    // Go's lookup profile allows empty labels (no DNS-length check); the last one is a trailing dot.
    if (label === '') continue;
    if (!LDH.test(label))
      return {
        ok: false,
        reason: `issuer domain name "${name}" has a character outside letters, digits and hyphen`,
      };
    if (label.startsWith('-') || label.endsWith('-'))
      return {
        ok: false,
        reason: `label "${label}" of issuer domain name "${name}" starts or ends with a hyphen`,
      };
    if (label.length >= 4 && label.slice(2, 4) === '--' && !label.startsWith('xn--'))
      return {
        ok: false,
        reason: `label "${label}" of issuer domain name "${name}" has "--" in positions 3 and 4`,
      };
  }
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (Buffer.byteLength(name) > ISSUER_MAX_OCTETS)
    return {
      ok: false,
      reason: `issuer domain name exceeds ${ISSUER_MAX_OCTETS} octets (${Buffer.byteLength(name)})`,
    };
  return { ok: true, name };
}

export interface PersistParams {
  accountUri: string;
  /** As written (compared case-insensitively with "wildcard"); '' when absent. */
  policy: string;
  /** Unix seconds; undefined when absent. */
  persistUntil?: number;
  /** Tags the CA ignores, as written. */
  unknownTags: string[];
}

export type ParsedRecord =
  /** Well formed. */
  | { ok: true; issuer: string; params: PersistParams }
  /** Malformed; issuer is set when the issuer part itself was understood (then the CA may care). */
  | { ok: false; issuer?: string; error: string };

/** Value characters Boulder accepts: printable ASCII except space and `;` (%x21-3A / %x3C-7E). */
const valueCharOk = (cp: number): boolean => (cp >= 0x21 && cp <= 0x3a) || (cp >= 0x3c && cp <= 0x7e);

/** Go's strconv.ParseInt(v, 10, 64): optional sign, decimal digits, within int64. */
function parseInt64(v: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(v)) return undefined;
  const n = BigInt(v);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return Number(n);
}

const goQ = (s: string): string => JSON.stringify(s);

/** One record (its strings already joined) parsed exactly as Boulder's parseDNSPersistRecord. */
export function parsePersistRecord(record: string): ParsedRecord {
  const parts = record.split(';');
  const rawIssuer = trimWsp(parts[0]!);
  if (rawIssuer === '') return { ok: false, error: 'empty issuer-domain-name' };
  const norm = normalizeIssuerDomainName(rawIssuer);
  if (!norm.ok) return { ok: false, error: `malformed issuer-domain-name ${goQ(rawIssuer)}: ${norm.reason}` };
  const issuer = norm.name;
  const bad = (error: string): ParsedRecord => ({ ok: false, issuer, error });

  const params: PersistParams = { accountUri: '', policy: '', unknownTags: [] };
  const seen = new Set<string>();
  for (const rawParam of parts.slice(1)) {
    const param = trimWsp(rawParam);
    if (param === '') return bad('empty parameter or trailing semicolon provided');
    const eq = param.indexOf('=');
    if (eq < 0) return bad(`malformed parameter ${goQ(param)} should be tag=value pair`);
    const tag = trimWsp(param.slice(0, eq));
    const value = trimWsp(param.slice(eq + 1));
    if (tag === '') return bad(`malformed parameter ${goQ(param)}, empty tag`);
    for (const ch of value) {
      if (!valueCharOk(ch.codePointAt(0)!)) return bad(`malformed value ${goQ(value)} for tag ${goQ(tag)}`);
    }
    // RFC 8659: tags match case-insensitively.
    const canonical = tag.toLowerCase();
    if (canonical === 'accounturi' || canonical === 'policy' || canonical === 'persistuntil') {
      if (seen.has(canonical)) return bad(`duplicate parameter ${goQ(tag)}`);
      seen.add(canonical);
    }
    switch (canonical) {
      case 'accounturi':
        if (value === '') return bad('empty value provided for mandatory accounturi');
        params.accountUri = value;
        break;
      case 'policy':
        params.policy = value;
        break;
      case 'persistuntil': {
        const t = parseInt64(value);
        if (t === undefined) return bad(`malformed persistUntil timestamp ${goQ(value)}`);
        params.persistUntil = t;
        break;
      }
      default:
        // draft §4.1: the server MUST ignore a parameter with an unrecognised tag.
        params.unknownTags.push(tag);
    }
  }
  if (params.accountUri === '') return bad('missing mandatory accounturi parameter');
  return { ok: true, issuer, params };
}

export type RecordCheck =
  { ok: true } | { ok: false; reason: 'accounturi' | 'policy' | 'persistUntil'; error: string };

/** Go's time.Format(time.RFC3339) for a UTC instant: no fractional seconds, `Z`. */
export const rfc3339 = (ms: number): string => {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return `${Math.trunc(ms / 1000)} (Unix time)`;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
};

/** Whether a well-formed record authorises this account for this name now (Boulder checkDNSPersistRecord). */
export function checkPersistRecord(
  params: PersistParams,
  accountUri: string,
  wildcard: boolean,
  now: Date,
): RecordCheck {
  // draft §4.1: Simple String Comparison (RFC 3986 §6.2.1), no case folding.
  if (params.accountUri !== accountUri)
    return {
      ok: false,
      reason: 'accounturi',
      error: `accounturi mismatch: expected ${goQ(accountUri)}, got ${goQ(params.accountUri)}`,
    };
  if (wildcard && params.policy.toLowerCase() !== 'wildcard')
    return {
      ok: false,
      reason: 'policy',
      error: `policy mismatch: expected "wildcard", got ${goQ(params.policy)}`,
    };
  // The CA compares whole seconds: valid up to and including persistUntil.
  const nowSec = Math.floor(now.getTime() / 1000);
  if (params.persistUntil !== undefined && nowSec > params.persistUntil)
    return {
      ok: false,
      reason: 'persistUntil',
      error: `validation time ${rfc3339(nowSec * 1000)} is after persistUntil ${rfc3339(params.persistUntil * 1000)}`,
    };
  return { ok: true };
}

/**
 * The bytes of one TXT character-string as Boulder's DNS library (miekg/dns unpackString) hands them
 * over: `"` and `\` escaped with a backslash, bytes outside 0x20-0x7E as `\DDD`. So a tab is `\009`
 * to the parser, not white space, and UTF-8 text arrives escaped.
 */
export function caTxtString(bytes: Uint8Array): string {
  // The same escaping as zone-file presentation, without the quotes.
  return quoteString(Buffer.from(bytes)).slice(1, -1);
}

export interface PersistValueInput {
  issuerDomain: string;
  accountUri: string;
  wildcard?: boolean;
  /** Unix seconds. */
  persistUntil?: number;
}

/** The TXT value to publish, in the draft's style (`issuer; accounturi=...; policy=wildcard`). */
export function persistRecordValue(input: PersistValueInput): string {
  const parts = [input.issuerDomain, `accounturi=${input.accountUri}`];
  if (input.wildcard) parts.push('policy=wildcard');
  if (input.persistUntil !== undefined) parts.push(`persistUntil=${input.persistUntil}`);
  return parts.join('; ');
}

/** Why an account URI cannot go into a record value (the CA would find the record malformed), if it cannot. */
export function accountUriProblem(uri: string): string | undefined {
  if (uri === '') return 'the account URI is empty';
  for (const ch of uri) {
    if (!valueCharOk(ch.codePointAt(0)!))
      return `the account URI contains ${goQ(ch)}; a record value may hold only printable ASCII without space or ";"`;
  }
  if (uri.includes('"') || uri.includes('\\'))
    return 'the account URI contains a quote or backslash, which the CA reads escaped and would not match';
  return undefined;
}

/** The value as zone-file character-strings: quoted, escaped, split at 255 octets (RFC 1035 §3.3.14). */
export function zoneFileStrings(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const chunks: string[] = [];
  for (let i = 0; i === 0 || i < bytes.length; i += TXT_STRING_MAX)
    chunks.push(quoteString(bytes.subarray(i, i + TXT_STRING_MAX)));
  return chunks.join(' ');
}
