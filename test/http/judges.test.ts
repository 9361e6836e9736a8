/**
 * Socket-free tables for the HTTP-01, TLS-ALPN-01 and certificate judges: each row is evidence in
 * (built with ./evidence.ts) and the findings, ACME problem and CA message out. The loopback tests
 * (http01, certificate, socket-faults) prove the gatherers produce such evidence.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from '@jest/globals';
import { judgeHttp01 } from '../../src/checks/http01/index.js';
import { judgeTlsAlpn01 } from '../../src/checks/tlsalpn01/index.js';
import { judgeCertificate, type CertJudgeOptions } from '../../src/checks/certificate/index.js';
import type { Finding, FindingCode, Severity } from '../../src/report/finding.js';
import { CA_EXTS, CertFactory } from './certs.js';
import {
  KEYAUTH,
  NAME,
  TOKEN,
  URL0,
  V4,
  V6,
  addressProbe,
  alpnHandshake,
  attempt,
  caResult,
  certAddress,
  certEvidence,
  chainOf,
  failedAttempt,
  handshake,
  http01Evidence,
  tlsAlpnEvidence,
} from './evidence.js';

interface Expected {
  /** Codes and severities, in the judge's order. */
  findings: [FindingCode, Severity][];
  /** ACME problem type of the first finding (without the urn prefix); absent when it has none. */
  acmeProblem?: string;
  /** The first finding's CA message: exact, or a pattern. */
  caMessage?: string | RegExp;
  /** Text the first finding's detail or remediation must contain. */
  says?: string;
}

function expectJudged(fs: Finding[], want: Expected): void {
  expect(fs.map((f) => [f.code, f.severity])).toEqual(want.findings);
  const first = fs[0];
  if (!first) return;
  expect(first.acmeProblem).toBe(
    want.acmeProblem ? `urn:ietf:params:acme:error:${want.acmeProblem}` : undefined,
  );
  if (want.caMessage === undefined) expect(first.caMessage).toBeUndefined();
  else if (typeof want.caMessage === 'string') expect(first.caMessage).toBe(want.caMessage);
  else expect(first.caMessage).toMatch(want.caMessage);
  if (want.says) expect(`${first.detail} ${first.remediation}`).toContain(want.says);
  for (const f of fs) expect(f.evidence.length).toBeGreaterThan(0);
}

const HTTPS_URL = 'https://example.com/.well-known/acme-challenge/x';
const redirect = (location: string) => attempt({ status: 301, body: '', headers: { location } });
const onHttps = { url: HTTPS_URL, scheme: 'https' as const, port: 443 };

