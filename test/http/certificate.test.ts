import tls from 'node:tls';
import { X509Certificate, createHash } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  probeCertificate,
  judgeCertificate,
  EXPIRY_WARNING_DAYS,
} from '../../src/checks/certificate/index.js';
import { probeTlsAlpn01, judgeTlsAlpn01 } from '../../src/checks/tlsalpn01/index.js';
import { ACME_TLS_ALPN } from '../../src/http/constants.js';
import { CA_EXTS, CertFactory, type Pem } from './certs.js';
import { closeAll, freePort, httpServer, labProfile, table } from './helpers.js';
import { nameRef } from '../../src/identifiers.js';

const f = new CertFactory();
let root: Pem;
let intermediate: Pem;
let T = 0;
const servers: tls.Server[] = [];
const KEYAUTH = 'token.thumbprint';

async function tlsServer(address: string, opts: tls.TlsOptions): Promise<void> {
  const s = tls.createServer(opts, (sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  s.on('tlsClientError', () => undefined);
  s.listen(T, address);
  await once(s, 'listening');
  servers.push(s);
}

const resolve = table({
  'good.example.com': { v4: ['127.0.0.2'] },
  'partial.example.com': { v4: ['127.0.0.3'] },
  'self.example.com': { v4: ['127.0.0.4'] },
  'plain.example.com': { v4: ['127.0.0.5'] },
  'wrong.example.com': { v4: ['127.0.0.6'] },
  'mixed.example.com': { v4: ['127.0.0.2', '127.0.0.7'] },
  'alpn.example.com': { v4: ['127.0.0.8'] },
  'noalpn.example.com': { v4: ['127.0.0.2'] },
  'legacy.example.com': { v4: ['127.0.0.9'] },
});

beforeAll(async () => {
  T = await freePort('127.0.0.2');
  root = f.selfSigned('Preflight Test Root', CA_EXTS);
  intermediate = f.signed('Preflight Test Intermediate', root, CA_EXTS);
  const leafExts = (names: string[]) => [
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}`,
    'basicConstraints=CA:false',
  ];
  const leaf = f.signed(
    'good.example.com',
    intermediate,
    leafExts(['good.example.com', 'partial.example.com', 'noalpn.example.com', 'mixed.example.com']),
    5,
  );
  const other = f.signed('mixed.example.com', intermediate, leafExts(['mixed.example.com']), 60);
  const wrong = f.signed('elsewhere.example.net', intermediate, leafExts(['elsewhere.example.net']));
  const self = f.selfSigned('self.example.com', ['subjectAltName=DNS:self.example.com']);
  const digest = createHash('sha256')
    .update(KEYAUTH)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');
  const challenge = f.selfSigned('alpn.example.com', [
    'subjectAltName=DNS:alpn.example.com',
    `1.3.6.1.5.5.7.1.31=critical,DER:04:20:${digest}`,
  ]);
  await tlsServer('127.0.0.2', {
    key: leaf.key,
    cert: leaf.cert + intermediate.cert,
    ALPNProtocols: ['http/1.1'],
  });
  await tlsServer('127.0.0.3', { key: leaf.key, cert: leaf.cert });
  await tlsServer('127.0.0.4', { key: self.key, cert: self.cert });
  await httpServer('127.0.0.5', T, (_req, res) => res.end('plain'));
  await tlsServer('127.0.0.6', { key: wrong.key, cert: wrong.cert + intermediate.cert });
  await tlsServer('127.0.0.7', { key: other.key, cert: other.cert + intermediate.cert });
  await tlsServer('127.0.0.9', {
    key: self.key,
    cert: self.cert,
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.1',
    ciphers: 'DEFAULT:@SECLEVEL=0',
  });
  await tlsServer('127.0.0.8', { key: challenge.key, cert: challenge.cert, ALPNProtocols: [ACME_TLS_ALPN] });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await closeAll();
  f.cleanup();
});

const deps = () => ({ profile: labProfile(1, T), resolveAddresses: resolve });
const roots = () => [new X509Certificate(root.cert)];
const codes = (fs: { code: string }[]) => fs.map((x) => x.code).sort();

describe('certificate on the TLS port', () => {
  it('accepts a full chain to a trusted root, warning that it expires soon', async () => {
    const ev = await probeCertificate(nameRef('good.example.com'), deps());
    expect(ev.addresses[0]?.handshake.chain.length).toBeGreaterThanOrEqual(2);
    const fs = judgeCertificate(ev, { roots: roots() });
    expect(codes(fs)).toEqual(['CERT_EXPIRING']);
    expect(fs[0]?.severity).toBe('warning');
    expect(codes(judgeCertificate(ev, { roots: roots(), expiringDays: 1 }))).toEqual(['CERT_OK']);
    expect(EXPIRY_WARNING_DAYS).toBeGreaterThan(5);
  });

  it('reports an expired certificate (clock injected)', async () => {
    const ev = await probeCertificate(nameRef('good.example.com'), deps());
    const fs = judgeCertificate(ev, { roots: roots(), now: new Date(Date.now() + 10 * 86_400_000) });
    expect(codes(fs)).toEqual(['CERT_EXPIRED']);
  });

  it('is untrusted with the real root store', async () => {
    const ev = await probeCertificate(nameRef('good.example.com'), deps());
    expect(codes(judgeCertificate(ev, { expiringDays: 1 }))).toEqual(['CERT_CHAIN_INCOMPLETE']);
  });

  it('reports a missing intermediate', async () => {
    const ev = await probeCertificate(nameRef('partial.example.com'), deps());
    const fs = judgeCertificate(ev, { roots: roots(), expiringDays: 1 });
    expect(codes(fs)).toEqual(['CERT_CHAIN_INCOMPLETE']);
    expect(fs[0]?.detail).toContain('Preflight Test Intermediate');
  });

  it('reports a self-signed certificate', async () => {
    const fs = judgeCertificate(await probeCertificate(nameRef('self.example.com'), deps()), {
      roots: roots(),
    });
    expect(codes(fs)).toEqual(['CERT_SELF_SIGNED']);
  });

  it('reports a name not in the SAN', async () => {
    const fs = judgeCertificate(await probeCertificate(nameRef('wrong.example.com'), deps()), {
      roots: roots(),
    });
    expect(codes(fs)).toEqual(['CERT_NAME_MISMATCH']);
    expect(fs[0]?.detail).toContain('elsewhere.example.net');
  });

  it('reports plain HTTP on the TLS port, as an error when an https redirect needs it', async () => {
    const ev = await probeCertificate(nameRef('plain.example.com'), deps());
    expect(ev.addresses[0]?.handshake.outcome).toBe('http-on-tls');
    expect(judgeCertificate(ev, { roots: roots() })[0]).toMatchObject({
      code: 'CERT_HTTP_ON_TLS_PORT',
      severity: 'warning',
    });
    expect(judgeCertificate(ev, { roots: roots(), httpsRedirect: true })[0]?.severity).toBe('error');
  });

  it('reports different certificates at different addresses', async () => {
    const fs = judgeCertificate(await probeCertificate(nameRef('mixed.example.com'), deps()), {
      roots: roots(),
      expiringDays: 1,
    });
    expect(codes(fs)).toEqual(['CERT_DIFFERS_BY_ADDRESS']);
  });

  it('reports a server that only speaks TLS 1.0/1.1', async () => {
    const ev = await probeCertificate(nameRef('legacy.example.com'), deps());
    expect(ev.addresses[0]?.handshake.outcome).toBe('tls-error');
    expect(ev.addresses[0]?.legacy?.protocol).toMatch(/^TLSv1(\.1)?$/);
    expect(codes(judgeCertificate(ev, { roots: roots() }))).toEqual(['CERT_LEGACY_TLS_ONLY']);
  });
});

describe('TLS-ALPN-01', () => {
  it('validates a correct acme-tls/1 challenge certificate', async () => {
    const ev = await probeTlsAlpn01(nameRef('alpn.example.com'), { ...deps(), expected: KEYAUTH });
    expect(ev.attempts[0]?.alpn).toBe(ACME_TLS_ALPN);
    expect(codes(judgeTlsAlpn01(ev))).toEqual(['TLSALPN01_VALID']);
    const wrong = judgeTlsAlpn01({ ...ev, expected: 'other.keyauth' });
    expect(wrong[0]?.code).toBe('TLSALPN01_BAD_CERTIFICATE');
    expect(wrong[0]?.detail).toContain('SHA-256 of the key authorization');
  });

  it('reports a server that does not negotiate acme-tls/1 with the CA message', async () => {
    const ev = await probeTlsAlpn01(nameRef('noalpn.example.com'), { ...deps(), expected: KEYAUTH });
    const [fnd] = judgeTlsAlpn01(ev);
    expect(fnd).toMatchObject({
      code: 'TLSALPN01_NO_ALPN',
      severity: 'error',
      acmeProblem: 'urn:ietf:params:acme:error:unauthorized',
    });
    expect(fnd?.caMessage).toContain('Cannot negotiate ALPN protocol "acme-tls/1"');
    expect(judgeTlsAlpn01({ ...ev, expected: undefined })[0]?.severity).toBe('warning');
    // A server with no ALPN configuration completes the handshake without choosing a protocol.
    const plainTls = await probeTlsAlpn01(nameRef('partial.example.com'), { ...deps(), expected: KEYAUTH });
    expect(plainTls.attempts[0]).toMatchObject({ outcome: 'ok', alpn: false });
    expect(judgeTlsAlpn01(plainTls)[0]?.code).toBe('TLSALPN01_NO_ALPN');
  });

  it('reports plain HTTP on the TLS port as malformed', async () => {
    const [fnd] = judgeTlsAlpn01(await probeTlsAlpn01(nameRef('plain.example.com'), deps()));
    expect(fnd).toMatchObject({
      code: 'TLSALPN01_HTTP_ONLY',
      acmeProblem: 'urn:ietf:params:acme:error:malformed',
    });
    expect(fnd?.caMessage).toContain('Server only speaks HTTP, not TLS');
  });
});
