/** The HTTP API against the lab over real sockets: results, limits, timeouts, expiry, concurrency. */
import http from 'node:http';
import { join } from 'node:path';
import { preflight } from '../../src/engine/preflight.js';
import { servicePolicy } from '../../src/service/limits.js';
import { maxRunningUntilIdle, request, serveLab, waitEnded, type CheckJson, type Served } from './helpers.js';

const DEMO = join(process.cwd(), 'fixtures', 'scenarios', 'demo.yaml');

describe('serve API', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serveLab(DEMO, { limits: { namesPerRequest: 5, bodyBytes: 2048, checksPerMinute: 4 } });
  });
  afterAll(() => s.stop());

  it('POST /v1/checks returns an id; GET returns the same report the library gives', async () => {
    const names = ['ok.example-lab', 'caa.example-lab', 'missing.example-lab'];
    const r = await request(`${s.url}/v1/checks`, {
      body: { names, challenge: 'http-01' },
      from: '127.0.0.11',
    });
    expect(r.status).toBe(202);
    const { id } = r.json<{ id: string }>();
    expect(r.headers.location).toBe(`/v1/checks/${id}`);
    const done = await waitEnded(s.url, id);
    expect(done.status).toBe('done');
    expect(done.progress).toEqual(expect.objectContaining({ done: 3, total: 3 }));
    const direct = await preflight(names, { profile: { ...s.lab.profile, publicResolvers: [] } });
    const summary = (rep: NonNullable<CheckJson['report']>) =>
      rep.identifiers.map((i) => [
        i.identifier,
        i.verdict,
        i.findings.find((f) => f.severity === 'error')?.code,
      ]);
    expect(summary(done.report!)).toEqual(summary(direct));
    expect(done.expiresAt).toBeDefined();
  });

  it('streams progress as server-sent events and ends with the verdict', async () => {
    const names = ['ok.example-lab', 'internal.example-lab'];
    const r = await request(`${s.url}/v1/checks`, { body: { names }, from: '127.0.0.12' });
    const { id } = r.json<{ id: string }>();
    const text = await new Promise<string>((resolve, reject) => {
      http
        .get(`${s.url}/v1/checks/${id}/events`, (res) => {
          expect(res.headers['content-type']).toMatch(/text\/event-stream/);
          let buf = '';
          res.on('data', (c: Buffer) => (buf += c.toString()));
          res.on('end', () => resolve(buf));
        })
        .on('error', reject);
    });
    const events = [...text.matchAll(/event: (\w+)\ndata: (.*)\n/g)].map((m) => [m[1], JSON.parse(m[2]!)]);
    expect(events.at(-1)![0]).toBe('end');
    const end = events.at(-1)![1] as { status: string; verdict?: string };
    const final = await waitEnded(s.url, id);
    expect(end.status).toBe(final.status);
    expect(end.verdict).toBe(final.report!.verdict);
  });

  it('refuses too many names with a clear message and starts nothing', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `n${i}.ok.example-lab`);
    const r = await request(`${s.url}/v1/checks`, { body: { names }, from: '127.0.0.13' });
    expect(r.status).toBe(400);
    expect(r.json().message).toMatch(/at most 5 per check/);
  });

  it('refuses a body over the size limit with 413', async () => {
    const r = await request(`${s.url}/v1/checks`, {
      body: { names: ['ok.example-lab'], ca: 'x'.repeat(3000) },
      from: '127.0.0.14',
    });
    expect(r.status).toBe(413);
    expect(r.json().message).toMatch(/at most 2048 bytes/);
  });

  it('refuses unknown fields, bad names, bad CA and bad account URI as 400, never a stack trace', async () => {
    const bodies = [
      { names: ['ok.example-lab'], profile: { allowAddresses: ['0.0.0.0/0'] } },
      { names: ['bad..name'] },
      { names: ['ok.example-lab'], ca: 'not a ca' },
      { names: ['ok.example-lab'], accountUri: 'javascript:alert(1)' },
      { names: ['ok.example-lab'], challenge: 'http-02' },
    ];
    for (const body of bodies) {
      const r = await request(`${s.url}/v1/checks`, { body, from: '127.0.0.15' });
      expect(r.status).toBe(400);
      expect(r.body).not.toMatch(/\bat .*\.(ts|js):\d+/);
    }
    const raw = await request(`${s.url}/v1/checks`, {
      body: '{"names": [',
      headers: { 'content-type': 'application/json' },
      from: '127.0.0.15',
    });
    expect(raw.status).toBe(400);
  });

  it('limits checks per client per minute; another client is not affected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await request(`${s.url}/v1/checks`, {
        body: { names: ['ok.example-lab'] },
        from: '127.0.0.16',
      });
      statuses.push(r.status);
      if (r.status === 429) expect(r.json().message).toMatch(/at most 4 checks per minute/);
    }
    expect(statuses.filter((c) => c === 202)).toHaveLength(4);
    expect(statuses.filter((c) => c === 429)).toHaveLength(2);
    // The page's form shares the same budget.
    const form = await request(`${s.url}/checks`, {
      body: 'names=ok.example-lab',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      from: '127.0.0.16',
    });
    expect(form.status).toBe(429);
    const other = await request(`${s.url}/v1/checks`, {
      body: { names: ['ok.example-lab'] },
      from: '127.0.0.17',
    });
    expect(other.status).toBe(202);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    expect((await request(`${s.url}/v1/checks/AAAAAAAAAAAAAAAAAAAAAA`)).status).toBe(404);
    expect((await request(`${s.url}/v1/checks/..%2f..%2fetc`)).status).toBe(400);
    expect((await request(`${s.url}/checks/nope`)).status).toBe(404);
  });
});

