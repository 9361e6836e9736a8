/** Small JSON-over-fetch helper shared by the HTTP API adapters; errors are redacted. */
import { cancelled, ProviderError, redact, type ProviderOptions } from './types.js';
import { escapeControls } from '../src/report/escape.js';

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

  /**
   * Sends a request; returns status and parsed body. Non-2xx statuses are returned, not thrown, when listed
   * in ok. When signal aborts, the request (or the reading of its body) stops and a ProviderCancelledError
   * says which request it was.
   */
  async request(
    method: string,
    path: string,
    body?: unknown,
    okStatuses: number[] = [],
    signal?: AbortSignal,
  ): Promise<JsonResponse> {
    const url = this.o.baseUrl.replace(/\/+$/, '') + path;
    const stopped = (s: AbortSignal) => cancelled(this.o.provider, this.clean(`${method} ${url}`), s);
    if (signal?.aborted) throw stopped(signal);
    const f = this.o.fetch ?? fetch;
    const headers: Record<string, string> = { accept: 'application/json', ...this.o.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.o.timeoutMs ?? 30_000);
    let res: Response;
    let text: string;
    try {
      res = await f(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await res.text();
    } catch (e) {
      if (signal?.aborted) throw stopped(signal);
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new ProviderError(
        this.clean(`${method} ${url} failed: ${(e as Error).message}${cause ? ` (${cause})` : ''}`),
        this.o.provider,
      );
    }
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
        `${this.clean(`${method} ${url}`)} returned HTTP ${res.status}${this.summary(parsed, text)}`,
        this.o.provider,
        res.status,
      );
    }
    return { status: res.status, body: parsed };
  }

  clean(s: string): string {
    return redact(s, this.o.secrets);
  }

  /**
   * What an error body says, without quoting it raw: the message fields of a JSON body, redacted first and
   * then cut (cutting first could leave most of an echoed secret unrecognised), control characters
   * removed. A body that is not JSON is only measured.
   */
  summary(parsed: unknown, text = JSON.stringify(parsed) ?? ''): string {
    return errorSummary(parsed, text, this.o.secrets);
  }
}

/** JsonClient#summary for adapters that make their own requests (gcloud's token exchange). */
export function errorSummary(parsed: unknown, text: string, secrets: (string | undefined)[]): string {
  if (text === '') return '';
  const messages = typeof parsed === 'object' && parsed !== null ? errorMessages(parsed) : [];
  if (messages.length === 0) return ` (a ${text.length}-byte body, not shown)`;
  const said = escapeControls(redact(messages.join('; '), secrets));
  return `: ${said.length > MAX_ERROR_SUMMARY ? `${said.slice(0, MAX_ERROR_SUMMARY)}...` : said}`;
}

/** Characters of a provider's error message kept in an error. */
export const MAX_ERROR_SUMMARY = 300;

/** The strings under message-like keys (message, error, detail, title, reason), depth-first, at most 10. */
function errorMessages(body: object): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string, depth: number): void => {
    if (out.length >= 10 || depth > 5) return;
    if (typeof v === 'string') {
      if (/^(message|error|error_description|detail|title|reason|description|msg)$/i.test(key)) out.push(v);
    } else if (Array.isArray(v)) for (const x of v) walk(x, key, depth + 1);
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v))
        walk(x, /^errors?$/i.test(k) && typeof x !== 'string' ? '' : k, depth + 1);
  };
  walk(body, '', 0);
  return out;
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
