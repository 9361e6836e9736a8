import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { challengeUrl, fetchLikeCa } from '../../src/http/fetch.js';
import { MAX_REDIRECTS_FOLLOWED } from '../../src/http/constants.js';
import { blackhole, closeAll, freePort, httpServer, labProfile, table, tcpServer } from './helpers.js';

const TOKEN = 'tok123';
const KEYAUTH = 'tok123.thumbprint';
let P = 0; // the lab's "port 80"
let T = 0; // the lab's "port 443" (closed here)

const resolve = table({
  'example.com': { v4: ['127.0.0.2'] },
  'other.example.com': { v4: ['127.0.0.3'] },
  'private.example.com': { v4: ['10.0.0.1'], v6: ['fe80::1'] },
  'metadata.example.com': { v4: ['169.254.169.254'] },
  'closed.example.com': { v4: ['127.0.0.4'] },
  'slow.example.com': { v4: ['127.0.0.5'] },
  'hostile.example.com': { v4: ['127.0.0.6'] },
  'dual.example.com': { v6: ['::1'], v4: ['127.0.0.2'] },
  'v6bad.example.com': { v6: ['::1'], v4: ['127.0.0.2'] },
});

const redirect = (res: import('node:http').ServerResponse, status: number, location: string): void => {
  res.writeHead(status, { location });
  res.end();
};

beforeAll(async () => {
  P = await freePort('127.0.0.2');
  T = await freePort('127.0.0.2');
  await httpServer('127.0.0.2', P, (req, res) => {
    const url = req.url ?? '';
    const m = /^\/hop\/(\d+)$/.exec(url);
    if (m) {
      const n = Number(m[1]);
      return n === 0 ? res.end(KEYAUTH) : redirect(res, 302, `/hop/${n - 1}`);
    }
    if (url === `/.well-known/acme-challenge/${TOKEN}`) return res.end(`${KEYAUTH} \r\n\t`);
    if (url === '/.well-known/acme-challenge/leading') return res.end(` ${KEYAUTH}`);
    if (url === '/.well-known/acme-challenge/b127') return res.end('x'.repeat(127));
    if (url === '/.well-known/acme-challenge/b128') return res.end('x'.repeat(128));
    if (url === '/.well-known/acme-challenge/chunked') {
      res.write('x'.repeat(100));
      return res.end('y'.repeat(100));
    }
    if (url === '/.well-known/acme-challenge/to-other')
      return redirect(res, 301, 'http://other.example.com/final');
    if (url === '/.well-known/acme-challenge/explicit80')
      return redirect(res, 308, 'http://other.example.com:80/final');
    if (url === '/.well-known/acme-challenge/see-other')
      return redirect(res, 303, 'http://other.example.com/final');
    // `all` redirects MAX_REDIRECTS_FOLLOWED times in total; `one-more` once more.
    if (url === '/.well-known/acme-challenge/all')
      return redirect(res, 302, `/hop/${MAX_REDIRECTS_FOLLOWED - 1}`);
    if (url === '/.well-known/acme-challenge/one-more')
      return redirect(res, 302, `/hop/${MAX_REDIRECTS_FOLLOWED}`);
    if (url === '/.well-known/acme-challenge/loop') return redirect(res, 302, '/loop-b');
    if (url === '/loop-b') return redirect(res, 307, '/.well-known/acme-challenge/loop');
    if (url === '/.well-known/acme-challenge/port')
      return redirect(res, 301, 'http://other.example.com:8080/final');
    if (url === '/.well-known/acme-challenge/ftp') return redirect(res, 301, 'ftp://other.example.com/final');
    if (url === '/.well-known/acme-challenge/wk')
      return redirect(res, 301, 'http://example.com.well-known/acme-challenge/x');
    if (url === '/.well-known/acme-challenge/internal')
      return redirect(res, 301, 'http://intranet.internal/x');
    if (url === '/.well-known/acme-challenge/longpath') return redirect(res, 301, `/${'a'.repeat(2001)}`);
    if (url === '/.well-known/acme-challenge/to-private') return redirect(res, 302, 'http://10.0.0.1/x');
    if (url === '/.well-known/acme-challenge/to-metadata-name')
      return redirect(res, 302, 'http://metadata.example.com/x');
    if (url === '/.well-known/acme-challenge/to-https')
      return redirect(res, 301, 'https://other.example.com/final');
    if (url === '/.well-known/acme-challenge/v6') return res.end(KEYAUTH);
    res.statusCode = 404;
    res.end('not found');
  });
  await httpServer('127.0.0.3', P, (req, res) => {
    if (req.url === '/final') return res.end(`${KEYAUTH}\n`);
    res.statusCode = 404;
    res.end();
  });
  // The TLS port at 127.0.0.3 speaks plain HTTP.
  await httpServer('127.0.0.3', T, (_req, res) => res.end(KEYAUTH));
  // ::1 port P answers 500 for v6bad (no fallback), and nothing for dual (refused).
  await httpServer('127.0.0.5', P, () => undefined); // accepts, never answers
  await tcpServer('127.0.0.6', P, (s) => {
    s.once('data', (d) => {
      const path = d.toString().split(' ')[1] ?? '';
      if (path.endsWith('/endless-body')) {
        s.write('HTTP/1.1 200 OK\r\n\r\n');
        const tick = setInterval(() => (s.destroyed ? clearInterval(tick) : s.write('z'.repeat(4096))), 1);
        s.on('close', () => clearInterval(tick));
      } else if (path.endsWith('/huge-headers')) {
        s.write('HTTP/1.1 200 OK\r\n');
        const tick = setInterval(
          () => (s.destroyed ? clearInterval(tick) : s.write(`X-Pad: ${'p'.repeat(8000)}\r\n`)),
          1,
        );
        s.on('close', () => clearInterval(tick));
      } else if (path.endsWith('/trickle')) {
        const msg = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';
        let i = 0;
        const tick = setInterval(
          () => (s.destroyed || i >= msg.length ? clearInterval(tick) : s.write(msg[i++]!)),
          200,
        );
        s.on('close', () => clearInterval(tick));
      } else if (path.endsWith('/not-http')) {
        s.write('\x16\x03\x01garbage that is not http\r\n\r\n');
      } else if (path.endsWith('/endless-redirects') || path.startsWith('/r/')) {
        s.end(`HTTP/1.1 302 Found\r\nLocation: /r/${Math.random()}\r\nContent-Length: 0\r\n\r\n`);
      }
    });
  });
});

