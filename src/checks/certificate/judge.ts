/** Pure judgement of the certificate currently served (warnings: it does not block issuance). */
import type { X509Certificate } from 'node:crypto';
import { finding } from '../../report/catalogue.js';
import type { Evidence, Finding, FindingCode, Severity } from '../../report/finding.js';
import { analyseChain, nodeRoots, type ChainAnalysis } from './chain.js';
import type { CertAddressEvidence, CertificateEvidence } from './gather.js';
import { notProbedNote } from '../fan-out.js';
import { baseName } from '../../identifiers.js';

/** Warn when the served certificate expires within this many days (renewals run at 30 days left). */
export const EXPIRY_WARNING_DAYS = 21;

export interface CertJudgeOptions {
  now?: Date;
  roots?: readonly X509Certificate[];
  expiringDays?: number;
  /** The challenge path redirects to https: TLS failures then break HTTP-01 (errors, not warnings). */
  httpsRedirect?: boolean;
}

const evFor =
  (name: string) =>
  (a: CertAddressEvidence, answer: string): Evidence => ({
    source: `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.handshake.port}`,
    query: `TLS handshake SNI ${name}`,
    answer,
    address: a.address,
    rttMs: a.handshake.totalMs,
  });

export function judgeCertificate(e: CertificateEvidence, opts: CertJudgeOptions = {}): Finding[] {
  const id = e.identifier;
  const name = baseName(id);
  const now = opts.now ?? new Date();
  const roots = opts.roots ?? nodeRoots();
  const windowDays = opts.expiringDays ?? EXPIRY_WARNING_DAYS;
  const breaking: Severity | undefined = opts.httpsRedirect ? 'error' : undefined;
  const ev = evFor(name);
  const out: Finding[] = [];
  const analysed: { a: CertAddressEvidence; c: ChainAnalysis }[] = [];
  for (const a of e.addresses) {
    const h = a.handshake;
    if (h.outcome !== 'ok') {
      out.push(handshakeFinding(id, a, ev, breaking));
      continue;
    }
    const c = analyseChain(h.chain, name, roots, now);
    if (!c) continue;
    analysed.push({ a, c });
  }
  for (const { a, c } of analysed)
    out.push(
      ...servedFindings(
        id,
        name,
        a,
        c,
        ev(a, `${a.handshake.protocol ?? ''} ${summaryOf(c)}`),
        now,
        windowDays,
      ),
    );
  const note = notProbedNote(e.addresses.length, e.notProbed ?? 0);
  const fps = new Set(analysed.map(({ c }) => c.fingerprint256));
  if (fps.size > 1) {
    out.push(
      finding('CERT_DIFFERS_BY_ADDRESS', id, {
        detail:
          analysed
            .map(
              ({ a, c }) =>
                `${a.address}: ${c.fingerprint256.slice(0, 23)}… until ${c.notAfter.toISOString().slice(0, 10)}`,
            )
            .join('; ') + (note ? `. ${note.text}` : ''),
        evidence: [
          ...analysed.map(({ a, c }) => ev(a, `sha256 ${c.fingerprint256}`)),
          ...(note ? [note.evidence] : []),
        ],
        remediation:
          'Deploy the renewed certificate to every server behind the name (or share one certificate store).',
      }),
    );
  }
  const sampled = note ? [notProbedFinding(id, e.addresses.length, note)] : [];
  if (out.length === 0 && analysed.length > 0) {
    const { a, c } = analysed[0]!;
    out.push(
      finding('CERT_OK', id, {
        detail: `${c.subject}, valid until ${c.notAfter.toISOString()}, ${c.reason}.`,
        evidence: [ev(a, c.fingerprint256)],
        remediation: 'None needed.',
      }),
    );
  }
  return [...out, ...sampled];
}

function notProbedFinding(
  id: string,
  probed: number,
  note: NonNullable<ReturnType<typeof notProbedNote>>,
): Finding {
  return finding('ADDRESSES_NOT_PROBED', id, {
    title: `The certificate on the TLS port was read at ${probed} addresses, not all`,
    detail: note.text,
    evidence: [note.evidence],
    remediation: 'None needed for the CA; remove records of servers that are not serving this name.',
  });
}

type EvidenceFor = ReturnType<typeof evFor>;

