import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { judgeHttp01, probeHttp01 } from '../../src/checks/http01/index.js';
import { withWebrootToken, cleanupWebrootTokens, webrootTokenPath } from '../../src/solve/webroot.js';
import { verdictOf } from '../../src/report/finding.js';
import { codeInfo } from '../../src/report/catalogue.js';
import { cdnForAddress, cdnForHeaders } from '../../src/http/cdn-ranges.js';
import tls from 'node:tls';
import net from 'node:net';
import { jest } from '@jest/globals';
import { CertFactory } from './certs.js';
import { blackhole, closeAll, freePort, httpServer, labProfile, table } from './helpers.js';
import { nameRef } from '../../src/identifiers.js';

let P = 0;
let Q = 0;
let T = 0;
const webroot = mkdtempSync(path.join(tmpdir(), 'preflight-webroot-'));

const resolve = table({
  'webroot.example.com': { v4: ['127.0.0.2'] },
  'spa.example.com': { v4: ['127.0.0.3'] },
  'waf.example.com': { v4: ['127.0.0.4'] },
  'stateless.example.com': { v4: ['127.0.0.5'] },
  'closed.example.com': { v4: ['127.0.0.6'] },
  'split.example.com': { v4: ['127.0.0.2', '127.0.0.7'] },
  'v6.example.com': { v6: ['::1'], v4: ['127.0.0.2'] },
  'redirect.example.com': { v4: ['127.0.0.8'] },
  'mixed.example.com': { v4: ['127.0.0.2', '10.1.2.3'] },
  'to-legacy.example.com': { v4: ['127.0.0.10'] },
  'legacy.example.com': { v4: ['127.0.0.10'] },
  'to-tls.example.com': { v4: ['127.0.0.11'] },
  'tls.example.com': { v4: ['127.0.0.11'] },
  'private.example.com': { v4: ['10.0.0.1', '169.254.169.254'] },
  'router.example.com': { v4: ['127.0.0.12'] },
});
const certs = new CertFactory();
const tlsServers: tls.Server[] = [];
const KEYAUTH_TLS = 'tlstoken.thumb';

beforeAll(async () => {
  P = await freePort('127.0.0.2');
  Q = await freePort('127.0.0.2');
  T = await freePort('127.0.0.6');
  // A webroot server: serves files from `webroot`, 404 otherwise.
  const serveWebroot = (port: number) =>
    httpServer('127.0.0.2', port, (req, res) => {
      const file = path.join(webroot, decodeURIComponent(req.url ?? '/'));
      if (file.startsWith(webroot) && existsSync(file)) return res.end(readFileSync(file));
      res.statusCode = 404;
      res.end('<html>404 Not Found</html>');
    });
  await serveWebroot(P);
  await serveWebroot(Q);
  await httpServer('127.0.0.3', P, (_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><html><body><div id="app"></div></body></html>');
  });
  await httpServer('127.0.0.4', P, (_req, res) => {
    res.writeHead(403, { server: 'cloudflare', 'cf-ray': '8a1b2c3d4e5f-AMS' });
    res.end('Attention Required!');
  });
  await httpServer('127.0.0.5', P, (req, res) => res.end(`${(req.url ?? '').split('/').pop()}.thumb`));
  // A home router's admin page where the port forward should be.
  await httpServer('127.0.0.12', P, (_req, res) => {
    res.writeHead(401, {
      server: 'RomPager/4.07 UPnP/1.0',
      'www-authenticate': 'Basic realm="TP-LINK Wireless Router"',
    });
    res.end('<html><title>Router Login</title></html>');
  });
  await httpServer('127.0.0.6', T, (_req, res) => res.end('tls port is open (plain here)'));
  await httpServer('127.0.0.7', P, (_req, res) => {
    res.statusCode = 500;
    res.end();
  });
  await httpServer('::1', Q, (_req, res) => {
    res.statusCode = 500;
    res.end();
  });
  const self = certs.selfSigned('tls.example.com', ['subjectAltName=DNS:tls.example.com']);
  const serveTls = async (address: string, opts: tls.TlsOptions) => {
    const srv = tls.createServer(opts, (c) => {
      c.once('data', () =>
        c.end(`HTTP/1.1 200 OK\r\nContent-Length: ${KEYAUTH_TLS.length}\r\n\r\n${KEYAUTH_TLS}`),
      );
    });
    srv.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => srv.listen(T, address, () => r()));
    tlsServers.push(srv);
  };
  await serveTls('127.0.0.10', {
    key: self.key,
    cert: self.cert,
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.1',
    ciphers: 'DEFAULT:@SECLEVEL=0',
  });
  await serveTls('127.0.0.11', { key: self.key, cert: self.cert });
  for (const [address, target] of [
    ['127.0.0.10', 'https://legacy.example.com/x'],
    ['127.0.0.11', 'https://tls.example.com/x'],
  ] as const) {
    await httpServer(address, P, (_req, res) => {
      res.writeHead(301, { location: target });
      res.end();
    });
  }
  await httpServer('127.0.0.8', P, (_req, res) => {
    res.writeHead(303, { location: 'http://webroot.example.com/' });
    res.end();
  });
});

