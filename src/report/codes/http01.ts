import type { CodeInfo } from './types.js';

export const HTTP01_CODES = [
  {
    code: 'HTTP01_OK',
    severity: 'info',
    title: 'HTTP-01 challenge path is reachable',
    description:
      "The CA's fetch reached the server and the challenge path behaves as a webroot or served the expected key authorization.",
  },
  {
    code: 'HTTP01_WILDCARD',
    severity: 'error',
    title: 'HTTP-01 cannot validate a wildcard name',
    acmeProblem: 'unauthorized',
    description: 'RFC 8555 §8.3: HTTP-01 is never offered for wildcard identifiers; use DNS-01.',
  },
  {
    code: 'HTTP01_NO_ADDRESSES',
    severity: 'error',
    title: 'No usable address for HTTP-01',
    acmeProblem: 'dns',
    description: 'The name (or a redirect target) has no A/AAAA record the CA would connect to.',
  },
  {
    code: 'HTTP01_CONNECTION_REFUSED',
    severity: 'error',
    title: 'Port 80 refuses connections',
    acmeProblem: 'connection',
    description:
      'Nothing listens on port 80 at the address the CA uses, or a firewall rejects the connection.',
  },
  {
    code: 'HTTP01_CONNECT_TIMEOUT',
    severity: 'error',
    title: 'Port 80 connection times out',
    acmeProblem: 'connection',
    description: 'Connection attempts to port 80 get no answer: a firewall drops them or the host is down.',
  },
  {
    code: 'HTTP01_READ_TIMEOUT',
    severity: 'error',
    title: 'Server accepts but does not answer in time',
    acmeProblem: 'connection',
    description: "The TCP connection opened but no complete response arrived within the CA's time limit.",
  },
  {
    code: 'HTTP01_CONNECTION_ERROR',
    severity: 'error',
    title: 'HTTP-01 connection failed',
    acmeProblem: 'connection',
    description:
      'The connection was reset, the response was not HTTP, or its headers were unreasonably large.',
  },
  {
    code: 'HTTP01_BAD_STATUS',
    severity: 'error',
    title: 'Challenge path returns a non-200 status',
    acmeProblem: 'unauthorized',
    description: 'Only a final 200 passes; the CA reports "Invalid response from <url>: <status>".',
  },
  {
    code: 'HTTP01_WAF_BLOCK',
    severity: 'error',
    title: 'A WAF or bot protection blocks the challenge path',
    acmeProblem: 'unauthorized',
    description: "A 403, 429 or 503 (often with CDN/WAF headers) would block the CA's validation request.",
  },
  {
    code: 'HTTP01_CATCH_ALL',
    severity: 'error',
    title: 'A catch-all page answers the challenge path',
    acmeProblem: 'unauthorized',
    description:
      'A random token returned 200 with a page: a SPA/CMS/rewrite rule swallows /.well-known/acme-challenge/ so the real token file would not be served.',
  },
  {
    code: 'HTTP01_WRONG_BODY',
    severity: 'error',
    title: 'Challenge response does not match the key authorization',
    acmeProblem: 'unauthorized',
    description: 'The body (trailing whitespace trimmed) differs from the expected key authorization.',
  },
  {
    code: 'HTTP01_BODY_TOO_LARGE',
    severity: 'error',
    title: 'Challenge response body is 128 bytes or more',
    acmeProblem: 'unauthorized',
    description: 'The CA reads at most 128 bytes; a body that long is rejected.',
  },
  {
    code: 'HTTP01_STATELESS_RESPONDER',
    severity: 'info',
    title: 'Server answers challenges statelessly',
    description:
      'A random token returned "<token>.<thumbprint>": a stateless responder is configured; make sure the thumbprint is your account\'s.',
  },
  {
    code: 'HTTP01_REDIRECT_INVALID',
    severity: 'error',
    title: 'A redirect breaks a CA rule',
    acmeProblem: 'connection',
    description:
      'The redirect chain violates a rule of Boulder va/http.go (status, count, loop, scheme, port, host, public suffix, reserved IP, path length).',
  },
  {
    code: 'HTTP01_REDIRECT_HTTPS_NOT_TLS',
    severity: 'error',
    title: 'Redirect to https reaches a server speaking plain HTTP',
    acmeProblem: 'malformed',
    description: 'The https redirect target answers plain HTTP on the TLS port.',
  },
  {
    code: 'HTTP01_REDIRECT_TLS_ERROR',
    severity: 'error',
    title: 'Redirect to https fails the TLS handshake',
    acmeProblem: 'tls',
    description:
      'The CA does not verify the certificate after a redirect, but needs TLS 1.2 or later and a working handshake.',
  },
  {
    code: 'HTTP01_REDIRECTS_FOLLOWED',
    severity: 'info',
    title: 'The challenge request is redirected',
    description: 'The CA follows these redirects; each hop is re-resolved and re-checked.',
  },
  {
    code: 'HTTP01_CDN_DETECTED',
    severity: 'info',
    title: 'A CDN or reverse proxy answers for this name',
    description:
      'The CA talks to the CDN, not the origin: the CDN must pass /.well-known/acme-challenge/ to the origin unmodified (or manage the certificate itself).',
  },
  {
    code: 'HTTP01_ADDRESSES_DIFFER',
    severity: 'warning',
    title: 'Addresses of this name behave differently',
    description:
      'The CA uses only the first address of a family; the others answer differently, so validation depends on DNS order and which server is listed first.',
  },
  {
    code: 'HTTP01_IPV6_BROKEN',
    severity: 'warning',
    title: 'IPv6 fails while IPv4 works',
    description:
      'The CA tries IPv6 first and falls back to IPv4 only on a connect failure; other IPv6 failures are fatal.',
  },
  {
    code: 'HTTP01_PORT80_FILTERED',
    severity: 'info',
    title: 'Port 443 answers while port 80 does not',
    description: 'The host is up (TLS port reachable) but port 80 is filtered or closed.',
  },
  {
    code: 'HTTP01_ROUTER_ANSWERING',
    severity: 'warning',
    title: 'A router or NAS answers port 80',
    description:
      "Port 80 is answered by a home router's, modem's or NAS's admin interface (its Server header, login realm or page title), so the port forward to the web server is missing.",
  },
] as const satisfies readonly CodeInfo[];
