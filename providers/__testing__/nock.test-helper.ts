/** Test-only nock helpers shared by the HTTP adapter tests (excluded from the build via providers/__testing__). */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from '@jest/globals';
import nock from 'nock';

/** What a nock reply function returns: status, body, optional headers. */
export type NockReply = [number, unknown?, Record<string, string>?];

/**
 * No real network for the whole file, interceptors cleared after each test, and any request that matched
 * no interceptor fails the test (nock would otherwise answer it with a 501 the adapter might tolerate).
 */
export function useNock(): void {
  let unmatched: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string; href?: string }) =>
    void unmatched.push(`${req.method} ${req.href ?? req.path}`);
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.emitter.on('no match', onNoMatch);
  });
  beforeEach(() => {
    unmatched = [];
  });
  afterEach(() => {
    nock.cleanAll();
    expect(unmatched).toEqual([]);
  });
  afterAll(() => {
    nock.emitter.removeListener('no match', onNoMatch);
    nock.enableNetConnect();
    // Un-patch http/fetch: the next test file in this worker loads its own nock and patches afresh.
    nock.restore();
  });
}

/**
 * Adapts a reply function written against a fetch `Request` to nock 14's (uri, body) callback, so tests read
 * the method, URL, headers and body the way the adapter sent them.
 */
export function fetchStyle<R>(
  fn: (req: Request) => R,
): (this: nock.ReplyFnContext, uri: string, body: nock.Body) => R {
  return function (this: nock.ReplyFnContext, uri: string, body: nock.Body): R {
    const base = String((this as unknown as { basePath: string }).basePath).replace(/:(443|80)$/, '');
    const headers = new Headers();
    for (const [k, v] of Object.entries(this.req.headers)) headers.set(k, String(v));
    const method = (this.req as unknown as { method: string }).method;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const hasBody = method !== 'GET' && method !== 'HEAD' && text !== '';
    return fn(new Request(base + uri, { method, headers, body: hasBody ? text : undefined }));
  };
}

/** Parses a JSON request body. */
export async function jsonOf(req: Request): Promise<unknown> {
  const text = await req.text();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/** Every request to base (any method, path and query) is accepted and never answered (within 10 s). */
export function hangAll(base: string): void {
  const hang = (): Promise<NockReply> =>
    new Promise((resolve) => setTimeout(() => resolve([504, {}]), 10_000).unref());
  const scope = nock(base).persist();
  for (const m of ['get', 'post', 'put', 'patch', 'delete'] as const)
    scope[m](/.*/)
      .query(true)
      .reply(hang as never);
}
