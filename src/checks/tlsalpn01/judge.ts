/** TLS-ALPN-01 judgement (RFC 8737; Boulder va/tlsalpn.go): evidence in, findings out. Pure. */
import type { Evidence, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import type { TlsHandshakeResult } from '../../http/tls.js';
import { ACME_TLS_ALPN } from '../../http/constants.js';
import { challengeCertProblems } from './challenge-cert.js';
import type { TlsAlpnEvidence } from './gather.js';
import { baseName } from '../../identifiers.js';

const evidenceOf = (h: TlsHandshakeResult, name: string): Evidence => ({
  source: `${h.address.includes(':') ? `[${h.address}]` : h.address}:${h.port}`,
  query: `TLS ClientHello SNI ${name} ALPN ${ACME_TLS_ALPN}`,
  answer:
    h.outcome === 'ok'
      ? `${h.protocol ?? ''} ALPN ${h.alpn || 'none'}`
      : `${h.outcome}${h.error ? `: ${h.error}` : ''}`,
  address: h.address,
  rttMs: h.totalMs,
});

export function judgeTlsAlpn01(ev: TlsAlpnEvidence): Finding[] {
  const id = ev.identifier;
  const name = baseName(id);
  if (ev.noAddresses) {
    return [
      finding('TLSALPN01_NO_ADDRESSES', id, {
        detail: ev.noAddresses,
        evidence: [{ source: 'local', query: `A/AAAA ${name}`, answer: ev.noAddresses }],
        remediation: `Publish an A/AAAA record for ${name} pointing at the server that answers TLS-ALPN-01.`,
        caMessage: ev.noAddresses,
      }),
    ];
  }
  const last = ev.attempts[ev.attempts.length - 1]!;
  const evidence = ev.attempts.map((h) => evidenceOf(h, name));
  const where = `${last.address}: ${name}`;
  const alpnAlert =
    last.outcome === 'tls-error' &&
    /no.application.protocol/i.test(`${last.errorCode ?? ''} ${last.error ?? ''}`);
  const failed = transportFailure(id, last, evidence, where, alpnAlert);
  if (failed) return [failed];
  if (last.alpn !== ACME_TLS_ALPN) {
    const pending = ev.expected !== undefined;
    return [
      finding('TLSALPN01_NO_ALPN', id, {
        ...(pending ? {} : { severity: 'warning' as const }),
        detail: `${last.address} ${alpnAlert ? '' : `completed ${last.protocol ?? 'TLS'} but `}${alpnAlert ? `refused ALPN ${ACME_TLS_ALPN} (alert no_application_protocol)` : `negotiated ${last.alpn ? `ALPN ${last.alpn}` : 'no ALPN protocol'}`}${pending ? '' : ' (no challenge was pending; responders such as Caddy only answer acme-tls/1 during validation)'}.`,
        evidence,
        caMessage: `${where}: Cannot negotiate ALPN protocol "${ACME_TLS_ALPN}" for ${ACME_TLS_ALPN} challenge`,
        remediation:
          'Terminate TLS on this host with an ACME client that answers TLS-ALPN-01 (a TCP-level proxy may pass it through; an HTTP/TLS-terminating CDN cannot), or use HTTP-01/DNS-01.',
      }),
    ];
  }
  if (ev.expected === undefined) {
    return [
      finding('TLSALPN01_READY', id, {
        detail: `${last.address} negotiated ALPN ${ACME_TLS_ALPN} for ${name}.`,
        evidence,
        remediation: 'None needed.',
      }),
    ];
  }
  const problems = challengeCertProblems(last.chain, name, ev.expected);
  if (problems.length > 0) {
    return [
      finding('TLSALPN01_BAD_CERTIFICATE', id, {
        detail: problems.join('; '),
        evidence,
        caMessage: `${where}: Incorrect validation certificate for ${ACME_TLS_ALPN} challenge`,
        remediation:
          'Serve the challenge certificate generated for this exact key authorization (self-signed, one dNSName SAN, critical acmeIdentifier).',
      }),
    ];
  }
  return [
    finding('TLSALPN01_VALID', id, {
      detail: `${last.address} served a correct ${ACME_TLS_ALPN} challenge certificate for ${name}.`,
      evidence,
      remediation: 'None needed.',
    }),
  ];
}

/** A handshake that never got as far as ALPN: plain HTTP, no connection, or a TLS error. */
function transportFailure(
  id: string,
  last: TlsHandshakeResult,
  evidence: Evidence[],
  where: string,
  alpnAlert: boolean,
): Finding | undefined {
  if (last.outcome === 'http-on-tls') {
    return finding('TLSALPN01_HTTP_ONLY', id, {
      detail: `${last.address} port ${last.port} answers plain HTTP.`,
      evidence,
      caMessage: `${where}: Server only speaks HTTP, not TLS`,
      remediation:
        'Serve TLS on port 443 with a TLS-ALPN-01 capable server (Caddy, Traefik, lego/certbot standalone in tls-alpn mode), or use HTTP-01.',
    });
  }
  if (
    ['refused', 'connect-timeout', 'unreachable', 'handshake-timeout', 'reset', 'reserved'].includes(
      last.outcome,
    )
  ) {
    return finding('TLSALPN01_CONNECTION', id, {
      detail: `${last.address} port ${last.port}: ${last.outcome}${last.error ? ` (${last.error})` : ''}.`,
      evidence,
      caMessage: `${where}: Connection problem: ${last.error ?? last.outcome}`,
      remediation: 'Allow tcp/443 from anywhere to this address and run the TLS-ALPN-01 responder on it.',
    });
  }
  if (last.outcome === 'tls-error' && !alpnAlert) {
    return finding('TLSALPN01_TLS_ERROR', id, {
      detail: `Handshake with ${last.address} failed: ${last.error ?? ''}.`,
      evidence,
      caMessage: `${where}: TLS error: ${last.error ?? ''}`,
      remediation:
        'Offer TLS 1.2+ and answer the SNI of this name with the acme-tls/1 challenge certificate.',
    });
  }
  return undefined;
}
