/** Identifier syntax (usage errors) and the CA's identifier policy (findings). Pure. */
import { domainToASCII, domainToUnicode } from 'node:url';
import ipaddr from 'ipaddr.js';
import {
  acmeChallengeName,
  baseName,
  isWildcard,
  WILDCARD_PREFIX,
  type AsWritten,
  type Identifier,
} from '../identifiers.js';
import { isDnsChallenge, type Challenge, type Evidence, type Finding } from '../report/finding.js';
import { finding } from '../report/catalogue.js';
import {
  canonicalIp,
  caReservedBlock,
  caReservedRange,
  isIpAddress,
  projectRefusal,
} from '../net/reserved.js';
import { PSL_SOURCE, publicSuffixOf } from '../net/psl.js';
import { caIdentifierError } from './ca-policy.js';

/** RFC 1035 §2.3.4; Boulder policy/pa.go maxDNSIdentifierLength. */
export const MAX_NAME_LENGTH = 253;
/** RFC 1035 §2.3.4; Boulder policy/pa.go maxLabelLength. */
export const MAX_LABEL_LENGTH = 63;
/** Boulder policy/pa.go maxLabels. */
export const MAX_LABELS = 10;
/** Let's Encrypt rate limits doc, Boulder ra/wfe maxNames: identifiers per order. */
export const MAX_NAMES_PER_ORDER = 100;

export type ParseResult = { ok: true; identifier: Identifier } | { ok: false; code: string; message: string };

const fail = (code: string, message: string): ParseResult => ({ ok: false, code, message });

/** UTS #46 maps these full stops to '.' before splitting into labels. */
const IDEOGRAPHIC_DOTS = /[\u3002\uff0e\uff61]/g;
const LDH = /^[a-z0-9-]+$/;
const WILDCARD_LABEL_CHARS = /^[a-z0-9*-]+$/;

function parseIp(raw: string, input: string): ParseResult | undefined {
  const unbracketed = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  const looksIpv6 = /^[0-9a-f:.]+(%.*)?$/.test(unbracketed) && unbracketed.includes(':');
  if (unbracketed !== raw || looksIpv6) {
    if (!ipaddr.IPv6.isValid(unbracketed) || unbracketed.includes('%')) {
      return fail('IDENT_SYNTAX_BAD_IP', `"${input}" is not a valid IPv6 address`);
    }
  } else if (
    !/^[0-9.]+$/.test(unbracketed) ||
    !/[0-9]$/.test(unbracketed) ||
    unbracketed.split('.').length !== 4
  ) {
    return undefined; // a DNS name (possibly all-numeric, which policy refuses)
  }
  if (!isIpAddress(unbracketed)) return fail('IDENT_SYNTAX_BAD_IP', `"${input}" is not a valid IP address`);
  const value = canonicalIp(unbracketed) ?? ipaddr.parse(unbracketed).toString();
  const identifier: Identifier = { input, type: 'ip', value, base: value, wildcard: false };
  // Boulder policy.ValidIP: the text must equal Go's netip String() (RFC 8738 §3, RFC 5952 §4).
  const asWritten: AsWritten[] = [];
  if (unbracketed !== raw) asWritten.push('ip-brackets');
  if (unbracketed !== value) asWritten.push('ip-text');
  if (asWritten.length > 0) identifier.asWritten = asWritten;
  return { ok: true, identifier };
}

