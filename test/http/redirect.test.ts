import { describe, expect, it } from '@jest/globals';
import { checkRedirect, targetPort } from '../../src/http/redirect.js';
import { ResponseReader } from '../../src/http/raw.js';

const base = 'http://example.com/.well-known/acme-challenge/t';
const check = (location: string, extra: Partial<Parameters<typeof checkRedirect>[0]> = {}) =>
  checkRedirect({ status: 301, location, base, followed: 0, visited: [base], allow: [], ...extra });

describe('checkRedirect (pure)', () => {
  it('lower-cases the host and resolves relative locations', () => {
    const d = check('HTTPS://WWW.Example.COM/a?b=1');
    expect(d).toMatchObject({
      ok: true,
      target: { scheme: 'https', host: 'www.example.com', caPort: 443, path: '/a?b=1' },
    });
    expect(check('/other')).toMatchObject({
      ok: true,
      target: { host: 'example.com', caPort: 80, path: '/other' },
    });
  });

  it('allows public IP literals and refuses reserved ones', () => {
    expect(check('http://1.1.1.1/x')).toMatchObject({ ok: true, target: { isIp: true, host: '1.1.1.1' } });
    expect(check('http://[2606:4700::1]/x')).toMatchObject({ ok: true, target: { host: '2606:4700::1' } });
    expect(check('http://169.254.169.254/latest')).toMatchObject({ ok: false, rule: 'reserved-ip' });
    expect(check('http://[::1]/x')).toMatchObject({ ok: false, rule: 'reserved-ip' });
    expect(check('http://127.0.0.1/x', { allow: ['127.0.0.0/8'] })).toMatchObject({ ok: true });
  });

  it('applies status, count, port and suffix rules', () => {
    expect(check('/x', { status: 303 })).toMatchObject({ ok: false, rule: 'status-303' });
    expect(check('/x', { status: 300 })).toMatchObject({ ok: false, rule: 'status' });
    for (const s of [301, 302, 307, 308]) expect(check('/x', { status: s }).ok).toBe(true);
    expect(check('/x', { followed: 10 })).toMatchObject({ ok: false, rule: 'too-many' });
    expect(check('/x', { followed: 9 }).ok).toBe(true);
    expect(check('https://example.com:443/x').ok).toBe(true);
    expect(check('https://example.com:8443/x')).toMatchObject({ ok: false, rule: 'port' });
    expect(check('http://example.invalidtld/x')).toMatchObject({ ok: false, rule: 'public-suffix' });
    expect(check('http://co.uk/x')).toMatchObject({ ok: false, rule: 'public-suffix' });
    expect(check(base)).toMatchObject({ ok: false, rule: 'loop' });
    expect(check('mailto:a@example.com')).toMatchObject({ ok: false, rule: 'scheme' });
    expect(check(`/${'p'.repeat(1999)}`).ok).toBe(true);
    expect(check(`/${'p'.repeat(2000)}`)).toMatchObject({ ok: false, rule: 'path-too-long' });
  });

  it('maps the CA ports to the profile ports', () => {
    expect(targetPort(80, { httpPort: 5080, tlsPort: 5443 })).toBe(5080);
    expect(targetPort(443, { httpPort: 5080, tlsPort: 5443 })).toBe(5443);
  });
});

describe('ResponseReader', () => {
  it('parses a split response and stops at the body limit', () => {
    const r = new ResponseReader(1024, 8);
    expect(r.push(Buffer.from('HTTP/1.1 200 OK\r\nServer: x'))).toBe('more');
    expect(r.push(Buffer.from('\r\nContent-Length: 20\r\n\r\nabc'))).toBe('more');
    expect(r.push(Buffer.from('defghijkl'))).toBe('done');
    expect(r.status).toBe(200);
    expect(r.header('server')).toBe('x');
    expect(r.body().toString()).toBe('abcdefgh');
  });

  it('rejects oversize headers and non-HTTP', () => {
    expect(
      new ResponseReader(16, 8).push(Buffer.from('HTTP/1.1 200 OK\r\nX: ' + 'a'.repeat(40))),
    ).toMatchObject({ outcome: 'headers-too-large' });
    expect(new ResponseReader(16, 8).push(Buffer.from('SSH-2.0-OpenSSH'))).toMatchObject({
      outcome: 'protocol-error',
    });
  });
});