afterAll(async () => {
  await Promise.all(tlsServers.map((srv) => new Promise((r) => srv.close(r))));
  certs.cleanup();
  await closeAll();
  rmSync(webroot, { recursive: true, force: true });
});

const deps = (port = P) => ({ profile: labProfile(port, T), resolveAddresses: resolve });
const run = async (name: string, port = P, extra: { token?: string; expected?: string } = {}) => {
  const ev = await probeHttp01(nameRef(name), { ...deps(port), ...extra });
  return { ev, findings: judgeHttp01(ev) };
};
const codes = (fs: { code: string }[]) => fs.map((f) => f.code).sort();

describe('probeHttp01 + judgeHttp01', () => {
  it('a 404 for a random token means a webroot would work', async () => {
    const { ev, findings } = await run('webroot.example.com');
    expect(ev.randomToken).toBe(true);
    expect(ev.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codes(findings)).toEqual(['HTTP01_OK']);
    expect(verdictOf(findings)).toBe('pass');
    expect(findings[0]?.evidence.map((e) => e.address)).toContain('127.0.0.2');
  });

  it('a 200 page for a random token is a catch-all', async () => {
    const { findings } = await run('spa.example.com');
    expect(codes(findings)).toEqual(['HTTP01_CATCH_ALL']);
    expect(findings[0]?.severity).toBe('error');
    expect(findings[0]?.remediation).toContain('location ^~ /.well-known/acme-challenge/');
  });

  it('recognises a stateless responder', async () => {
    const { findings } = await run('stateless.example.com');
    expect(codes(findings)).toEqual(['HTTP01_STATELESS_RESPONDER']);
    expect(verdictOf(findings)).toBe('pass');
  });

  it('a 403 from a CDN WAF is a block, and the CDN is named', async () => {
    const { findings } = await run('waf.example.com');
    expect(codes(findings)).toEqual(['HTTP01_CDN_DETECTED', 'HTTP01_WAF_BLOCK']);
    const waf = findings.find((f) => f.code === 'HTTP01_WAF_BLOCK')!;
    expect(waf.caMessage).toMatch(
      /Invalid response from http:\/\/waf\.example\.com\/\.well-known\/acme-challenge\/\S+: 403/,
    );
    expect(waf.detail).toContain('Cloudflare');
    expect(findings.find((f) => f.code === 'HTTP01_CDN_DETECTED')?.severity).toBe('warning');
  });

  it('refused on port 80 while port 443 answers: port 80 is closed, the host is up', async () => {
    const { findings } = await run('closed.example.com');
    expect(codes(findings)).toEqual(['HTTP01_CONNECTION_REFUSED', 'HTTP01_PORT80_FILTERED']);
    const f = findings.find((x) => x.code === 'HTTP01_CONNECTION_REFUSED')!;
    expect(f.caMessage).toMatch(/Connection refused$/);
    expect(f.detail).toContain('Port 443 at the same address answers');
    expect(f.remediation).toContain('allow tcp/80');
  });

  it('dropped packets are a connect timeout (firewall drops)', async () => {
    const hole = await blackhole('127.0.0.9');
    try {
      const ev = await probeHttp01(nameRef('127.0.0.9'), {
        profile: labProfile(hole.port, T),
        resolveAddresses: resolve,
      });
      const findings = judgeHttp01(ev);
      expect(findings[0]?.code).toBe('HTTP01_CONNECT_TIMEOUT');
      expect(findings[0]?.caMessage).toMatch(/Timeout during connect \(likely firewall problem\)$/);
      expect(findings[0]?.detail).toContain('Port 443 at the same address also fails');
    } finally {
      hole.stop();
    }
  });

  it('addresses that behave differently are named, with the one the CA uses', async () => {
    const { ev, findings } = await run('split.example.com');
    expect(ev.perAddress.map((p) => [p.address, p.caRole])).toEqual([
      ['127.0.0.2', 'first'],
      ['127.0.0.7', 'unused'],
    ]);
    expect(codes(findings)).toEqual(['HTTP01_ADDRESSES_DIFFER', 'HTTP01_OK']);
    const d = findings.find((f) => f.code === 'HTTP01_ADDRESSES_DIFFER')!;
    expect(d.detail).toContain('127.0.0.2 (used by the CA): HTTP 404');
    expect(d.detail).toContain('127.0.0.7 (not used by the CA): HTTP 500');
  });

  it('IPv6 refused with working IPv4: a warning, the CA falls back', async () => {
    const { ev, findings } = await run('v6.example.com', P);
    expect(ev.ca.attempts.map((a) => a.role)).toEqual(['ca', 'fallback']);
    const f = findings.find((x) => x.code === 'HTTP01_IPV6_BROKEN')!;
    expect(f.severity).toBe('warning');
    expect(f.detail).toContain('falls back to 127.0.0.2');
    expect(verdictOf(findings)).toBe('warn');
  });

  it('IPv6 answering 500 with working IPv4: an error, no fallback', async () => {
    const { ev, findings } = await run('v6.example.com', Q);
    expect(ev.ca.attempts).toHaveLength(1);
    const f = findings.find((x) => x.code === 'HTTP01_IPV6_BROKEN')!;
    expect(f.severity).toBe('error');
    expect(codes(findings)).toContain('HTTP01_BAD_STATUS');
  });

  it('names the redirect rule broken', async () => {
    const { findings } = await run('redirect.example.com');
    expect(findings[0]).toMatchObject({
      code: 'HTTP01_REDIRECT_INVALID',
      title: 'Redirect breaks the CA rule "status-303"',
    });
    expect(findings[0]?.acmeProblem).toBe('urn:ietf:params:acme:error:connection');
  });

  it('recognises a router answering port 80 instead of the web server', async () => {
    const { findings } = await run('router.example.com');
    expect(codes(findings)).toEqual(['HTTP01_BAD_STATUS', 'HTTP01_ROUTER_ANSWERING']);
    const router = findings.find((f) => f.code === 'HTTP01_ROUTER_ANSWERING')!;
    expect(router.detail).toContain('RomPager');
    expect(router.remediation).toMatch(/Forward tcp\/80/);
  });

  it('drops reserved addresses as the CA does (the resolution checks report them)', async () => {
    const { ev, findings } = await run('mixed.example.com');
    expect(ev.reserved).toEqual([{ address: '10.1.2.3', range: '10.0.0.0/8' }]);
    expect(codes(findings)).toEqual(['HTTP01_OK']);
  });

  it('follows a redirect to https without verifying the certificate', async () => {
    const { ev, findings } = await run('to-tls.example.com', P, { token: 'tlstoken', expected: KEYAUTH_TLS });
    expect(ev.ca.redirects).toEqual(['https://tls.example.com/x']);
    expect(ev.ca.attempts[1]).toMatchObject({ scheme: 'https', port: T, tlsProtocol: 'TLSv1.3' });
    expect(codes(findings)).toEqual(['HTTP01_OK', 'HTTP01_REDIRECTS_FOLLOWED']);
  });

  it('an https redirect to a TLS 1.0/1.1-only server fails', async () => {
    const { findings } = await run('to-legacy.example.com');
    expect(findings[0]).toMatchObject({
      code: 'HTTP01_REDIRECT_TLS_ERROR',
      acmeProblem: 'urn:ietf:params:acme:error:tls',
    });
  });

  it('never opens a socket to reserved addresses while probing', async () => {
    const spy = jest.spyOn(net.Socket.prototype, 'connect');
    try {
      const { findings } = await run('private.example.com');
      expect(findings[0]?.code).toBe('HTTP01_NO_ADDRESSES');
      expect(findings[0]?.detail).toContain('10.0.0.1 (10.0.0.0/8)');
      const calls = spy.mock.calls.map((a) => JSON.stringify(a));
      expect(calls.filter((c) => c.includes('10.0.0.1') || c.includes('169.254.169.254'))).toEqual([]);
      await run('webroot.example.com');
      expect(spy.mock.calls.map((a) => JSON.stringify(a)).some((c) => c.includes('127.0.0.2'))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses HTTP-01 for wildcards', () => {
    const f = judgeHttp01({ identifier: '*.example.com' } as never);
    expect(f[0]?.code).toBe('HTTP01_WILDCARD');
  });
});

describe('--webroot', () => {
  it('places the real token, proves it end to end, and removes it', async () => {
    const token = 'AbCdEf0123456789_-token';
    const keyAuth = `${token}.thumbprint`;
    const file = webrootTokenPath(webroot, token);
    const findings = await withWebrootToken(webroot, token, keyAuth, async () => {
      expect(readFileSync(file, 'utf8')).toBe(keyAuth);
      return judgeHttp01(
        await probeHttp01(nameRef('webroot.example.com'), { ...deps(), token, expected: keyAuth }),
      );
    });
    expect(codes(findings)).toEqual(['HTTP01_OK']);
    expect(existsSync(file)).toBe(false);
  });

  it('a wrong key authorization is reported with the CA message', async () => {
    const token = 'wrongbodytoken';
    const findings = await withWebrootToken(webroot, token, `${token}.old`, async () =>
      judgeHttp01(
        await probeHttp01(nameRef('webroot.example.com'), { ...deps(), token, expected: `${token}.new` }),
      ),
    );
    expect(findings[0]?.code).toBe('HTTP01_WRONG_BODY');
    expect(findings[0]?.caMessage).toContain(
      'The key authorization file from the server did not match this challenge',
    );
  });

  it('removes the file when the callback throws, and exposes a cleanup for signals', async () => {
    const file = webrootTokenPath(webroot, 'boom');
    await expect(
      withWebrootToken(webroot, 'boom', 'x', async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(existsSync(file)).toBe(false);
    let seen: string[] = [];
    await withWebrootToken(webroot, 'sig', 'x', async () => {
      seen = cleanupWebrootTokens();
    });
    expect(seen).toEqual([webrootTokenPath(webroot, 'sig')]);
    expect(existsSync(seen[0]!)).toBe(false);
  });

  it('refuses a token that would escape the webroot', async () => {
    await expect(withWebrootToken(webroot, '../../etc/x', 'x', async () => 1)).rejects.toThrow(
      'invalid token',
    );
  });
});

describe('CDN detection data', () => {
  it('knows a few published ranges and headers', () => {
    expect(cdnForAddress('104.16.1.1')).toBe('Cloudflare');
    expect(cdnForAddress('2606:4700::1')).toBe('Cloudflare');
    expect(cdnForAddress('151.101.1.1')).toBe('Fastly');
    expect(cdnForAddress('192.0.2.1')).toBeUndefined();
    expect(cdnForHeaders({ 'x-amz-cf-id': 'abc' })).toBe('Amazon CloudFront');
    expect(cdnForHeaders({ 'x-served-by': 'cache-ams21038-AMS' })).toBe('Fastly');
    expect(cdnForHeaders({ server: 'nginx' })).toBeUndefined();
  });

  it('every code used is documented with a problem type when it is an error', () => {
    for (const c of [
      'HTTP01_CATCH_ALL',
      'HTTP01_CONNECT_TIMEOUT',
      'HTTP01_REDIRECT_INVALID',
      'HTTP01_NO_ADDRESSES',
    ]) {
      const info = codeInfo(c);
      expect(info.severity).toBe('error');
      expect(info.acmeProblem).toBeTruthy();
    }
  });
});
