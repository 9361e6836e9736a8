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
  const onNoMatch = (req: Request) => void unmatched.push(`${req.method} ${req.url}`);
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

/** Parses a JSON request body (nock 15 hands reply functions a fetch Request). */
export async function jsonOf(req: Request): Promise<unknown> {
  const text = await req.text();
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
