import type { CodeInfo } from './types.js';

/**
 * Identifier syntax and CA policy (Boulder policy/pa.go). The IDENT_SYNTAX_* codes are what
 * parseIdentifier() returns for input the CLI refuses (exit 2); the rest are findings.
 */
export const IDENTIFIERS_CODES = [
  {
    code: 'IDENT_SYNTAX_EMPTY',
    severity: 'error',
    title: 'Empty name',
    acmeProblem: 'rejectedIdentifier',
    description: 'The name is empty after trimming spaces and one trailing dot.',
  },
  {
    code: 'IDENT_SYNTAX_TOO_LONG',
    severity: 'error',
    title: 'Name longer than 253 characters',
    acmeProblem: 'rejectedIdentifier',
    description:
      'A DNS name is at most 253 characters in presentation form (RFC 1035 §2.3.4; Boulder maxDNSIdentifierLength).',
  },
  {
    code: 'IDENT_SYNTAX_LABEL_TOO_LONG',
    severity: 'error',
    title: 'Label longer than 63 characters',
    acmeProblem: 'rejectedIdentifier',
    description:
      'Each label (the part between dots) is at most 63 characters (RFC 1035 §2.3.4; Boulder maxLabelLength).',
  },
  {
    code: 'IDENT_SYNTAX_EMPTY_LABEL',
    severity: 'error',
    title: 'Empty label',
    acmeProblem: 'rejectedIdentifier',
    description: 'The name has two dots in a row or starts with a dot.',
  },
  {
    code: 'IDENT_SYNTAX_INVALID_CHARACTER',
    severity: 'error',
    title: 'Invalid character in name',
    acmeProblem: 'rejectedIdentifier',
    description:
      'Labels may contain only letters, digits and hyphens (underscores and spaces are refused), and may not start or end with a hyphen.',
  },
  {
    code: 'IDENT_SYNTAX_BAD_IDN',
    severity: 'error',
    title: 'Malformed internationalised name',
    acmeProblem: 'rejectedIdentifier',
    description:
      'A Unicode label cannot be converted to an A-label under UTS #46, or an xn-- label is not valid punycode (it must decode and re-encode to itself).',
  },
  {
    code: 'IDENT_SYNTAX_RESERVED_LDH',
    severity: 'error',
    title: 'Label in a reserved format (??--)',
    acmeProblem: 'rejectedIdentifier',
    description:
      'A label with hyphens in positions 3 and 4 is reserved (RFC 5890 §2.3.1) unless it is a valid xn-- A-label.',
  },
  {
    code: 'IDENT_SYNTAX_BAD_IP',
    severity: 'error',
    title: 'Malformed IP address',
    acmeProblem: 'rejectedIdentifier',
    description: 'The value looks like an IP address literal but does not parse as one.',
  },
  {
    code: 'IDENT_NOT_PUBLIC_SUFFIX',
    severity: 'error',
    title: 'Name does not end in a public suffix',
    acmeProblem: 'rejectedIdentifier',
    description:
      'The name is not under a suffix of the ICANN section of the Public Suffix List (e.g. .local, .internal, .invalid); the CA refuses it.',
  },
  {
    code: 'IDENT_IS_PUBLIC_SUFFIX',
    severity: 'error',
    title: 'Name is itself a public suffix',
    acmeProblem: 'rejectedIdentifier',
    description:
      'The name (or the base of a wildcard) is an ICANN public suffix such as com or co.uk; the CA refuses it.',
  },
  {
    code: 'IDENT_TOO_MANY_LABELS',
    severity: 'error',
    title: 'More than 10 labels',
    acmeProblem: 'rejectedIdentifier',
    description: 'The CA refuses names with more than 10 labels (Boulder policy/pa.go maxLabels).',
  },
  {
    code: 'IDENT_TOO_FEW_LABELS',
    severity: 'error',
    title: 'Name has no dot',
    acmeProblem: 'rejectedIdentifier',
    description: 'A single-label name cannot be issued for ("Domain name needs at least one dot").',
  },
  {
    code: 'IDENT_INPUT_NOT_CANONICAL',
    severity: 'warning',
    title: 'The CA refuses this identifier as written',
    acmeProblem: 'rejectedIdentifier',
    description:
      'The name was typed with a trailing dot, in Unicode, or (for an IP address) in brackets or non-canonical text; it is checked in the form the CA accepts, and the finding says exactly what the client must send. Upper case alone is info: the CA lower-cases identifiers itself.',
  },
  {
    code: 'IDENT_IP_NOT_PROBED',
    severity: 'warning',
    title: 'acme-preflight does not connect to this IP identifier',
    description:
      'The address is multicast, IPv4-compatible (::/96) or an IPv6 form of a reserved IPv4 address. The CA accepts the identifier, but the tool never connects to such addresses (a deliberate difference), so the challenge is not probed.',
  },
  {
    code: 'IDENT_WILDCARD_MALFORMED',
    severity: 'error',
    title: 'Wildcard not the whole leftmost label',
    acmeProblem: 'rejectedIdentifier',
    description:
      'A wildcard is allowed only as the entire leftmost label (*.example.com), once; foo*.example.com and *.*.example.com are refused.',
  },
  {
    code: 'IDENT_WILDCARD_NEEDS_DNS01',
    severity: 'error',
    title: 'Wildcard names can only be validated with a DNS challenge',
    description:
      'For a wildcard authorization the CA offers only dns-01, dns-account-01 and dns-persist-01 (RFC 8555 §7.1.3; Boulder policy/pa.go), so http-01 and tls-alpn-01 cannot be used.',
  },
  {
    code: 'IDENT_IP_NEEDS_HTTP_OR_TLS',
    severity: 'error',
    title: 'IP identifiers cannot use a DNS challenge',
    description:
      'For an IP address identifier the CA offers only http-01 and tls-alpn-01 (RFC 8738 §7); dns-01, dns-account-01 and dns-persist-01 need a DNS name.',
  },
  {
    code: 'IDENT_IP_RESERVED',
    severity: 'error',
    title: 'IP identifier in a reserved range',
    acmeProblem: 'rejectedIdentifier',
    description:
      'The CA refuses IP identifiers in the IANA special-purpose registries (Boulder iana/ip.go; "IP address is in a reserved address block: <RFC>: <name>").',
  },
  {
    code: 'IDENT_TOO_MANY_NAMES',
    severity: 'error',
    title: 'More than 100 names in one order',
    acmeProblem: 'malformed',
    description:
      'Let\'s Encrypt accepts at most 100 identifiers per order (Boulder maxNames; "Order cannot contain more than 100 identifiers").',
  },
  {
    code: 'IDENT_DUPLICATE',
    severity: 'info',
    title: 'Duplicate name',
    description: 'The same name was given more than once; the CA deduplicates it, so it is checked once.',
  },
] as const satisfies readonly CodeInfo[];