/** Converts one label to its A-label, or explains why the CA would refuse it. */
function toALabel(
  label: string,
  input: string,
): { ok: true; label: string } | { ok: false; code: string; message: string } {
  if (label === '')
    return {
      ok: false,
      code: 'IDENT_SYNTAX_EMPTY_LABEL',
      message: `"${input}" has an empty label (two dots in a row or a leading dot)`,
    };
  if (label.includes('*')) {
    // Kept as typed; the policy check says whether the wildcard is well placed.
    if (!WILDCARD_LABEL_CHARS.test(label)) {
      return {
        ok: false,
        code: 'IDENT_SYNTAX_INVALID_CHARACTER',
        message: `"${input}" contains an invalid character in label "${label}"`,
      };
    }
    return { ok: true, label };
  }
  let ascii = label;
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(label)) {
    ascii = domainToASCII(label);
    if (ascii === '' || ascii.includes('.')) {
      return {
        ok: false,
        code: 'IDENT_SYNTAX_BAD_IDN',
        message: `"${input}": label "${label}" is not a valid internationalised label (UTS #46)`,
      };
    }
  }
  if (ascii.length > MAX_LABEL_LENGTH) {
    return {
      ok: false,
      code: 'IDENT_SYNTAX_LABEL_TOO_LONG',
      message: `"${input}": label "${ascii}" is ${ascii.length} characters, more than ${MAX_LABEL_LENGTH}`,
    };
  }
  if (!LDH.test(ascii)) {
    return {
      ok: false,
      code: 'IDENT_SYNTAX_INVALID_CHARACTER',
      message: `"${input}": label "${ascii}" may contain only letters, digits and hyphens`,
    };
  }
  if (ascii.startsWith('-') || ascii.endsWith('-')) {
    return {
      ok: false,
      code: 'IDENT_SYNTAX_INVALID_CHARACTER',
      message: `"${input}": label "${ascii}" starts or ends with a hyphen`,
    };
  }
  if (ascii.slice(2, 4) === '--') {
    if (!ascii.startsWith('xn--')) {
      return {
        ok: false,
        code: 'IDENT_SYNTAX_RESERVED_LDH',
        message: `"${input}": label "${ascii}" has "--" in positions 3-4 but is not an xn-- A-label`,
      };
    }
    const unicode = domainToUnicode(ascii);
    if (unicode === '' || unicode === ascii || domainToASCII(unicode) !== ascii) {
      return {
        ok: false,
        code: 'IDENT_SYNTAX_BAD_IDN',
        message: `"${input}": label "${ascii}" is not valid punycode`,
      };
    }
  }
  return { ok: true, label: ascii };
}

/** Normalises what the user typed into the identifier the CA would see. Errors are usage errors (exit 2). */
export function parseIdentifier(input: string): ParseResult {
  const trimmed = input.trim();
  let raw = trimmed.toLowerCase().replace(IDEOGRAPHIC_DOTS, '.');
  const asWritten: AsWritten[] = [];
  // The CA lower-cases identifiers itself (Boulder wfe2 NewOrder: identifier.Normalize).
  // eslint-disable-next-line no-control-regex
  if (raw !== trimmed.toLowerCase() || /[^\x00-\x7f]/.test(input)) asWritten.push('unicode');
  if (trimmed !== trimmed.toLowerCase()) asWritten.push('uppercase');
  if (raw.endsWith('.')) {
    raw = raw.slice(0, -1);
    asWritten.push('trailing-dot');
  }
  if (raw === '') return fail('IDENT_SYNTAX_EMPTY', 'empty name');
  const hostPort = (raw.split(':').length === 2 && /:[0-9]+$/.test(raw)) || /\]:[0-9]+$/.test(raw);
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(raw) || hostPort) {
    return fail(
      'IDENT_SYNTAX_INVALID_CHARACTER',
      `"${input}" is a URL or has a port; give the host name only`,
    );
  }
  const ip = parseIp(raw, input);
  if (ip) {
    if (ip.ok && asWritten.includes('trailing-dot'))
      return fail('IDENT_SYNTAX_BAD_IP', `"${input}" is not a valid IP address`);
    return ip;
  }
  const labels: string[] = [];
  let idn = false;
  for (const label of raw.split('.')) {
    const r = toALabel(label, input);
    if (!r.ok) return fail(r.code, r.message);
    if (r.label !== label || r.label.startsWith('xn--')) idn = true;
    labels.push(r.label);
  }
  const value = labels.join('.');
  if (value.length > MAX_NAME_LENGTH) {
    return fail(
      'IDENT_SYNTAX_TOO_LONG',
      `"${input}" is ${value.length} characters, more than ${MAX_NAME_LENGTH}`,
    );
  }
  const wildcard = isWildcard(value);
  const identifier: Identifier = {
    input,
    type: 'dns',
    value,
    base: baseName(value),
    wildcard,
  };
  if (idn) identifier.unicode = labels.map((l) => (l.includes('*') ? l : domainToUnicode(l))).join('.');
  if (asWritten.length > 0) identifier.asWritten = asWritten;
  return { ok: true, identifier };
}