/** A handshake that did not complete with TLS 1.2+: plain HTTP, only legacy TLS, or no TLS at all. */
function handshakeFinding(
  id: string,
  a: CertAddressEvidence,
  ev: EvidenceFor,
  breaking: Severity | undefined,
): Finding {
  const h = a.handshake;
  if (h.outcome === 'http-on-tls') {
    return finding('CERT_HTTP_ON_TLS_PORT', id, {
      ...(breaking ? { severity: breaking } : {}),
      detail: `${a.address} port ${h.port} answered plain HTTP to a TLS ClientHello.`,
      evidence: [ev(a, 'plain HTTP response')],
      remediation: 'Serve TLS on port 443 (nginx `listen 443 ssl;` with ssl_certificate), not plain HTTP.',
      caMessage: 'Server only speaks HTTP, not TLS',
    });
  }
  if (a.legacy?.outcome === 'ok') {
    return finding('CERT_LEGACY_TLS_ONLY', id, {
      ...(breaking ? { severity: breaking } : {}),
      detail: `${a.address} refuses TLS 1.2+ (${h.error ?? h.outcome}) but completes ${a.legacy.protocol ?? 'TLS 1.0/1.1'}.`,
      evidence: [
        ev(a, `TLS1.2+: ${h.error ?? h.outcome}`),
        ev({ ...a, handshake: a.legacy }, `accepted ${a.legacy.protocol ?? ''}`),
      ],
      remediation:
        'Enable TLS 1.2 and 1.3 (nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Apache `SSLProtocol -all +TLSv1.2 +TLSv1.3`).',
    });
  }
  return finding('CERT_TLS_UNREACHABLE', id, {
    ...(breaking ? { severity: breaking } : {}),
    detail: `TLS to ${a.address} port ${h.port}: ${h.outcome}${h.error ? ` (${h.error})` : ''}.`,
    evidence: [ev(a, h.error ?? h.outcome)],
    remediation: 'Serve TLS on port 443 for this name, or ignore if the site is HTTP-only.',
  });
}

const summaryOf = (c: ChainAnalysis): string =>
  `${c.subject} issued by ${c.issuer}, SAN ${c.subjectAltName || 'none'}, valid until ${c.notAfter.toISOString()}`;

/** The served certificate at one address: validity window, name and chain. */
function servedFindings(
  id: string,
  name: string,
  a: CertAddressEvidence,
  c: ChainAnalysis,
  served: Evidence,
  now: Date,
  windowDays: number,
): Finding[] {
  const out: Finding[] = [];
  const evidence = [served];
  const at = `at ${a.address}`;
  if (c.daysLeft < 0 || now < c.notBefore) {
    out.push(
      finding('CERT_EXPIRED', id, {
        detail: `The certificate ${at} expired on ${c.notAfter.toISOString()} (or is not yet valid).`,
        evidence,
        remediation:
          'Renew the certificate and reload the server (check the renewal timer/cron and its logs).',
      }),
    );
  } else if (c.daysLeft < windowDays) {
    out.push(
      finding('CERT_EXPIRING', id, {
        detail: `The certificate ${at} expires in ${c.daysLeft} days (${c.notAfter.toISOString()}).`,
        evidence,
        remediation:
          "Renewal should have happened at 30 days left: check the ACME client's renewal job and its last error.",
      }),
    );
  }
  if (!c.nameMatches) {
    out.push(
      finding('CERT_NAME_MISMATCH', id, {
        detail: `The certificate ${at} covers ${c.subjectAltName || c.subject}, not ${name}.`,
        evidence,
        remediation: `Add a server block / virtual host for ${name} with a certificate that lists it, or include ${name} in the next certificate.`,
      }),
    );
  }
  const chainFix: Record<string, [FindingCode, string] | undefined> = {
    incomplete: [
      'CERT_CHAIN_INCOMPLETE',
      'Serve the full chain: nginx `ssl_certificate fullchain.pem;` (not cert.pem), Apache `SSLCertificateFile fullchain.pem`.',
    ],
    'self-signed': ['CERT_SELF_SIGNED', 'Replace the self-signed certificate with one from a public CA.'],
    untrusted: ['CERT_UNTRUSTED', 'Use a certificate from a publicly trusted CA and serve its full chain.'],
  };
  const fix = chainFix[c.status];
  if (fix) out.push(finding(fix[0], id, { detail: `${at}: ${c.reason}.`, evidence, remediation: fix[1] }));
  return out;
}