afterAll(closeAll);

const deps = () => ({ profile: labProfile(P, T), resolveAddresses: resolve });
const url = (name: string, token: string) => challengeUrl(name, token);

describe('final response rules', () => {
  it('passes a 200 with the key authorization, trailing whitespace trimmed', async () => {
    const r = await fetchLikeCa(url('example.com', TOKEN), deps(), { expected: KEYAUTH });
    expect(r.problem).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(r.body).toBe(KEYAUTH);
    expect(r.attempts[0]).toMatchObject({ address: '127.0.0.2', port: P, role: 'ca', status: 200 });
  });

  it('does not trim leading whitespace', async () => {
    const r = await fetchLikeCa(url('example.com', 'leading'), deps(), { expected: KEYAUTH });
    expect(r.ok).toBe(false);
    expect(r.problem?.type).toBe('unauthorized');
    expect(r.problem?.detail).toMatch(/did not match this challenge/);
  });

  it('reports a 404 the way the CA does', async () => {
    const r = await fetchLikeCa(url('example.com', 'missing'), deps(), { expected: KEYAUTH });
    expect(r.problem).toEqual({
      type: 'unauthorized',
      detail: 'Invalid response from http://example.com/.well-known/acme-challenge/missing: 404',
    });
  });

  it('accepts a 127-byte body and rejects 128 bytes', async () => {
    expect((await fetchLikeCa(url('example.com', 'b127'), deps())).ok).toBe(true);
    const r = await fetchLikeCa(url('example.com', 'b128'), deps());
    expect(r.ok).toBe(false);
    expect(r.problem?.type).toBe('unauthorized');
    expect(r.attempts[0]?.bodyAtLimit).toBe(true);
  });

  it('counts chunked bodies after decoding', async () => {
    const r = await fetchLikeCa(url('example.com', 'chunked'), deps());
    expect(r.ok).toBe(false);
    expect(r.attempts[0]?.bodyBytes).toBe(128);
  });
});