export interface IdentifierPolicy {
  /** Identifiers per order; defaults to MAX_NAMES_PER_ORDER. */
  maxNames?: number;
  /** Extra names treated as ICANN public suffixes (labs: the profile's extraPublicSuffixes). */
  extraPublicSuffixes?: readonly string[];
  /** Reserved ranges treated as public (labs: the profile's allowAddresses). */
  allowAddresses?: readonly string[];
}

const policyEvidence = (answer: string, value: string): Evidence[] => [
  { source: 'local policy', query: `policy ${value}`, answer },
];

/** Boulder prefixes each refused identifier so. */
const cannotIssue = (value: string, why: string): string => `Cannot issue for "${value}": ${why}`;

/** Boulder policy/pa.go error texts, in the order ValidDomain checks them. */
const PA = {
  tooManyWildcards: 'Domain name has more than one wildcard',
  malformedWildcard:
    'Domain name contains an invalid wildcard. A wildcard is only permitted before the first dot in a domain name',
  nonPublic: 'Domain name does not end with a valid public suffix (TLD)',
  icannTld: 'Domain name is an ICANN TLD',
  icannTldWildcard: 'Domain name is a wildcard for an ICANN TLD',
  tooManyLabels: 'Domain name has more than 10 labels (parts)',
  tooFewLabels: 'Domain name needs at least one dot',
  endsInDot: 'Domain name ends in a dot',
  invalidCharacter: 'Domain name contains an invalid character',
  ipInvalid: 'IP address is invalid',
} as const;

/** The first rule of Boulder's ValidDomain the name breaks (the CA reports one per name). */
function dnsPolicy(id: Identifier, challenge: Challenge, policy: IdentifierPolicy): Finding[] {
  const out: Finding[] = [];
  const v = id.value;
  const base = id.base;
  const labels = base.split('.');
  const extra = policy.extraPublicSuffixes ?? [];
  const refused = (): Finding | undefined => {
    if (base.includes('*')) {
      const many = (v.match(/\*/g)?.length ?? 0) > 1;
      return finding('IDENT_WILDCARD_MALFORMED', v, {
        detail: `"${v}" has a wildcard that is not the whole leftmost label.`,
        evidence: policyEvidence(`wildcard must be exactly "${WILDCARD_PREFIX}" at the start`, v),
        remediation: `Use "*.${base
          .split('.')
          .filter((l) => !l.includes('*'))
          .join('.')}" (a wildcard covers exactly one label) or list the names explicitly.`,
        caMessage: cannotIssue(v, many ? PA.tooManyWildcards : PA.malformedWildcard),
      });
    }
    const suffix = publicSuffixOf(base, extra);
    const notPublic = (): Finding =>
      finding('IDENT_NOT_PUBLIC_SUFFIX', v, {
        detail: `"${base}" does not end in a suffix of the ICANN section of the Public Suffix List ("${labels[labels.length - 1]}" is not one).`,
        evidence: policyEvidence(`no ICANN public suffix (${PSL_SOURCE})`, v),
        remediation:
          'Publicly trusted CAs issue only for names under a public TLD; use a registered domain, or a private CA for internal names.',
        caMessage: cannotIssue(v, PA.nonPublic),
      });
    const isSuffix = (): Finding =>
      finding('IDENT_IS_PUBLIC_SUFFIX', v, {
        detail: `"${base}" is itself a public suffix (ICANN section of the Public Suffix List).`,
        evidence: policyEvidence(`public suffix: ${suffix}`, v),
        remediation: `Ask for a name registered under "${base}", e.g. "example.${base}".`,
        caMessage: cannotIssue(v, id.wildcard ? PA.icannTldWildcard : PA.icannTld),
      });
    // ValidDomain checks a wildcard's base suffix before the rest.
    if (id.wildcard) {
      if (!suffix) return notPublic();
      if (suffix === base) return isSuffix();
    }
    if (labels.length > MAX_LABELS) {
      return finding('IDENT_TOO_MANY_LABELS', v, {
        detail: `"${base}" has ${labels.length} labels; the CA allows at most ${MAX_LABELS}.`,
        evidence: policyEvidence(`${labels.length} labels`, v),
        remediation: `Use a name with at most ${MAX_LABELS} labels.`,
        caMessage: cannotIssue(v, PA.tooManyLabels),
      });
    }
    if (labels.length < 2) {
      return finding('IDENT_TOO_FEW_LABELS', v, {
        detail: `"${base}" is a single label; the CA needs a name with at least one dot, under a public suffix.`,
        evidence: policyEvidence('1 label', v),
        remediation: `Use the fully qualified name, e.g. "${base}.example.com", or a private CA for internal names.`,
        caMessage: cannotIssue(v, PA.tooFewLabels),
      });
    }
    if (!suffix) return notPublic();
    if (suffix === base) return isSuffix();
    return undefined;
  };
  const f = refused();
  if (f) out.push(f);
  // Boulder policy/pa.go ChallengeTypesFor: a wildcard gets dns-01, dns-account-01 and dns-persist-01.
  if (id.wildcard && !isDnsChallenge(challenge)) {
    out.push(
      finding('IDENT_WILDCARD_NEEDS_DNS01', v, {
        detail: `"${v}" is a wildcard and ${challenge} was requested; the CA offers only dns-01, dns-account-01 and dns-persist-01 for wildcard authorizations.`,
        evidence: policyEvidence(`wildcard with ${challenge}`, v),
        remediation: `Validate "${v}" with dns-01 (a TXT record at ${acmeChallengeName(base)}), or request "${base}" and each subdomain explicitly.`,
      }),
    );
  }
  return out;
}

