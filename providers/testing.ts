/** Loopback HTTP fake for adapter tests: records every request and routes it to a handler. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface RecordedRequest {
  method: string;
  /** Path plus query string. */
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeReply {
  status: number;
  body?: unknown;
}

export type FakeHandler = (req: RecordedRequest, url: URL) => FakeReply;

export interface FakeHttp {
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startFakeHttp(handler: FakeHandler): Promise<FakeHttp> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const rec: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
      };
      requests.push(rec);
      let reply: FakeReply;
      try {
        reply = handler(rec, new URL(req.url ?? '/', 'http://127.0.0.1'));
      } catch (e) {
        reply = { status: 500, body: { error: String(e) } };
      }
      const out = reply.body === undefined ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, out ? { 'content-type': 'application/json' } : {});
      res.end(out);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
