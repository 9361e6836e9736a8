import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { startLab, type Lab, type Scenario } from '../../src/lab/index.js';
import { buildServer, type ServeLimits } from '../../src/serve/app.js';
import type { NetworkProfile } from '../../src/profile.js';

export interface Served {
  lab: Lab;
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/** A lab and a serve instance pointed at it (public resolvers off: the lab's resolver is not the point here). */
export async function serveLab(
  scenario: Scenario | string,
  opts: {
    limits?: Partial<ServeLimits>;
    profile?: (p: NetworkProfile) => NetworkProfile;
    lab?: boolean;
  } = {},
): Promise<Served> {
  const lab = await startLab(scenario);
  const base = { ...lab.profile, publicResolvers: [] };
  const app = await buildServer({
    profile: opts.profile ? opts.profile(base) : base,
    lab: opts.lab ?? true,
    limits: opts.limits,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  return {
    lab,
    app,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await app.close();
      await lab.stop();
    },
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTP request from a chosen loopback source address (so tests can be several clients). */
export function request(
  url: string,
  opts: { method?: string; body?: string | object; headers?: Record<string, string>; from?: string } = {},
): Promise<Reply> {
  const body =
    opts.body === undefined
      ? undefined
      : typeof opts.body === 'string'
        ? opts.body
        : JSON.stringify(opts.body);
  const headers: Record<string, string> = { ...opts.headers };
  if (body !== undefined && !headers['content-type'])
    headers['content-type'] = typeof opts.body === 'string' ? 'text/plain' : 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        localAddress: opts.from,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: () => JSON.parse(text),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface CheckJson {
  id: string;
  status: string;
  progress: { done: number; total: number };
  report?: {
    verdict: string;
    identifiers: { identifier: string; verdict: string; findings: { code: string; severity: string }[] }[];
  };
  error?: string;
  expiresAt?: string;
}

/** Polls until the check has ended (done or failed). */
export async function waitEnded(url: string, id: string, timeoutMs = 15_000): Promise<CheckJson> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await request(`${url}/v1/checks/${id}`);
    const j = r.json<CheckJson>();
    if (j.status === 'done' || j.status === 'failed') return j;
    if (Date.now() > until) throw new Error(`check ${id} still ${j.status}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Polls /healthz until every check has ended; returns the most checks seen running at one instant. */
export async function maxRunningUntilIdle(url: string, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  let max = 0;
  for (let i = 0; ; i++) {
    // Rotating source addresses keep the poller under the per-client request budget.
    const h = (await request(`${url}/healthz`, { from: `127.0.3.${1 + (i % 200)}` })).json<{
      running: number;
      queued: number;
    }>();
    max = Math.max(max, h.running);
    if (h.running === 0 && h.queued === 0) return max;
    if (Date.now() > until) throw new Error('checks still running');
    await new Promise((r) => setTimeout(r, 10));
  }
}