function ipPolicy(id: Identifier, challenge: Challenge, policy: IdentifierPolicy): Finding[] {
  const out: Finding[] = [];
  const range = caReservedRange(id.value, { allow: policy.allowAddresses ?? [] });
  const ca = range ? caReservedBlock(id.value) : undefined;
  if (range && ca) {
    out.push(
      finding('IDENT_IP_RESERVED', id.value, {
        detail: `${id.value} is in the reserved range ${range} (${ca.name}, ${ca.rfc}).`,
        evidence: policyEvidence(`reserved range ${range}`, id.value),
        remediation:
          'Use a publicly routable address; the CA issues only for addresses it could reach on the internet.',
        caMessage: cannotIssue(id.value, ca.message),
      }),
    );
  } else {
    const own = projectRefusal(id.value);
    if (own && !isDnsChallenge(challenge)) {
      out.push(
        finding('IDENT_IP_NOT_PROBED', id.value, {
          detail: `${own.message}. The CA accepts this identifier, but acme-preflight does not connect to it (README "Deliberate differences from the CA").`,
          evidence: policyEvidence(`refused by acme-preflight: ${own.block}`, id.value),
          remediation: `Use the address the server is reached at on the internet; an IPv6 form of an internal IPv4 address cannot be validated from outside.`,
        }),
      );
    }
  }
  if (isDnsChallenge(challenge)) {
    out.push(
      finding('IDENT_IP_NEEDS_HTTP_OR_TLS', id.value, {
        detail: `${id.value} is an IP address identifier and ${challenge} was requested; the CA offers only http-01 and tls-alpn-01 for IP addresses.`,
        evidence: policyEvidence(`IP identifier with ${challenge}`, id.value),
        remediation: `Validate ${id.value} with http-01 (port 80) or tls-alpn-01 (port 443).`,
      }),
    );
  }
  return out;
}

const AS_WRITTEN_TEXT: Record<AsWritten, string> = {
  uppercase: 'has upper-case letters',
  'trailing-dot': 'ends in a dot',
  unicode: 'is in Unicode (or uses an ideographic full stop)',
  'ip-text': 'is not the canonical text of the address',
  'ip-brackets': 'is in brackets',
};

