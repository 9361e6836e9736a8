/** The agent under attack: every request answered within its limits, no work unauthenticated, no leak. */
import net from 'node:net';
import http from 'node:http';
import ipaddr from 'ipaddr.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { startAgent, defaultGather, type AgentGather, type RunningAgent } from '../../src/agent/server.js';
import { judgeGathered } from '../../src/engine/gathered.js';
import type { NetworkProfile } from '../../src/profile.js';

const TOKEN = 'attack-test-token-0123456789';

interface Answer {
  status: number;
  body: string;
  ms: number;
}

function request(
  url: string,
  opts: { body?: string; token?: string; method?: string } = {},
): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/v1/gather`,
      {
        method: opts.method ?? 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: Date.now() - started }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** The agent answers evidence; the primary judges it: so do these tests. */
const judged = (name: string, body: string) =>
  judgeGathered([name], JSON.parse(body).evidence, { challenge: 'http-01' }, labProfile!, new Date());
let labProfile: NetworkProfile | undefined;

const gatherBody = (names: string[]) =>
  JSON.stringify({ names, challenge: 'http-01', ca: 'letsencrypt.org' });

describe('agent under attack', () => {
  let lab: Lab;
  let agent: RunningAgent;
  const log: string[] = [];
  let calls = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let slow = false;
  const gather: AgentGather = async (req, profile) => {
    calls++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (slow) await new Promise((r) => setTimeout(r, 300));
      return await defaultGather(req, profile);
    } finally {
      inFlight--;
    }
  };
  const connects: string[] = [];
  const realConnect = net.Socket.prototype.connect;

  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/perspectives.yaml', import.meta.url).pathname);
    labProfile = lab.profile;
    agent = await startAgent(
      {
        perspective: 'attack',
        rir: 'RIPE',
        tokens: [TOKEN, 'second-token-0123456789abcdef'],
        profile: lab.profile,
        limits: { concurrency: 4, receiveMs: 800, perTokenPerMinute: 10_000, bodyBytes: 4096 },
        log: (l) => log.push(l),
      },
      { host: '127.0.0.1', port: 0 },
      gather,
    );
    // Every TCP connect the process makes, to prove none goes to a reserved address outside the lab.
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      const o = args[0] as { host?: string } | number;
      connects.push(typeof o === 'object' && o ? String(o.host) : String(args[1]));
      return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
    } as typeof net.Socket.prototype.connect;
  });
  afterAll(async () => {
    net.Socket.prototype.connect = realConnect;
    await agent.close();
    await lab.stop();
  });
  beforeEach(() => {
    calls = 0;
  });

  it('no token: 401, no work done', async () => {
    const r = await request(agent.url, { body: gatherBody(['www.good.test']) });
    expect(r.status).toBe(401);
    expect(calls).toBe(0);
  });

  it('a wrong token (same length, one character off): 401, no work done', async () => {
    const r = await request(agent.url, {
      body: gatherBody(['www.good.test']),
      token: TOKEN.slice(0, -1) + 'X',
    });
    expect(r.status).toBe(401);
    expect(calls).toBe(0);
  });

  it('health needs no token and names the perspective and RIR', async () => {
    const r = await request(agent.url.replace(/$/, ''), { method: 'GET' }).catch(() => undefined);
    expect(r?.status).toBe(401); // authentication comes before routing: nothing is learnt without a token
    const h = await new Promise<string>((resolve) =>
      http.get(`${agent.url}/healthz`, (res) => {
        let b = '';
        res.on('data', (c) => (b += c));
        res.on('end', () => resolve(b));
      }),
    );
    expect(JSON.parse(h)).toMatchObject({ status: 'ok', perspective: 'attack', rir: 'RIPE' });
  });

  it('an oversized body: 413, no work done', async () => {
    const r = await request(agent.url, {
      body: gatherBody(['x'.repeat(200) + '.test', ...Array(40).fill('a.good.test')]) + ' '.repeat(5000),
      token: TOKEN,
    });
    expect(r.status).toBe(413);
    expect(calls).toBe(0);
  });

  it('a field that would widen the network policy is refused, not ignored', async () => {
    const body = JSON.stringify({
      names: ['www.good.test'],
      challenge: 'http-01',
      ca: 'letsencrypt.org',
      allowAddresses: ['169.254.0.0/16'],
    });
    const r = await request(agent.url, { body, token: TOKEN });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toMatch(/additional properties/);
    expect(calls).toBe(0);
  });

  it('more names than the CA takes in one order: 400', async () => {
    const r = await request(agent.url, {
      body: gatherBody(Array.from({ length: 101 }, (_, i) => `n${i}.good.test`)),
      token: TOKEN,
    });
    expect(r.status).toBe(400);
  });

  it('a bad name is a clear 400, no stack', async () => {
    const r = await request(agent.url, { body: gatherBody(['-bad-.good.test']), token: TOKEN });
    expect(r.status).toBe(400);
    expect(r.body).not.toMatch(/\n\s+at /);
  });

  const reservedOutsideLab = (host: string): boolean => {
    if (!ipaddr.isValid(host)) return false;
    const a = ipaddr.process(host);
    return !(a.kind() === 'ipv4' && a.match(ipaddr.parseCIDR('127.0.0.0/8'))) && a.range() !== 'unicast';
  };

  it('a redirect into reserved space is followed by no socket', async () => {
    connects.length = 0;
    const r = await request(agent.url, { body: gatherBody(['redirect.good.test']), token: TOKEN });
    expect(r.status).toBe(200);
    const report = judged('redirect.good.test', r.body);
    const errors = report.identifiers[0]!.findings.filter((f) => f.severity === 'error');
    expect(JSON.stringify(errors)).toContain('10.0.0.1');
    expect(connects.filter(reservedOutsideLab)).toEqual([]);
    expect(connects).not.toContain('10.0.0.1');
  });

  it('a name resolving to 169.254.169.254 fails as the CA would, with no socket to it', async () => {
    connects.length = 0;
    const r = await request(agent.url, { body: gatherBody(['metadata.good.test']), token: TOKEN });
    const report = judged('metadata.good.test', r.body);
    const codes = report.identifiers[0]!.findings.map((f) => f.code);
    expect(codes).toContain('ADDRESS_ONLY_RESERVED');
    expect(connects).not.toContain('169.254.169.254');
  });

  it('1,000 concurrent requests: all answered quickly, work bounded to the limit, memory bounded', async () => {
    // Its own agent with the default receive limit: the 800 ms one above is for the slow-client test.
    const busy = await startAgent(
      {
        perspective: 'busy',
        rir: 'ARIN',
        tokens: [TOKEN],
        profile: lab.profile,
        limits: { concurrency: 4, perTokenPerMinute: 10_000 },
      },
      { host: '127.0.0.1', port: 0 },
      gather,
    );
    slow = true;
    maxInFlight = 0;
    const before = process.memoryUsage().rss;
    const started = Date.now();
    try {
      const answers = await Promise.all(
        Array.from({ length: 1000 }, () =>
          request(busy.url, { body: gatherBody(['www.good.test']), token: TOKEN }).catch((e: Error) => ({
            status: -1,
            body: e.message,
            ms: 0,
          })),
        ),
      );
      const statuses: Record<string, number> = {};
      for (const a of answers) statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      expect(Object.keys(statuses).filter((s) => s !== '200' && s !== '503')).toEqual([]);
      expect(statuses['503']).toBeGreaterThan(900);
      expect(maxInFlight).toBeLessThanOrEqual(4);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    } finally {
      slow = false;
      await busy.close();
    }
  }, 40_000);

  it('a slow client is cut off after the receive limit, without work', async () => {
    const { port } = new URL(agent.url);
    const started = Date.now();
    const closed = await new Promise<string>((resolve) => {
      const s = net.connect(Number(port), '127.0.0.1', () => {
        s.write(
          `POST /v1/gather HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na`,
        );
      });
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('close', () => resolve(got));
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(closed === '' || /^HTTP\/1\.1 408/.test(closed)).toBe(true);
    expect(calls).toBe(0);
  });

  it('per-token rate limit: 429 past the limit', async () => {
    const limited = await startAgent(
      {
        perspective: 'rl',
        rir: 'ARIN',
        tokens: [TOKEN],
        profile: lab.profile,
        limits: { perTokenPerMinute: 2 },
      },
      { host: '127.0.0.1', port: 0 },
      async () => ({ names: [], dnsQueries: 0, durationMs: 0 }),
    );
    try {
      const rs = [];
      for (let i = 0; i < 3; i++)
        rs.push(await request(limited.url, { body: gatherBody(['www.good.test']), token: TOKEN }));
      expect(rs.map((r) => r.status)).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });

  it('tokens appear in no log line and no answer', () => {
    expect(log.length).toBeGreaterThan(0);
    expect(log.join('\n')).not.toContain(TOKEN);
    expect(log.join('\n')).not.toMatch(/Bearer|authorization/i);
  });
});
