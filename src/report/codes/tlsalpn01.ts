import type { CodeInfo } from './types.js';

export const TLSALPN01_CODES = [
  {
    code: 'TLSALPN01_READY',
    severity: 'info',
    title: 'Server negotiates acme-tls/1',
    description: 'The TLS port negotiated ALPN "acme-tls/1" for this name.',
  },
  {
    code: 'TLSALPN01_VALID',
    severity: 'info',
    title: 'TLS-ALPN-01 challenge certificate is correct',
    description: 'The self-signed challenge certificate carries the name and the expected acmeIdentifier.',
  },
  {
    code: 'TLSALPN01_NO_ALPN',
    severity: 'error',
    title: 'acme-tls/1 is not negotiated',
    acmeProblem: 'unauthorized',
    description:
      'The server does not negotiate ALPN "acme-tls/1" for this name: no TLS-ALPN-01 responder (e.g. a proxy terminates TLS).',
  },
  {
    code: 'TLSALPN01_HTTP_ONLY',
    severity: 'error',
    title: 'The TLS port speaks plain HTTP',
    acmeProblem: 'malformed',
    description: 'The CA reports "Server only speaks HTTP, not TLS".',
  },
  {
    code: 'TLSALPN01_CONNECTION',
    severity: 'error',
    title: 'TLS port unreachable',
    acmeProblem: 'connection',
    description: 'Port 443 refused, timed out or reset the connection.',
  },
  {
    code: 'TLSALPN01_TLS_ERROR',
    severity: 'error',
    title: 'TLS handshake failed',
    acmeProblem: 'tls',
    description: 'The handshake failed (no TLS 1.2+, no certificate for this SNI, alert).',
  },
  {
    code: 'TLSALPN01_BAD_CERTIFICATE',
    severity: 'error',
    title: 'Challenge certificate is wrong',
    acmeProblem: 'unauthorized',
    description:
      'RFC 8737 §3: the certificate must be self-signed, carry exactly one dNSName SAN equal to the name and a critical acmeIdentifier with SHA-256 of the key authorization.',
  },
  {
    code: 'TLSALPN01_NO_ADDRESSES',
    severity: 'error',
    title: 'No usable address for TLS-ALPN-01',
    acmeProblem: 'dns',
    description: 'The name has no A/AAAA record the CA would connect to.',
  },
] as const satisfies readonly CodeInfo[];
