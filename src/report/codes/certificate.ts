import type { CodeInfo } from './types.js';

export const CERTIFICATE_CODES = [
  {
    code: 'CERT_OK',
    severity: 'info',
    title: 'Current certificate is valid',
    description: 'The certificate served on the TLS port is trusted, covers the name and is not near expiry.',
  },
  {
    code: 'CERT_EXPIRED',
    severity: 'warning',
    title: 'Served certificate has expired',
    description: 'The certificate on the TLS port is past its notAfter date.',
  },
  {
    code: 'CERT_EXPIRING',
    severity: 'warning',
    title: 'Served certificate expires soon',
    description: 'The certificate on the TLS port expires within the warning window; renewal may be failing.',
  },
  {
    code: 'CERT_NAME_MISMATCH',
    severity: 'warning',
    title: 'Served certificate does not cover the name',
    description: 'No SAN of the served certificate matches the name (SNI may be routed to a default site).',
  },
  {
    code: 'CERT_CHAIN_INCOMPLETE',
    severity: 'warning',
    title: 'Certificate chain is incomplete',
    description:
      'The server does not send the intermediate certificate(s); some clients will fail to verify.',
  },
  {
    code: 'CERT_SELF_SIGNED',
    severity: 'warning',
    title: 'Served certificate is self-signed',
    description: 'The leaf signs itself; browsers reject it.',
  },
  {
    code: 'CERT_UNTRUSTED',
    severity: 'warning',
    title: 'Certificate chain ends at an untrusted root',
    description: 'The chain does not lead to a root in the trust store.',
  },
  {
    code: 'CERT_LEGACY_TLS_ONLY',
    severity: 'warning',
    title: 'Only TLS 1.0/1.1 is offered',
    description:
      'The server refuses TLS 1.2+; the CA (after an https redirect) and modern clients refuse it.',
  },
  {
    code: 'CERT_DIFFERS_BY_ADDRESS',
    severity: 'warning',
    title: 'Different certificates at different addresses',
    description: 'The addresses of the name serve different certificates: some servers were not updated.',
  },
  {
    code: 'CERT_HTTP_ON_TLS_PORT',
    severity: 'warning',
    title: 'The TLS port speaks plain HTTP',
    description: 'Port 443 answers plain HTTP instead of TLS.',
  },
  {
    code: 'CERT_TLS_UNREACHABLE',
    severity: 'info',
    title: 'TLS port not reachable',
    description: 'The TLS handshake could not complete at this address.',
  },
] as const satisfies readonly CodeInfo[];