describe('redirect rules', () => {
  it('follows a redirect to another name, re-resolving it', async () => {
    const r = await fetchLikeCa(url('example.com', 'to-other'), deps(), { expected: KEYAUTH });
    expect(r.ok).toBe(true);
    expect(r.redirects).toEqual(['http://other.example.com/final']);
    expect(r.attempts.map((a) => a.address)).toEqual(['127.0.0.2', '127.0.0.3']);
  });

  it('maps an explicit :80 to the profile HTTP port', async () => {
    const r = await fetchLikeCa(url('example.com', 'explicit80'), deps(), { expected: KEYAUTH });
    expect(r.ok).toBe(true);
    expect(r.attempts[1]?.port).toBe(P);
  });

  it('follows 11 redirects and fails the 12th, as Boulder does', async () => {
    expect(MAX_REDIRECTS_FOLLOWED).toBe(11);
    const ok = await fetchLikeCa(url('example.com', 'all'), deps(), { expected: KEYAUTH });
    expect(ok.redirects).toHaveLength(11);
    expect(ok.ok).toBe(true);
    const bad = await fetchLikeCa(url('example.com', 'one-more'), deps(), { expected: KEYAUTH });
    expect(bad.ok).toBe(false);
    expect(bad.problem).toMatchObject({
      type: 'connection',
      rule: 'too-many',
      detail: '127.0.0.2: Fetching /hop/0: Too many redirects',
    });
    expect(bad.redirects).toHaveLength(11);
    expect(bad.attempts).toHaveLength(12);
  });

  it.each([
    ['see-other', 'status-303'],
    ['loop', 'loop'],
    ['port', 'port'],
    ['ftp', 'scheme'],
    ['wk', 'well-known-host'],
    ['internal', 'public-suffix'],
    ['longpath', 'path-too-long'],
    ['to-private', 'reserved-ip'],
  ])('refuses redirect %s (rule %s)', async (token, rule) => {
    const r = await fetchLikeCa(url('example.com', token), deps());
    expect(r.ok).toBe(false);
    expect(r.problem).toMatchObject({ type: 'connection', rule });
  });

  it('ends endless redirects at the limit', async () => {
    const r = await fetchLikeCa(url('hostile.example.com', 'endless-redirects'), deps());
    expect(r.problem).toMatchObject({ rule: 'too-many' });
    expect(r.attempts).toHaveLength(MAX_REDIRECTS_FOLLOWED + 1);
  });

  it('reports plain HTTP on the TLS port after an https redirect', async () => {
    const r = await fetchLikeCa(url('example.com', 'to-https'), deps());
    expect(r.problem?.type).toBe('malformed');
    expect(r.problem?.detail).toMatch(/Server only speaks HTTP, not TLS/);
    expect(r.attempts[1]).toMatchObject({ scheme: 'https', port: T, address: '127.0.0.3' });
  });
});

