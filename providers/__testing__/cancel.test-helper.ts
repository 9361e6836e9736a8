/** Test-only: proves a provider call stops promptly when its signal aborts, with a clear error and no secret. */
import { expect } from '@jest/globals';
import { ProviderCancelledError } from '../types.js';

/** The reason the CLI's signal owner aborts with. */
export const SIGINT = (): Error => new Error('SIGINT');

/**
 * Starts a call that cannot finish (its backend never answers), aborts its signal after afterMs, and
 * expects it to reject within withinMs with a ProviderCancelledError naming the reason, quoting no secret.
 */
export async function expectPromptCancel(
  start: (signal: AbortSignal) => Promise<unknown>,
  secrets: string[],
  { afterMs = 100, withinMs = 1000 } = {},
): Promise<ProviderCancelledError> {
  const ac = new AbortController();
  let abortedAt = 0;
  const timer = setTimeout(() => {
    abortedAt = performance.now();
    ac.abort(SIGINT());
  }, afterMs);
  const outcome = await start(ac.signal).then(
    (v: unknown) => ({ value: v }),
    (e: unknown) => ({ error: e }),
  );
  clearTimeout(timer);
  expect(outcome).toHaveProperty('error');
  const e = (outcome as { error: unknown }).error;
  expect(abortedAt).toBeGreaterThan(0);
  expect(performance.now() - abortedAt).toBeLessThan(withinMs);
  expect(e).toBeInstanceOf(ProviderCancelledError);
  const err = e as ProviderCancelledError;
  expect(err.message).toMatch(/: cancelled \(SIGINT\)$/);
  expect(err.refused).toBe(false);
  expectNoSecretIn(err, secrets);
  return err;
}

/** A signal that has already aborted: the call must not even start. */
export function abortedSignal(): AbortSignal {
  return AbortSignal.abort(SIGINT());
}

export function expectNoSecretIn(e: Error, secrets: string[]): void {
  const text = `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e)}`;
  for (const s of secrets.filter((x) => x.length > 0)) expect(text).not.toContain(s);
}
