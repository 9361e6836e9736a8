/** Lab web servers on port httpPort of scenario addresses, for HTTP-01 scenarios and the demo. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export const httpResponderSchema = z.object({
  /**
   * webroot: 404 for unknown tokens, 200 with the key authorization for tokens placed with setToken;
   * catch-all: 200 with an HTML page for any path; status: a fixed status and body;
   * redirect: a redirect to `location`.
   */
  mode: z.enum(['webroot', 'catch-all', 'status', 'redirect']).default('webroot'),
  status: z.number().int().min(100).max(599).optional(),
  body: z.string().optional(),
  location: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});
export type HttpResponder = z.infer<typeof httpResponderSchema>;

export interface LabWeb {
  /** Undefined when the scenario has no web servers. */
  port: number | undefined;
  /** Serve key authorization for token at every webroot responder. */
  setToken(token: string, keyAuthorization: string | undefined): void;
  stop(): Promise<void>;
}

const PREFIX = '/.well-known/acme-challenge/';

function handler(r: HttpResponder, tokens: Map<string, string>): http.RequestListener {
  return (req, res) => {
    const headers = { 'content-type': 'text/plain', ...r.headers };
    const url = req.url ?? '/';
    switch (r.mode) {
      case 'catch-all':
        res
          .writeHead(200, { ...headers, 'content-type': 'text/html' })
          .end(r.body ?? '<!doctype html><title>App</title><div id="root"></div>');
        return;
      case 'status':
        res.writeHead(r.status ?? 500, headers).end(r.body ?? '');
        return;
      case 'redirect':
        res
          .writeHead(r.status ?? 301, { ...headers, location: (r.location ?? '/').replace('{path}', url) })
          .end();
        return;
      default: {
        const keyAuth = url.startsWith(PREFIX) ? tokens.get(url.slice(PREFIX.length)) : undefined;
        if (keyAuth) res.writeHead(200, headers).end(keyAuth);
        else res.writeHead(404, headers).end('not found');
      }
    }
  };
}

async function listen(server: http.Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts one server per web entry with an http responder, all on one port (free on every address). */
export async function startWeb(
  entries: { address: string; http?: HttpResponder }[],
  port = 0,
): Promise<LabWeb> {
  const tokens = new Map<string, string>();
  const withHttp = entries.filter((e) => e.http);
  for (let attempt = 0; ; attempt++) {
    const servers: http.Server[] = [];
    try {
      let chosen = port;
      for (const e of withHttp) {
        const s = http.createServer(handler(e.http!, tokens));
        servers.push(s);
        chosen = await listen(s, e.address, chosen);
      }
      return {
        port: withHttp.length > 0 ? chosen : undefined,
        setToken: (t, v) => (v === undefined ? tokens.delete(t) : tokens.set(t, v)),
        stop: () =>
          Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
      };
    } catch (e) {
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      if (port !== 0 || attempt >= 5 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
}
