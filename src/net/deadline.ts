/**
 * Waiting with a bound: the value of a promise if it settles within ms, else the fallback. The work itself
 * is not stopped (its own timeouts end it, or the caller closes its client); only the waiting is.
 */
export async function settleWithin<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), Math.max(0, ms))));
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