describe('judgeHttp01', () => {
  const rows: [string, ReturnType<typeof http01Evidence>, Expected][] = [
    [
      'a wildcard name',
      { ...http01Evidence(caResult([attempt()])), identifier: `*.${NAME}` },
      { findings: [['HTTP01_WILDCARD', 'error']], acmeProblem: 'unauthorized', says: 'DNS-01' },
    ],
    [
      'a random token answered 404: a webroot would serve the file',
      http01Evidence(caResult([attempt()])),
      { findings: [['HTTP01_OK', 'info']], says: 'returned 404' },
    ],
    [
      'the real token answered with the key authorization',
      http01Evidence(caResult([attempt({ status: 200, body: `${KEYAUTH}\n` })], { expected: KEYAUTH }), {
        expected: KEYAUTH,
      }),
      { findings: [['HTTP01_OK', 'info']], says: 'expected key authorization' },
    ],
    [
      'a stateless responder answers any token',
      http01Evidence(caResult([attempt({ status: 200, body: `${TOKEN}.someThumbprint` })])),
      { findings: [['HTTP01_STATELESS_RESPONDER', 'info']], says: 'thumbprint' },
    ],
    [
      'a catch-all page answers a random token with 200',
      http01Evidence(
        caResult([
          attempt({
            status: 200,
            body: '<!doctype html><div id=app>',
            headers: { 'content-type': 'text/html' },
          }),
        ]),
      ),
      { findings: [['HTTP01_CATCH_ALL', 'error']], acmeProblem: 'unauthorized', says: 'text/html' },
    ],
    [
      'no address the CA would use (reserved ones dropped)',
      http01Evidence(
        caResult([], {
          problem: {
            type: 'dns',
            detail: `DNS problem: no valid A records found for ${NAME}; no valid AAAA records found for ${NAME}`,
          },
        }),
        {
          resolution: { v4: ['10.0.0.1'], v6: [], evidence: [{ source: 'resolver', answer: '10.0.0.1' }] },
          reserved: [{ address: '10.0.0.1', range: '10.0.0.0/8' }],
          perAddress: [],
        },
      ),
      {
        findings: [['HTTP01_NO_ADDRESSES', 'error']],
        acmeProblem: 'dns',
        caMessage: `DNS problem: no valid A records found for ${NAME}; no valid AAAA records found for ${NAME}`,
        says: '10.0.0.1 (10.0.0.0/8)',
      },
    ],
    [
      'a 303 redirect breaks a CA rule',
      http01Evidence(
        caResult([attempt({ status: 303, body: '', headers: { location: 'http://example.com/' } })], {
          problem: {
            type: 'connection',
            detail: `Fetching ${URL0}: redirect status 303`,
            rule: 'status-303',
          },
        }),
      ),
      {
        findings: [['HTTP01_REDIRECT_INVALID', 'error']],
        acmeProblem: 'connection',
        caMessage: `Fetching ${URL0}: redirect status 303`,
        says: '301, 302, 307 or 308',
      },
    ],
    [
      'a redirect to https where port 443 speaks plain HTTP',
      http01Evidence(
        caResult(
          [
            redirect(HTTPS_URL),
            failedAttempt('http-on-tls', { ...onHttps, error: 'Server only speaks HTTP, not TLS' }),
          ],
          { redirects: [HTTPS_URL] },
        ),
      ),
      {
        findings: [
          ['HTTP01_REDIRECT_HTTPS_NOT_TLS', 'error'],
          ['HTTP01_REDIRECTS_FOLLOWED', 'info'],
        ],
        acmeProblem: 'malformed',
        caMessage: `${V4}: Fetching ${HTTPS_URL}: Server only speaks HTTP, not TLS`,
        says: 'listen 443 ssl',
      },
    ],
    [
      'a redirect to https where the handshake fails',
      http01Evidence(
        caResult(
          [redirect(HTTPS_URL), failedAttempt('tls-error', { ...onHttps, error: 'unsupported protocol' })],
          {
            redirects: [HTTPS_URL],
          },
        ),
      ),
      {
        findings: [
          ['HTTP01_REDIRECT_TLS_ERROR', 'error'],
          ['HTTP01_REDIRECTS_FOLLOWED', 'info'],
        ],
        acmeProblem: 'tls',
        caMessage: `${V4}: Fetching ${HTTPS_URL}: TLS error: unsupported protocol`,
        says: 'TLSv1.2 TLSv1.3',
      },
    ],
    [
      'port 80 refused while port 443 answers',
      (() => {
        const ca = caResult([failedAttempt('refused')]);
        return http01Evidence(ca, { perAddress: [addressProbe(ca, { tlsPort: 'ok' })] });
      })(),
      {
        findings: [
          ['HTTP01_CONNECTION_REFUSED', 'error'],
          ['HTTP01_PORT80_FILTERED', 'info'],
        ],
        acmeProblem: 'connection',
        caMessage: `${V4}: Fetching ${URL0}: Connection refused`,
        says: 'Port 443 at the same address answers',
      },
    ],
    [
      'port 80 and 443 both refused',
      (() => {
        const ca = caResult([failedAttempt('refused')]);
        return http01Evidence(ca, { perAddress: [addressProbe(ca, { tlsPort: 'refused' })] });
      })(),
      {
        findings: [['HTTP01_CONNECTION_REFUSED', 'error']],
        acmeProblem: 'connection',
        caMessage: `${V4}: Fetching ${URL0}: Connection refused`,
        says: 'Port 443 at the same address also fails (refused)',
      },
    ],
    [
      'dropped packets on port 80',
      http01Evidence(caResult([failedAttempt('connect-timeout')])),
      {
        findings: [['HTTP01_CONNECT_TIMEOUT', 'error']],
        acmeProblem: 'connection',
        caMessage: `${V4}: Fetching ${URL0}: Timeout during connect (likely firewall problem)`,
      },
    ],
    [
      'accepted but never answered',
      http01Evidence(caResult([failedAttempt('read-timeout')])),
      {
        findings: [['HTTP01_READ_TIMEOUT', 'error']],
        acmeProblem: 'connection',
        caMessage: `${V4}: Fetching ${URL0}: Timeout after connect (your server may be slow or overloaded)`,
        says: 'serve it from disk',
      },
    ],
    [
      'the connection is reset',
      http01Evidence(caResult([failedAttempt('reset', { error: 'connection reset by peer' })])),
      {
        findings: [['HTTP01_CONNECTION_ERROR', 'error']],
        acmeProblem: 'connection',
        caMessage: `${V4}: Fetching ${URL0}: Connection reset by peer`,
        says: 'reset (connection reset by peer)',
      },
    ],
    [
      'response headers without end',
      http01Evidence(caResult([failedAttempt('headers-too-large')])),
      {
        findings: [['HTTP01_CONNECTION_ERROR', 'error']],
        acmeProblem: 'connection',
        caMessage: `${V4}: Fetching ${URL0}: Error reading HTTP response: response headers too large`,
      },
    ],
    [
      'a 403 from a CDN WAF',
      http01Evidence(
        caResult([attempt({ status: 403, headers: { server: 'cloudflare', 'cf-ray': '8a1b-AMS' } })]),
      ),
      {
        findings: [
          ['HTTP01_WAF_BLOCK', 'error'],
          ['HTTP01_CDN_DETECTED', 'warning'],
        ],
        acmeProblem: 'unauthorized',
        caMessage: `Invalid response from ${URL0}: 403`,
        says: 'Cloudflare',
      },
    ],
    [
      'a 429 from rate limiting',
      http01Evidence(caResult([attempt({ status: 429 })])),
      {
        findings: [['HTTP01_WAF_BLOCK', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: `Invalid response from ${URL0}: 429`,
      },
    ],
    [
      'a 503 without a proxy in front is just a bad status',
      http01Evidence(caResult([attempt({ status: 503 })])),
      {
        findings: [['HTTP01_BAD_STATUS', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: `Invalid response from ${URL0}: 503`,
        says: 'return 200 with the token file',
      },
    ],
    [
      'the real token not found',
      http01Evidence(caResult([attempt({ status: 404 })], { expected: KEYAUTH }), { expected: KEYAUTH }),
      {
        findings: [['HTTP01_BAD_STATUS', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: `Invalid response from ${URL0}: 404`,
        says: "the ACME client's webroot must be the directory this server serves",
      },
    ],
    [
      'the key authorization padded past the body limit',
      http01Evidence(
        caResult([attempt({ status: 200, body: `${KEYAUTH}${' '.repeat(100)}x`, bodyAtLimit: true })], {
          expected: KEYAUTH,
        }),
        { expected: KEYAUTH },
      ),
      {
        findings: [['HTTP01_BODY_TOO_LARGE', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: new RegExp(
          `^Invalid response from ${URL0.replace(/[.]/g, '\\.')}: body of 128 bytes or more`,
        ),
        says: 'no HTML wrapper',
      },
    ],
    [
      'a stale key authorization',
      http01Evidence(caResult([attempt({ status: 200, body: `${TOKEN}.old` })], { expected: KEYAUTH }), {
        expected: KEYAUTH,
      }),
      {
        findings: [['HTTP01_WRONG_BODY', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: 'The key authorization file from the server did not match this challenge',
        says: `Expected "${KEYAUTH}", got "${TOKEN}.old"`,
      },
    ],
    [
      "a router's admin page on port 80",
      http01Evidence(
        caResult([
          attempt({
            status: 401,
            headers: {
              server: 'RomPager/4.07 UPnP/1.0',
              'www-authenticate': 'Basic realm="TP-LINK Wireless Router"',
            },
          }),
        ]),
      ),
      {
        findings: [
          ['HTTP01_BAD_STATUS', 'error'],
          ['HTTP01_ROUTER_ANSWERING', 'warning'],
        ],
        acmeProblem: 'unauthorized',
        caMessage: `Invalid response from ${URL0}: 401`,
      },
    ],
    [
      'IPv6 answers 500 while IPv4 works: no fallback',
      (() => {
        const ca = caResult([attempt({ address: V6, status: 500 })]);
        const v4 = caResult([attempt({ role: 'pinned' })]);
        return http01Evidence(ca, {
          resolution: { v4: [V4], v6: [V6], evidence: [{ source: 'resolver', answer: `${V6} ${V4}` }] },
          perAddress: [addressProbe(ca), addressProbe(v4, { caRole: 'fallback' })],
        });
      })(),
      {
        findings: [
          ['HTTP01_BAD_STATUS', 'error'],
          ['HTTP01_IPV6_BROKEN', 'error'],
        ],
        acmeProblem: 'unauthorized',
        caMessage: `Invalid response from ${URL0}: 500`,
      },
    ],
    [
      'IPv6 refused, the CA falls back to a working IPv4',
      (() => {
        const ca = caResult([failedAttempt('refused', { address: V6 }), attempt({ role: 'fallback' })]);
        const v6 = caResult([failedAttempt('refused', { address: V6, role: 'pinned' })]);
        const v4 = caResult([attempt({ role: 'pinned' })]);
        return http01Evidence(ca, {
          resolution: { v4: [V4], v6: [V6], evidence: [{ source: 'resolver', answer: `${V6} ${V4}` }] },
          perAddress: [addressProbe(v6), addressProbe(v4, { caRole: 'fallback' })],
        });
      })(),
      {
        findings: [
          ['HTTP01_OK', 'info'],
          ['HTTP01_IPV6_BROKEN', 'warning'],
        ],
        says: 'returned 404',
      },
    ],
    [
      'a second address the CA does not use answers differently',
      (() => {
        const ca = caResult([attempt()]);
        const other = caResult([attempt({ address: '203.0.113.11', role: 'pinned', status: 500 })]);
        return http01Evidence(ca, {
          perAddress: [addressProbe(ca), addressProbe(other, { caRole: 'unused' })],
        });
      })(),
      {
        findings: [
          ['HTTP01_OK', 'info'],
          ['HTTP01_ADDRESSES_DIFFER', 'warning'],
        ],
        says: 'returned 404',
      },
    ],
  ];

  it.each(rows)('%s', (_what, ev, want) => expectJudged(judgeHttp01(ev), want));

  it('judges evidence that went through JSON the same', () => {
    for (const [, ev] of rows) expect(judgeHttp01(JSON.parse(JSON.stringify(ev)))).toEqual(judgeHttp01(ev));
  });
});

// Certificates are data here: generated once with the openssl CLI, no socket involved.
const certs = new CertFactory();
afterAll(() => certs.cleanup());
const digest = createHash('sha256')
  .update(KEYAUTH)
  .digest('hex')
  .replace(/(..)(?!$)/g, '$1:');
const acmeId = `1.3.6.1.5.5.7.1.31=critical,DER:04:20:${digest}`;
const challenge = chainOf(certs.selfSigned(NAME, [`subjectAltName=DNS:${NAME}`, acmeId]));
const twoSans = chainOf(certs.selfSigned(NAME, [`subjectAltName=DNS:${NAME},DNS:www.${NAME}`, acmeId]));
const otherDigest = chainOf(
  certs.selfSigned(NAME, [`subjectAltName=DNS:${NAME}`, acmeId.replace(/04:20:../, '04:20:00')]),
);
const root = certs.selfSigned('Judges Test Root', CA_EXTS);
const intermediate = certs.signed('Judges Test Intermediate', root, CA_EXTS);
const leafExts = (names: string[]) => [
  `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
  'basicConstraints=CA:false',
];
const leaf = certs.signed(NAME, intermediate, leafExts([NAME]), 60);
const renewed = certs.signed(NAME, intermediate, leafExts([NAME]), 90);
const shortLived = certs.signed(NAME, intermediate, leafExts([NAME]), 5);
const elsewhere = certs.signed(
  'elsewhere.example.net',
  intermediate,
  leafExts(['elsewhere.example.net']),
  60,
);
const selfSigned = certs.selfSigned(NAME, [`subjectAltName=DNS:${NAME}`]);

describe('judgeTlsAlpn01', () => {
  const where = `${V4}: ${NAME}`;
  const rows: [string, ReturnType<typeof tlsAlpnEvidence>, Expected][] = [
    [
      'no usable address',
      tlsAlpnEvidence([], { noAddresses: `DNS problem: NXDOMAIN looking up A for ${NAME}` }),
      {
        findings: [['TLSALPN01_NO_ADDRESSES', 'error']],
        acmeProblem: 'dns',
        caMessage: `DNS problem: NXDOMAIN looking up A for ${NAME}`,
      },
    ],
    [
      'plain HTTP on the TLS port',
      tlsAlpnEvidence([handshake({ outcome: 'http-on-tls' })]),
      {
        findings: [['TLSALPN01_HTTP_ONLY', 'error']],
        acmeProblem: 'malformed',
        caMessage: `${where}: Server only speaks HTTP, not TLS`,
      },
    ],
    ...(['refused', 'connect-timeout', 'unreachable', 'handshake-timeout', 'reset', 'reserved'] as const).map(
      (outcome): [string, ReturnType<typeof tlsAlpnEvidence>, Expected] => [
        `the TLS port: ${outcome}`,
        tlsAlpnEvidence([handshake({ outcome })]),
        {
          findings: [['TLSALPN01_CONNECTION', 'error']],
          acmeProblem: 'connection',
          caMessage: `${where}: Connection problem: ${outcome}`,
        },
      ],
    ),
    [
      'a handshake failure other than ALPN',
      tlsAlpnEvidence([handshake({ outcome: 'tls-error', error: 'unsupported protocol' })]),
      {
        findings: [['TLSALPN01_TLS_ERROR', 'error']],
        acmeProblem: 'tls',
        caMessage: `${where}: TLS error: unsupported protocol`,
      },
    ],
    [
      'the no_application_protocol alert, challenge pending',
      tlsAlpnEvidence(
        [
          handshake({
            outcome: 'tls-error',
            error: 'alert',
            errorCode: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
          }),
        ],
        { expected: KEYAUTH },
      ),
      {
        findings: [['TLSALPN01_NO_ALPN', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: `${where}: Cannot negotiate ALPN protocol "acme-tls/1" for acme-tls/1 challenge`,
        says: 'alert no_application_protocol',
      },
    ],
    [
      'no ALPN chosen and no challenge pending: a warning',
      tlsAlpnEvidence([handshake()]),
      {
        findings: [['TLSALPN01_NO_ALPN', 'warning']],
        caMessage: `${where}: Cannot negotiate ALPN protocol "acme-tls/1" for acme-tls/1 challenge`,
        says: 'no challenge was pending',
      },
    ],
    [
      'h2 chosen instead of acme-tls/1',
      tlsAlpnEvidence([handshake({ alpn: 'h2' })], { expected: KEYAUTH }),
      {
        findings: [['TLSALPN01_NO_ALPN', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: /Cannot negotiate ALPN protocol "acme-tls\/1"/,
        says: 'negotiated ALPN h2',
      },
    ],
    [
      'acme-tls/1 negotiated, nothing pending',
      tlsAlpnEvidence([alpnHandshake(challenge)]),
      { findings: [['TLSALPN01_READY', 'info']], says: 'negotiated ALPN acme-tls/1' },
    ],
    [
      'the right challenge certificate',
      tlsAlpnEvidence([alpnHandshake(challenge)], { expected: KEYAUTH }),
      { findings: [['TLSALPN01_VALID', 'info']] },
    ],
    [
      'IPv6 refused, then IPv4 serves the right certificate',
      tlsAlpnEvidence([handshake({ address: V6, outcome: 'refused' }), alpnHandshake(challenge)], {
        expected: KEYAUTH,
      }),
      { findings: [['TLSALPN01_VALID', 'info']], says: V4 },
    ],
    [
      'two SANs',
      tlsAlpnEvidence([alpnHandshake(twoSans)], { expected: KEYAUTH }),
      {
        findings: [['TLSALPN01_BAD_CERTIFICATE', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: `${where}: Incorrect validation certificate for acme-tls/1 challenge`,
        says: `the SAN must be exactly DNS:${NAME}`,
      },
    ],
    [
      'the digest of another key authorization',
      tlsAlpnEvidence([alpnHandshake(otherDigest)], { expected: KEYAUTH }),
      {
        findings: [['TLSALPN01_BAD_CERTIFICATE', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: `${where}: Incorrect validation certificate for acme-tls/1 challenge`,
        says: 'not SHA-256 of the key authorization',
      },
    ],
    [
      'a CA-issued certificate instead of the challenge one',
      tlsAlpnEvidence([alpnHandshake(chainOf(leaf, intermediate))], { expected: KEYAUTH }),
      {
        findings: [['TLSALPN01_BAD_CERTIFICATE', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: `${where}: Incorrect validation certificate for acme-tls/1 challenge`,
        says: 'not self-signed',
      },
    ],
    [
      'no certificate at all',
      tlsAlpnEvidence([alpnHandshake([])], { expected: KEYAUTH }),
      {
        findings: [['TLSALPN01_BAD_CERTIFICATE', 'error']],
        acmeProblem: 'unauthorized',
        caMessage: `${where}: Incorrect validation certificate for acme-tls/1 challenge`,
        says: 'no certificate was presented',
      },
    ],
  ];

  it.each(rows)('%s', (_what, ev, want) => expectJudged(judgeTlsAlpn01(ev), want));
});

describe('judgeCertificate', () => {
  const roots = [new X509Certificate(root.cert)];
  const at = (h: Parameters<typeof certAddress>[0], over: Parameters<typeof certAddress>[1] = {}) =>
    certAddress(h, over);
  const served = (chain: string[], address = V4) => at(handshake({ address, chain }));
  const in70days = new Date(Date.now() + 70 * 86_400_000);
  const rows: [string, ReturnType<typeof certEvidence>, CertJudgeOptions, Expected][] = [
    [
      'a full chain to a trusted root, far from expiry',
      certEvidence([served(chainOf(leaf, intermediate))]),
      { roots },
      { findings: [['CERT_OK', 'info']], says: 'Judges Test Root' },
    ],
    [
      'five days left',
      certEvidence([served(chainOf(shortLived, intermediate))]),
      { roots },
      { findings: [['CERT_EXPIRING', 'warning']], says: 'renewal job' },
    ],
    [
      'expired (clock after notAfter)',
      certEvidence([served(chainOf(leaf, intermediate))]),
      { roots, now: in70days },
      { findings: [['CERT_EXPIRED', 'warning']], says: 'Renew the certificate' },
    ],
    [
      'a certificate for another name',
      certEvidence([served(chainOf(elsewhere, intermediate))]),
      { roots },
      { findings: [['CERT_NAME_MISMATCH', 'warning']], says: 'elsewhere.example.net' },
    ],
    [
      'the intermediate not sent',
      certEvidence([served(chainOf(leaf))]),
      { roots },
      { findings: [['CERT_CHAIN_INCOMPLETE', 'warning']], says: 'fullchain.pem' },
    ],
    [
      'self-signed',
      certEvidence([served(chainOf(selfSigned))]),
      { roots },
      { findings: [['CERT_SELF_SIGNED', 'warning']], says: 'signs itself' },
    ],
    [
      'a full chain to a root nobody trusts',
      certEvidence([served(chainOf(leaf, intermediate, root))]),
      { roots: [] },
      { findings: [['CERT_UNTRUSTED', 'warning']], says: 'not a trusted root' },
    ],
    [
      'plain HTTP on the TLS port',
      certEvidence([at(handshake({ outcome: 'http-on-tls' }))]),
      { roots },
      { findings: [['CERT_HTTP_ON_TLS_PORT', 'warning']], caMessage: 'Server only speaks HTTP, not TLS' },
    ],
    [
      'plain HTTP on the TLS port when the challenge redirects to https',
      certEvidence([at(handshake({ outcome: 'http-on-tls' }))]),
      { roots, httpsRedirect: true },
      { findings: [['CERT_HTTP_ON_TLS_PORT', 'error']], caMessage: 'Server only speaks HTTP, not TLS' },
    ],
    [
      'only TLS 1.0/1.1',
      certEvidence([
        at(handshake({ outcome: 'tls-error', error: 'unsupported protocol' }), {
          legacy: handshake({ protocol: 'TLSv1.1', chain: chainOf(selfSigned) }),
        }),
      ]),
      { roots },
      { findings: [['CERT_LEGACY_TLS_ONLY', 'warning']], says: 'completes TLSv1.1' },
    ],
    [
      'nothing listens on the TLS port',
      certEvidence([at(handshake({ outcome: 'refused', error: 'connection refused' }))]),
      { roots },
      { findings: [['CERT_TLS_UNREACHABLE', 'info']], says: 'refused (connection refused)' },
    ],
    [
      'a renewed certificate on one address only',
      certEvidence([
        served(chainOf(leaf, intermediate)),
        served(chainOf(renewed, intermediate), '203.0.113.11'),
      ]),
      { roots },
      { findings: [['CERT_DIFFERS_BY_ADDRESS', 'warning']], says: '203.0.113.11' },
    ],
    [
      'no address to connect to',
      certEvidence([], { resolutionError: 'NXDOMAIN' }),
      { roots },
      { findings: [] },
    ],
  ];

  it.each(rows)('%s', (_what, ev, opts, want) => expectJudged(judgeCertificate(ev, opts), want));
});
