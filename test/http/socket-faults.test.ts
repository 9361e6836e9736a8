/**
 * Network faults over real loopback sockets, as the CA meets them: a server that accepts and never
 * answers, one that resets, one that is not HTTP, plain HTTP on the TLS port, and TLS-ALPN-01
 * responders with good and bad challenge certificates generated here.
 */
import net from 'node:net';
import tls from 'node:tls';
import { createHash, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { judgeHttp01, probeHttp01 } from '../../src/checks/http01/index.js';
import { judgeTlsAlpn01, probeTlsAlpn01 } from '../../src/checks/tlsalpn01/index.js';
import { judgeCertificate, probeCertificate } from '../../src/checks/certificate/index.js';
import { ACME_TLS_ALPN, MAX_BODY_BYTES } from '../../src/http/constants.js';
import { verdictOf } from '../../src/report/finding.js';
import { CA_EXTS, CertFactory, type Pem } from './certs.js';
import { closeAll, freePort, httpServer, labProfile, table, tcpServer } from './helpers.js';
import { nameRef } from '../../src/identifiers.js';

const KEYAUTH = 'faulttoken.thumbprint';
const certs = new CertFactory();
const tlsServers: tls.Server[] = [];
let P = 0; // the lab's "port 80"
let T = 0; // the lab's "port 443"

const resolve = table({
  'silent.example.com': { v4: ['127.0.0.21'] },
  'reset.example.com': { v4: ['127.0.0.22'] },
  'garbage.example.com': { v4: ['127.0.0.23'] },
  'hugeheaders.example.com': { v4: ['127.0.0.23'] },
  'to-plain.example.com': { v4: ['127.0.0.24'] },
  'plain.example.com': { v4: ['127.0.0.24'] },
  'big.example.com': { v4: ['127.0.0.25'] },
  'alpn.example.com': { v4: ['127.0.0.26'] },
  'twosans.example.com': { v4: ['127.0.0.27'] },
  'notcritical.example.com': { v4: ['127.0.0.28'] },
  'casigned.example.com': { v4: ['127.0.0.29'] },
  'noext.example.com': { v4: ['127.0.0.30'] },
  'legacy.example.com': { v4: ['127.0.0.31'] },
  'ownroot.example.com': { v4: ['127.0.0.32'] },
  'reserved.example.com': { v4: ['10.9.8.7'] },
});

const digestHex = (keyAuth: string): string =>
  createHash('sha256')
    .update(keyAuth)
    .digest('hex')
    .replace(/(..)(?!$)/g, '$1:');
const acmeExt = (critical: boolean) =>
  `1.3.6.1.5.5.7.1.31=${critical ? 'critical,' : ''}DER:04:20:${digestHex(KEYAUTH)}`;

/** A TLS server on T that answers any request with a tiny HTTP response. */
async function tlsServer(address: string, opts: tls.TlsOptions): Promise<void> {
  const s = tls.createServer(opts, (sock) => sock.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
  s.on('tlsClientError', () => undefined);
  s.listen(T, address);
  await once(s, 'listening');
  tlsServers.push(s);
}

const silent = (s: net.Socket): void => {
  s.on('error', () => undefined); // accepts and never answers
};
const reset = (s: net.Socket): void => {
  s.on('error', () => undefined);
  s.resetAndDestroy();
};

let root: Pem;

beforeAll(async () => {
  P = await freePort('127.0.0.21');
  T = await freePort('127.0.0.21');
  for (const port of [P, T]) {
    await tcpServer('127.0.0.21', port, silent);
    await tcpServer('127.0.0.22', port, reset);
  }
  await tcpServer('127.0.0.23', P, (s) => {
    s.on('error', () => undefined);
    s.once('data', (req) => {
      // Not HTTP for one name; endless headers for the other.
      if (req.toString('latin1').includes('Host: garbage.')) s.end('SSH-2.0-OpenSSH_9.6\r\n');
      else s.write(`HTTP/1.1 200 OK\r\nX-Padding: ${'a'.repeat(64 * 1024)}\r\n`);
    });
  });
  await httpServer('127.0.0.24', P, (_req, res) => {
    res.writeHead(301, { location: 'https://plain.example.com/.well-known/acme-challenge/x' });
    res.end();
  });
  await httpServer('127.0.0.24', T, (_req, res) => res.end('plain HTTP on the TLS port'));
  await httpServer('127.0.0.25', P, (_req, res) => res.end(`${KEYAUTH}${' padding'.repeat(40)}`));

  const alpn = { ALPNProtocols: [ACME_TLS_ALPN] };
  const good = certs.selfSigned('alpn.example.com', ['subjectAltName=DNS:alpn.example.com', acmeExt(true)]);
  await tlsServer('127.0.0.26', { key: good.key, cert: good.cert, ...alpn });
  const two = certs.selfSigned('twosans.example.com', [
    'subjectAltName=DNS:twosans.example.com,DNS:www.twosans.example.com',
    acmeExt(true),
  ]);
  await tlsServer('127.0.0.27', { key: two.key, cert: two.cert, ...alpn });
  const soft = certs.selfSigned('notcritical.example.com', [
    'subjectAltName=DNS:notcritical.example.com',
    acmeExt(false),
  ]);
  await tlsServer('127.0.0.28', { key: soft.key, cert: soft.cert, ...alpn });
  root = certs.selfSigned('Faults Test Root', CA_EXTS);
  const signed = certs.signed('casigned.example.com', root, [
    'subjectAltName=DNS:casigned.example.com',
    acmeExt(true),
  ]);
  await tlsServer('127.0.0.29', { key: signed.key, cert: signed.cert, ...alpn });
  const bare = certs.selfSigned('noext.example.com', ['subjectAltName=DNS:noext.example.com']);
  await tlsServer('127.0.0.30', { key: bare.key, cert: bare.cert, ...alpn });
  await tlsServer('127.0.0.31', {
    key: good.key,
    cert: good.cert,
    ...alpn,
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.1',
    ciphers: 'DEFAULT:@SECLEVEL=0',
  });
  const leaf = certs.signed('ownroot.example.com', root, [
    'subjectAltName=DNS:ownroot.example.com',
    'basicConstraints=CA:false',
  ]);
  // The full chain up to a root of its own, which no public trust store holds.
  await tlsServer('127.0.0.32', { key: leaf.key, cert: leaf.cert + root.cert });
});

afterAll(async () => {
  await Promise.all(tlsServers.map((s) => new Promise((r) => s.close(r))));
  await closeAll();
  certs.cleanup();
});

const deps = () => ({ profile: labProfile(P, T), resolveAddresses: resolve });
const http01 = async (name: string, extra: { token?: string; expected?: string } = {}) =>
  judgeHttp01(await probeHttp01(nameRef(name), { ...deps(), ...extra }));
const alpn01 = async (name: string, expected: string | null = KEYAUTH) =>
  judgeTlsAlpn01(
    await probeTlsAlpn01(nameRef(name), { ...deps(), ...(expected === null ? {} : { expected }) }),
  );
const codes = (fs: { code: string }[]) => fs.map((f) => f.code).sort();

describe('HTTP-01 against hostile port-80 servers', () => {
  it('a server that accepts and never answers is a read timeout', async () => {
    const fs = await http01('silent.example.com');
    expect(codes(fs)).toEqual(['HTTP01_READ_TIMEOUT']);
    expect(fs[0]).toMatchObject({
      severity: 'error',
      acmeProblem: 'urn:ietf:params:acme:error:connection',
    });
    expect(fs[0]?.caMessage).toMatch(
      /^127\.0\.0\.21: Fetching http:\/\/silent\.example\.com\/\.well-known\/acme-challenge\/\S+: Timeout after connect \(your server may be slow or overloaded\)$/,
    );
    expect(fs[0]?.detail).toContain('127.0.0.21 accepted the connection');
  });

  it('a server that resets the connection is a connection error', async () => {
    const fs = await http01('reset.example.com');
    expect(codes(fs)).toEqual(['HTTP01_CONNECTION_ERROR']);
    expect(fs[0]?.caMessage).toMatch(/: Connection reset by peer$/);
    expect(fs[0]?.detail).toContain('reset');
  });

  it('a reply that is not HTTP, and endless headers, are connection errors', async () => {
    const notHttp = await http01('garbage.example.com');
    expect(codes(notHttp)).toEqual(['HTTP01_CONNECTION_ERROR']);
    expect(notHttp[0]?.caMessage).toMatch(/malformed HTTP response$/);
    const huge = await http01('hugeheaders.example.com');
    expect(codes(huge)).toEqual(['HTTP01_CONNECTION_ERROR']);
    expect(huge[0]?.caMessage).toMatch(/response headers too large$/);
  });

  it('a redirect to https where the TLS port speaks plain HTTP', async () => {
    const fs = await http01('to-plain.example.com');
    expect(codes(fs)).toEqual(['HTTP01_REDIRECTS_FOLLOWED', 'HTTP01_REDIRECT_HTTPS_NOT_TLS']);
    expect(fs[0]?.code).toBe('HTTP01_REDIRECT_HTTPS_NOT_TLS');
    expect(fs[0]).toMatchObject({ acmeProblem: 'urn:ietf:params:acme:error:malformed' });
    expect(fs[0]?.caMessage).toMatch(
      /^127\.0\.0\.24: Fetching https:\/\/plain\.example\.com\/.*: Server only speaks HTTP, not TLS$/,
    );
    expect(fs[0]?.detail).toContain('plain HTTP on the TLS port at 127.0.0.24');
  });

  it(`a key authorization padded to ${MAX_BODY_BYTES} bytes or more is refused`, async () => {
    const fs = await http01('big.example.com', { token: 'faulttoken', expected: KEYAUTH });
    expect(codes(fs)).toEqual(['HTTP01_BODY_TOO_LARGE']);
    expect(fs[0]?.caMessage).toMatch(new RegExp(`body of ${MAX_BODY_BYTES} bytes or more`));
    expect(verdictOf(fs)).toBe('fail');
  });
});

describe('TLS-ALPN-01 over real handshakes', () => {
  it('acme-tls/1 negotiated with no pending challenge: ready', async () => {
    const fs = await alpn01('alpn.example.com', null);
    expect(codes(fs)).toEqual(['TLSALPN01_READY']);
    expect(fs[0]?.evidence[0]).toMatchObject({
      address: '127.0.0.26',
      answer: expect.stringContaining('ALPN acme-tls/1'),
    });
    expect(codes(await alpn01('alpn.example.com'))).toEqual(['TLSALPN01_VALID']);
  });

  it.each([
    ['twosans.example.com', '127.0.0.27', 'the SAN must be exactly DNS:twosans.example.com'],
    ['notcritical.example.com', '127.0.0.28', 'the acmeIdentifier extension is not critical'],
    ['casigned.example.com', '127.0.0.29', 'the certificate is not self-signed'],
    ['noext.example.com', '127.0.0.30', 'the acmeIdentifier extension (1.3.6.1.5.5.7.1.31) is missing'],
  ])('%s at %s: a wrong challenge certificate is named (%s)', async (name, address, problem) => {
    const fs = await alpn01(name);
    expect(codes(fs)).toEqual(['TLSALPN01_BAD_CERTIFICATE']);
    expect(fs[0]?.detail).toContain(problem);
    expect(fs[0]?.caMessage).toBe(
      `${address}: ${name}: Incorrect validation certificate for acme-tls/1 challenge`,
    );
  });

  it.each([
    ['silent.example.com', 'handshake-timeout'],
    ['reset.example.com', 'reset'],
  ])('%s on the TLS port is a connection problem (%s)', async (name, outcome) => {
    const fs = await alpn01(name);
    expect(codes(fs)).toEqual(['TLSALPN01_CONNECTION']);
    expect(fs[0]?.detail).toContain(outcome);
    expect(fs[0]?.acmeProblem).toBe('urn:ietf:params:acme:error:connection');
  });

  it('a TLS 1.0/1.1-only responder fails the handshake (TLS 1.2 minimum)', async () => {
    const fs = await alpn01('legacy.example.com');
    expect(codes(fs)).toEqual(['TLSALPN01_TLS_ERROR']);
    expect(fs[0]?.acmeProblem).toBe('urn:ietf:params:acme:error:tls');
    expect(fs[0]?.caMessage).toMatch(/^127\.0\.0\.31: legacy\.example\.com: TLS error: /);
  });

  it('no usable address: NXDOMAIN, or only reserved addresses (no socket opened)', async () => {
    const nx = await alpn01('missing.example.com');
    expect(codes(nx)).toEqual(['TLSALPN01_NO_ADDRESSES']);
    expect(nx[0]?.caMessage).toContain('NXDOMAIN looking up A for missing.example.com');
    const reserved = await alpn01('reserved.example.com');
    expect(codes(reserved)).toEqual(['TLSALPN01_NO_ADDRESSES']);
    expect(reserved[0]?.caMessage).toBe(
      'DNS problem: no valid A records found for reserved.example.com; no valid AAAA records found for reserved.example.com',
    );
  });
});

describe('the certificate on the TLS port', () => {
  it.each([
    ['silent.example.com', 'handshake-timeout'],
    ['reset.example.com', 'reset'],
  ])('%s: no TLS at all is reported as information (%s)', async (name, outcome) => {
    const fs = judgeCertificate(await probeCertificate(nameRef(name), deps()));
    expect(codes(fs)).toEqual(['CERT_TLS_UNREACHABLE']);
    expect(fs[0]?.severity).toBe('info');
    expect(fs[0]?.detail).toContain(outcome);
    expect(verdictOf(fs)).toBe('pass');
  });

  it('a full chain to a root no trust store holds is untrusted', async () => {
    const ev = await probeCertificate(nameRef('ownroot.example.com'), deps());
    expect(ev.addresses[0]?.handshake.chain).toHaveLength(2);
    const fs = judgeCertificate(ev, { expiringDays: 1 });
    expect(codes(fs)).toEqual(['CERT_UNTRUSTED']);
    expect(fs[0]?.detail).toContain('Faults Test Root');
    // The same chain is fine for a client that trusts that root.
    expect(codes(judgeCertificate(ev, { roots: [new X509Certificate(root.cert)], expiringDays: 1 }))).toEqual(
      ['CERT_OK'],
    );
  });
});