describe('serve: timeouts, expiry, concurrency', () => {
  it('reports a check that exceeds its time as timed out, and frees its slot once the engine stops', async () => {
    const s = await serveLab(DEMO, { limits: { workTimeoutMs: 300, concurrency: 1, queueDepth: 1 } });
    try {
      s.lab.setFault('ns1.dns.example-lab', { delayMs: 3000 });
      s.lab.setFault('ns2.dns.example-lab', { delayMs: 3000 });
      const r = await request(`${s.url}/v1/checks`, { body: { names: ['ok.example-lab'] } });
      const t0 = Date.now();
      const end = await waitEnded(s.url, r.json<{ id: string }>().id);
      expect(Date.now() - t0).toBeLessThan(2000);
      expect(end.status).toBe('failed');
      expect(end.error).toMatch(/timed out after 0 s|timed out/);
      expect(end.report).toBeUndefined();
      s.lab.setFault('ns1.dns.example-lab', undefined);
      s.lab.setFault('ns2.dns.example-lab', undefined);
      // The one slot comes back: a later check runs to completion.
      const later = await request(`${s.url}/v1/checks`, { body: { names: ['missing.example-lab'] } });
      expect(later.status).toBe(202);
      const ok = await waitEnded(s.url, later.json<{ id: string }>().id, 20_000);
      expect(ok.status === 'done' || ok.status === 'failed').toBe(true);
    } finally {
      await s.stop();
    }
  });

  it('forgets a result after its time to live', async () => {
    const s = await serveLab(DEMO, { limits: { resultTtlMs: 400 } });
    try {
      const r = await request(`${s.url}/v1/checks`, { body: { names: ['missing.example-lab'] } });
      const id = r.json<{ id: string }>().id;
      const end = await waitEnded(s.url, id);
      expect(end.status).toBe('done');
      expect((await request(`${s.url}/checks/${id}`)).status).toBe(200);
      await new Promise((res) => setTimeout(res, 500));
      expect((await request(`${s.url}/v1/checks/${id}`)).status).toBe(404);
      expect((await request(`${s.url}/checks/${id}`)).status).toBe(404);
    } finally {
      await s.stop();
    }
  });

  it('runs at most max-checks at once, queues up to max-waiting, refuses the rest with 503', async () => {
    const s = await serveLab(DEMO, { limits: { concurrency: 2, queueDepth: 2, checksPerMinute: 100 } });
    try {
      s.lab.setFault('ns1.dns.example-lab', { delayMs: 150 });
      const replies = await Promise.all(
        Array.from({ length: 5 }, () =>
          request(`${s.url}/v1/checks`, { body: { names: ['ok.example-lab'] } }),
        ),
      );
      const accepted = replies.filter((r) => r.status === 202).map((r) => r.json<{ id: string }>().id);
      const busy = replies.filter((r) => r.status === 503);
      expect(accepted).toHaveLength(4);
      expect(busy).toHaveLength(1);
      expect(busy[0]!.headers['retry-after']).toBeDefined();
      const maxRunning = await maxRunningUntilIdle(s.url);
      const ended = await Promise.all(accepted.map((id) => waitEnded(s.url, id)));
      expect(ended.every((v) => v.status === 'done')).toBe(true);
      expect(maxRunning).toBeGreaterThan(0);
      expect(maxRunning).toBeLessThanOrEqual(2);
    } finally {
      await s.stop();
    }
  });

  it('without --lab, reserved addresses stay reserved: no nameserver learnt from DNS on loopback is asked', async () => {
    const s = await serveLab(DEMO, { profile: (p) => servicePolicy(p, { lab: false }), lab: false });
    try {
      s.lab.resetCounts();
      const r = await request(`${s.url}/v1/checks`, { body: { names: ['ok.example-lab'] } });
      const end = await waitEnded(s.url, r.json<{ id: string }>().id);
      expect(end.report!.verdict).toBe('fail');
      const asked = new Set(s.lab.log.map((e) => e.serverName));
      expect([...asked].every((n) => n === 'a.root-servers.test')).toBe(true);
    } finally {
      await s.stop();
    }
  });
});