/** What the CA says about the identifier exactly as typed (Boulder policy/pa.go, after lower-casing). */
function asWrittenCaMessage(id: Identifier): string | undefined {
  const exact = caIdentifierError(id.type, id.input.trim());
  if (exact) return exact;
  const w = id.asWritten ?? [];
  if (w.every((x) => x === 'uppercase')) return undefined;
  if (id.type === 'ip') return w.includes('ip-text') || w.includes('ip-brackets') ? PA.ipInvalid : undefined;
  if (w.includes('unicode')) return PA.invalidCharacter;
  if (w.includes('trailing-dot')) return PA.endsInDot;
  return undefined;
}

/** Input normalised for the check but refused (or rewritten) by the CA as typed. */
function asWrittenFindings(id: Identifier): Finding[] {
  const w = id.asWritten;
  if (!w || w.length === 0) return [];
  const caMessage = asWrittenCaMessage(id);
  const what = w.map((x) => AS_WRITTEN_TEXT[x]).join(', ');
  const send = `Send exactly "${id.value}" in the order and the CSR${id.unicode ? ` (the A-label form of "${id.unicode}")` : ''}.`;
  const evidence = policyEvidence(
    `typed ${JSON.stringify(id.input)}; the CA accepts ${JSON.stringify(id.value)}`,
    id.value,
  );
  if (!caMessage) {
    // Upper case only: Boulder's WFE lower-cases identifiers before its policy checks.
    return [
      finding('IDENT_INPUT_NOT_CANONICAL', id.value, {
        severity: 'info',
        detail: `"${id.input}" ${what}; the CA lower-cases identifiers itself (Boulder wfe2 NewOrder), so it is checked as "${id.value}".`,
        evidence,
        remediation: send,
      }),
    ];
  }
  return [
    finding('IDENT_INPUT_NOT_CANONICAL', id.value, {
      detail: `"${id.input}" ${what}; the CA refuses it as written. It was checked as "${id.value}".`,
      evidence,
      remediation: send,
      caMessage: cannotIssue(id.input.trim().toLowerCase(), caMessage),
    }),
  ];
}

/** Findings about the order as a whole carry this identifier. */
export const ORDER_IDENTIFIER = '(order)';

/** The CA's identifier policy as findings (Boulder policy/pa.go WillingToIssue and the order checks). */
export function identifierPolicyFindings(
  ids: Identifier[],
  challenge: Challenge,
  policy: IdentifierPolicy = {},
): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  const unique: Identifier[] = [];
  for (const id of ids) {
    if (seen.has(id.value)) {
      out.push(
        finding('IDENT_DUPLICATE', id.value, {
          detail: `"${id.value}" was given more than once${id.input !== id.value ? ` (as "${id.input}")` : ''}; it is checked once.`,
          evidence: policyEvidence('duplicate', id.value),
          remediation: `Remove the repeated "${id.value}".`,
        }),
      );
      continue;
    }
    seen.add(id.value);
    unique.push(id);
  }
  const maxNames = policy.maxNames ?? MAX_NAMES_PER_ORDER;
  if (unique.length > maxNames) {
    const first = ORDER_IDENTIFIER;
    out.push(
      finding('IDENT_TOO_MANY_NAMES', first, {
        detail: `${unique.length} distinct names were given; one order may hold at most ${maxNames}.`,
        evidence: policyEvidence(`${unique.length} names`, first),
        remediation: `Split the names into orders of at most ${maxNames} (e.g. ${Math.ceil(unique.length / maxNames)} certificates), or use a wildcard.`,
        caMessage: `Order cannot contain more than ${maxNames} identifiers`,
      }),
    );
  }
  for (const id of unique) {
    out.push(...asWrittenFindings(id));
    out.push(...(id.type === 'ip' ? ipPolicy(id, challenge, policy) : dnsPolicy(id, challenge, policy)));
  }
  return out;
}
