import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { checkRedirect, isRedirectStatus, parseTarget, targetPort } from '../../src/http/redirect.js';
import { ResponseReader } from '../../src/http/raw.js';

const base = 'http://example.com/.well-known/acme-challenge/t';
const check = (location: string, extra: Partial<Parameters<typeof checkRedirect>[0]> = {}) =>
  checkRedirect({ status: 301, location, base, followed: 0, visited: [base], allow: [], ...extra });

interface TargetRow {
  name: string;
  url: string;
  error?: string;
  host?: string;
  port?: number;
}
interface RedirectRow {
  name: string;
  from: string;
  status: number;
  location: string;
  visited?: string[];
  followed?: number;
  detail?: string;
  follows?: string;
}
const table = JSON.parse(
  readFileSync(new URL('../../fixtures/ca-tables/boulder-http.json', import.meta.url), 'utf8'),
) as {
  extractRequestTarget: TargetRow[];
  redirects: RedirectRow[];
  goUrl: { cases: { location: string; detail?: string; follows?: string }[] };
};
/** Boulder's test VA permits loopback; so does a lab profile. */
const LAB_ALLOW = ['127.0.0.0/8', '::1/128'];
const expand = (s: string): string =>
  s.replace(/\{(\d+)\}/g, (_m, n: string) =>
    '0123456789'.repeat(Math.ceil(Number(n) / 10)).slice(0, Number(n)),
  );

describe('Boulder va/http_test.go TestExtractRequestTarget as data', () => {
  it.each(table.extractRequestTarget.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const d = checkRedirect({
      status: 302,
      location: row.url,
      base,
      followed: 0,
      visited: [base],
      allow: LAB_ALLOW,
    });
    if (row.error !== undefined) {
      expect(d).toMatchObject({ ok: false, message: row.error, fetching: row.url });
    } else {
      expect(d).toMatchObject({ ok: true, target: { host: row.host, caPort: row.port } });
    }
  });
});

describe('Boulder va/http_test.go redirect rows (TestFetchHTTP, TestHTTPRedirectLookup) as data', () => {
  it.each(table.redirects.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const from = parseTarget(row.from);
    const d = checkRedirect({
      status: row.status,
      location: expand(row.location),
      base: from.parsed,
      followed: row.followed ?? 0,
      visited: row.visited ?? [from.url],
      allow: LAB_ALLOW,
    });
    if (row.detail !== undefined) {
      expect(d.ok).toBe(false);
      if (!d.ok) expect(`Fetching ${d.fetching}: ${d.message}`).toBe(expand(row.detail));
    } else {
      expect(d).toMatchObject({ ok: true, target: { url: row.follows } });
    }
  });
});

describe("Location parsed as Go's net/url does", () => {
  it.each(table.goUrl.cases.map((r) => [r.location, r] as const))('%s', (_loc, row) => {
    const d = check(row.location);
    if (row.detail !== undefined) {
      expect(d.ok).toBe(false);
      if (!d.ok) expect(`Fetching ${d.fetching}: ${d.message}`).toBe(row.detail);
    } else {
      expect(d).toMatchObject({ ok: true, target: { url: row.follows } });
    }
  });

  it('keeps the path escaping on the request line and counts the decoded path', () => {
    expect(check('/a%20b?q=1')).toMatchObject({ ok: true, target: { path: '/a%20b?q=1' } });
    expect(check('/caf\u00e9')).toMatchObject({ ok: true, target: { path: '/caf%C3%A9' } });
    // 2000 decoded bytes pass, 2001 fail; %41 counts as one byte, as Go's URL.Path does.
    expect(check(`/${'p'.repeat(1999)}`).ok).toBe(true);
    expect(check(`/${'%41'.repeat(1999)}`).ok).toBe(true);
    expect(check(`/${'p'.repeat(2000)}`)).toMatchObject({ ok: false, rule: 'path-too-long' });
  });
});

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

  it('allows public IP literals and refuses reserved ones with the CA wording', () => {
    expect(check('http://1.1.1.1/x')).toMatchObject({ ok: true, target: { isIp: true, host: '1.1.1.1' } });
    expect(check('http://[2606:4700::1]/x')).toMatchObject({ ok: true, target: { host: '2606:4700::1' } });
    expect(check('http://169.254.169.254/latest')).toMatchObject({
      ok: false,
      rule: 'reserved-ip',
      message:
        'Invalid host in redirect target: IP address is in a reserved address block: [RFC3927]: Link Local',
    });
    expect(check('http://[::1]/x')).toMatchObject({ ok: false, rule: 'reserved-ip' });
    expect(check('http://127.0.0.1/x', { allow: ['127.0.0.0/8'] })).toMatchObject({ ok: true });
  });

  it('refuses IPv4-compatible spellings the CA would follow, marked as a deliberate difference', () => {
    const d = check('http://[::169.254.169.254]/latest');
    expect(d).toMatchObject({ ok: false, rule: 'reserved-ip' });
    if (!d.ok) {
      expect(d.message).toMatch(/embeds the reserved IPv4 address 169\.254\.169\.254/);
      expect(d.projectOnly).toMatch(/the CA would follow/);
    }
  });

  it('applies status, count, port and suffix rules', () => {
    expect(check('/x', { status: 303 })).toMatchObject({ ok: false, rule: 'status-303' });
    for (const s of [301, 302, 307, 308]) expect(check('/x', { status: s }).ok).toBe(true);
    // Go's client follows only 301, 302, 303, 307 and 308; other 3xx are final responses.
    for (const s of [300, 304, 305, 306]) expect(isRedirectStatus(s)).toBe(false);
    expect(check('/x', { followed: 11 })).toMatchObject({ ok: false, rule: 'too-many' });
    expect(check('/x', { followed: 10 }).ok).toBe(true);
    expect(check('https://example.com:443/x').ok).toBe(true);
    expect(check('https://example.com:8443/x')).toMatchObject({ ok: false, rule: 'port' });
    expect(check('http://example.invalidtld/x')).toMatchObject({ ok: false, rule: 'public-suffix' });
    expect(check('http://example.com./x')).toMatchObject({ ok: false, rule: 'public-suffix' });
    expect(check(base)).toMatchObject({ ok: false, rule: 'loop' });
    expect(check('mailto:a@example.com')).toMatchObject({ ok: false, rule: 'scheme' });
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
