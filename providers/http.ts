/** Small JSON-over-fetch helper shared by the HTTP API adapters; errors are redacted. */
import { ProviderError, redact, type ProviderOptions } from './types.js';

export interface JsonClientOptions {
  provider: string;
  baseUrl: string;
  headers: Record<string, string>;
  /** Values to strip from any error text. */
  secrets: (string | undefined)[];
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

export class JsonClient {
  constructor(private readonly o: JsonClientOptions) {}

  /** Sends a request; returns status and parsed body. Non-2xx statuses are returned, not thrown, when listed in ok. */
  async request(
    method: string,
    path: string,
    body?: unknown,
    okStatuses: number[] = [],
  ): Promise<JsonResponse> {
    const url = this.o.baseUrl.replace(/\/+$/, '') + path;
    const f = this.o.fetch ?? fetch;
    const headers: Record<string, string> = { accept: 'application/json', ...this.o.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await f(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new ProviderError(
        this.clean(`${method} ${url} failed: ${(e as Error).message}${cause ? ` (${cause})` : ''}`),
        this.o.provider,
      );
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if ((res.status < 200 || res.status > 299) && !okStatuses.includes(res.status)) {
      throw new ProviderError(
        this.clean(`${method} ${url} returned HTTP ${res.status}: ${text.slice(0, 500)}`),
        this.o.provider,
        res.status,
      );
    }
    return { status: res.status, body: parsed };
  }

  clean(s: string): string {
    return redact(s, this.o.secrets);
  }
}

/** Reads a nested property without trusting the shape. */
export function field(obj: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/** The client an HTTP adapter uses: its base URL, auth headers and secrets, with the caller's fetch and timeout. */
export function adapterClient(
  provider: string,
  opts: ProviderOptions,
  baseUrl: string,
  headers: Record<string, string>,
  secrets: (string | undefined)[],
): JsonClient {
  return new JsonClient({
    provider,
    baseUrl,
    headers,
    secrets,
    fetch: opts.fetch,
    timeoutMs: opts.timeoutMs,
  });
}
