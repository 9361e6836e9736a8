/** TLS-ALPN-01 readiness (RFC 8737; Boulder va/tlsalpn.go): evidence gathering and pure judgement. */
import { createHash, X509Certificate } from 'node:crypto';
import net from 'node:net';
import type { NetworkProfile } from '../../profile.js';
import type { Evidence, Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import { addressesOfHost, type ResolveAddresses } from '../../http/fetch.js';
import { reservedRange } from '../../net/reserved.js';
import { tlsHandshake, type TlsHandshakeResult } from '../../http/tls.js';
import { ACME_TLS_ALPN } from '../../http/constants.js';
import { caNoAddresses } from '../../report/ca-messages.js';

export interface TlsAlpnEvidence {
  identifier: string;
  /** In CA order: the first IPv6 address, then the first IPv4 address after any error. */
  attempts: TlsHandshakeResult[];
  noAddresses?: string;
  /** The key authorization of a pending challenge, when known. */
  expected?: string;
}

export async function probeTlsAlpn01(
  identifier: string,
  deps: { profile: NetworkProfile; resolveAddresses: ResolveAddresses; expected?: string },
): Promise<TlsAlpnEvidence> {
  const { profile } = deps;
  const host = identifier.replace(/^\*\./, '');
  const literal = net.isIP(host) !== 0;
  const r = await addressesOfHost(host, deps.resolveAddresses);
  const ok = (a: string): boolean => !reservedRange(a, { allow: profile.allowAddresses });
  const v6 = r.v6.filter(ok);
  const v4 = r.v4.filter(ok);
  const ev: TlsAlpnEvidence = { identifier, attempts: [] };
  if (deps.expected !== undefined) ev.expected = deps.expected;
  if (v6.length + v4.length === 0) {
    ev.noAddresses = r.error?.message ?? `DNS problem: ${caNoAddresses(host)}`;
    return ev;
  }
  const order = [v6[0], v4[0]].filter((a): a is string => a !== undefined);
  for (const address of order) {
    const h = await tlsHandshake({
      address,
      port: profile.tlsPort,
      servername: literal ? undefined : host,
      alpn: [ACME_TLS_ALPN],
      minVersion: 'TLSv1.2',
      dialMs: profile.timeouts.httpDialMs,
      timeoutMs: profile.timeouts.httpTotalMs,
      allow: profile.allowAddresses,
    });
    ev.attempts.push(h);
    // Boulder va/tlsalpn.go: the IPv4 fallback follows any IPv6 error.
    if (h.outcome === 'ok') break;
  }
  return ev;
}

const OID_ACME_IDENTIFIER = Buffer.from('06082b0601050507011f', 'hex');

/** The acmeIdentifier extension's critical flag and SHA-256 value, read from the DER. */
export function acmeIdentifierOf(der: Buffer): { critical: boolean; digest?: Buffer } | undefined {
  const i = der.indexOf(OID_ACME_IDENTIFIER);
  if (i < 0) return undefined;
  let j = i + OID_ACME_IDENTIFIER.length;
  let critical = false;
  if (der[j] === 0x01 && der[j + 1] === 0x01) {
    critical = der[j + 2] !== 0x00;
    j += 3;
  }
  // extnValue OCTET STRING { OCTET STRING (32) }
  if (der[j] === 0x04 && der[j + 1] === 0x22 && der[j + 2] === 0x04 && der[j + 3] === 0x20) {
    return { critical, digest: der.subarray(j + 4, j + 36) };
  }
  return { critical };
}

/** RFC 8737 §3 checks on the challenge certificate; returns the problems found. */
export function challengeCertProblems(
  chainB64: readonly string[],
  name: string,
  keyAuthorization: string,
): string[] {
  const der = chainB64[0] ? Buffer.from(chainB64[0], 'base64') : undefined;
  if (!der) return ['no certificate was presented'];
  const problems: string[] = [];
  const cert = new X509Certificate(der);
  if (!(cert.checkIssued(cert) && cert.verify(cert.publicKey)))
    problems.push('the certificate is not self-signed');
  const sans = (cert.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const want = net.isIP(name) ? `IP Address:${name}` : `DNS:${name}`;
  if (sans.length !== 1 || sans[0]?.toLowerCase() !== want.toLowerCase()) {
    problems.push(`the SAN must be exactly ${want}, got ${sans.join(', ') || 'none'}`);
  }
  const ext = acmeIdentifierOf(der);
  const digest = createHash('sha256').update(keyAuthorization).digest();
  if (!ext) problems.push('the acmeIdentifier extension (1.3.6.1.5.5.7.1.31) is missing');
  else {
    if (!ext.critical) problems.push('the acmeIdentifier extension is not critical');
    if (!ext.digest || !ext.digest.equals(digest))
      problems.push('the acmeIdentifier value is not SHA-256 of the key authorization');
  }
  return problems;
}

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
  const name = id.replace(/^\*\./, '');
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
  if (last.outcome === 'http-on-tls') {
    return [
      finding('TLSALPN01_HTTP_ONLY', id, {
        detail: `${last.address} port ${last.port} answers plain HTTP.`,
        evidence,
        caMessage: `${where}: Server only speaks HTTP, not TLS`,
        remediation:
          'Serve TLS on port 443 with a TLS-ALPN-01 capable server (Caddy, Traefik, lego/certbot standalone in tls-alpn mode), or use HTTP-01.',
      }),
    ];
  }
  if (
    ['refused', 'connect-timeout', 'unreachable', 'handshake-timeout', 'reset', 'reserved'].includes(
      last.outcome,
    )
  ) {
    return [
      finding('TLSALPN01_CONNECTION', id, {
        detail: `${last.address} port ${last.port}: ${last.outcome}${last.error ? ` (${last.error})` : ''}.`,
        evidence,
        caMessage: `${where}: Connection problem: ${last.error ?? last.outcome}`,
        remediation: 'Allow tcp/443 from anywhere to this address and run the TLS-ALPN-01 responder on it.',
      }),
    ];
  }
  const alpnAlert =
    last.outcome === 'tls-error' &&
    /no.application.protocol/i.test(`${last.errorCode ?? ''} ${last.error ?? ''}`);
  if (last.outcome === 'tls-error' && !alpnAlert) {
    return [
      finding('TLSALPN01_TLS_ERROR', id, {
        detail: `Handshake with ${last.address} failed: ${last.error ?? ''}.`,
        evidence,
        caMessage: `${where}: TLS error: ${last.error ?? ''}`,
        remediation:
          'Offer TLS 1.2+ and answer the SNI of this name with the acme-tls/1 challenge certificate.',
      }),
    ];
  }
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