describe('reserved addresses never get a socket', () => {
  it('drops reserved DNS answers and reserved redirect targets without connecting', async () => {
    const spy = jest.spyOn(net.Socket.prototype, 'connect');
    try {
      const profile = labProfile(P, T, { allowAddresses: ['127.0.0.0/8'] });
      const d = { profile, resolveAddresses: resolve };
      const a = await fetchLikeCa(url('private.example.com', TOKEN), d);
      expect(a.problem?.type).toBe('dns');
      expect(a.problem?.detail).toContain('no valid A records found for private.example.com');
      expect(a.reservedDropped.map((x) => x.address)).toEqual(['fe80::1', '10.0.0.1']);
      const b = await fetchLikeCa(url('metadata.example.com', TOKEN), d);
      expect(b.problem?.type).toBe('dns');
      const c = await fetchLikeCa(url('example.com', 'to-private'), d);
      expect(c.problem?.rule).toBe('reserved-ip');
      const e = await fetchLikeCa(url('example.com', 'to-metadata-name'), d);
      expect(e.problem?.type).toBe('dns');
      const targets = spy.mock.calls.map((args) => JSON.stringify(args));
      expect(targets.some((t) => t.includes('127.0.0.2'))).toBe(true);
      for (const bad of ['10.0.0.1', '169.254.169.254', 'fe80::1']) {
        expect(targets.filter((t) => t.includes(bad))).toEqual([]);
      }
    } finally {
      spy.mockRestore();
    }
  });
});

describe('connection failures', () => {
  it('reports a closed port as Connection refused', async () => {
    const r = await fetchLikeCa(url('closed.example.com', TOKEN), deps());
    expect(r.problem?.type).toBe('connection');
    expect(r.problem?.detail).toBe(
      `127.0.0.4: Fetching http://closed.example.com/.well-known/acme-challenge/${TOKEN}: Connection refused`,
    );
  });

  it('reports dropped SYNs as a timeout during connect', async () => {
    const hole = await blackhole('127.0.0.7');
    try {
      const profile = labProfile(hole.port, T);
      const started = Date.now();
      const r = await fetchLikeCa(url('127.0.0.7', TOKEN), { profile, resolveAddresses: resolve });
      expect(r.problem?.detail).toMatch(/Timeout during connect \(likely firewall problem\)$/);
      expect(r.attempts[0]?.outcome).toBe('connect-timeout');
      expect(Date.now() - started).toBeLessThan(profile.timeouts.httpDialMs + 500);
    } finally {
      hole.stop();
    }
  });

  it('reports a server that accepts but never answers as a timeout after connect', async () => {
    const r = await fetchLikeCa(url('slow.example.com', TOKEN), deps());
    expect(r.problem?.detail).toMatch(/Timeout after connect \(your server may be slow or overloaded\)$/);
    expect(r.durationMs).toBeLessThan(2500);
  });

  it('tries the first IPv6 address, then the first IPv4 address on connect failure', async () => {
    const r = await fetchLikeCa(url('dual.example.com', 'v6'), deps(), { expected: KEYAUTH });
    expect(r.attempts.map((a) => [a.address, a.role, a.outcome])).toEqual([
      ['::1', 'ca', 'refused'],
      ['127.0.0.2', 'fallback', 'response'],
    ]);
    expect(r.ok).toBe(true);
  });

  it('does not fall back after IPv6 answers', async () => {
    await httpServer('::1', P, (_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const r = await fetchLikeCa(url('v6bad.example.com', 'v6'), deps(), { expected: KEYAUTH });
    expect(r.attempts).toHaveLength(1);
    expect(r.problem?.detail).toMatch(/: 500$/);
  });
});

describe('hostile servers are bounded', () => {
  it('stops reading a body that never ends', async () => {
    const r = await fetchLikeCa(url('hostile.example.com', 'endless-body'), deps());
    expect(r.attempts[0]?.bodyBytes).toBe(128);
    expect(r.problem?.type).toBe('unauthorized');
  });

  it('aborts huge headers', async () => {
    const r = await fetchLikeCa(url('hostile.example.com', 'huge-headers'), deps());
    expect(r.attempts[0]?.outcome).toBe('headers-too-large');
    expect(r.problem?.type).toBe('connection');
  });

  it('gives up on a byte-a-while server within the total timeout', async () => {
    const started = Date.now();
    const r = await fetchLikeCa(url('hostile.example.com', 'trickle'), deps());
    expect(r.attempts[0]?.outcome).toBe('read-timeout');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('rejects a response that is not HTTP', async () => {
    const r = await fetchLikeCa(url('hostile.example.com', 'not-http'), deps());
    expect(r.attempts[0]?.outcome).toBe('protocol-error');
  });
});
