/**
 * After each test: the loopback guard's refusals (test/setup/loopback-only.ts) are taken. In the hostile
 * suite (test/hostile/) any refusal fails the test, even one the tool caught and reported as a finding:
 * the guard is the proof that no forbidden address was contacted.
 */
import { afterEach, expect } from '@jest/globals';
import type { Refused } from './loopback-only.js';

export const HOSTILE_SUITE = /[\\/]test[\\/]hostile[\\/]/;

/** The refusals since the last call, cleared. */
export function takeRefused(): Refused[] {
  const g = globalThis as { __loopbackGuardRefused?: Refused[] };
  const out = g.__loopbackGuardRefused ?? [];
  g.__loopbackGuardRefused = [];
  return out;
}

afterEach(() => {
  const refused = takeRefused();
  if (HOSTILE_SUITE.test(expect.getState().testPath ?? '')) expect(refused).toEqual([]);
});
