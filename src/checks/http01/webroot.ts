/** --webroot: place the real token file for the duration of a probe, and always remove it. */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ACME_CHALLENGE_PATH } from '../../http/constants.js';

const pending = new Set<string>();

/** The token file path inside a webroot. */
export const webrootTokenPath = (dir: string, token: string): string =>
  path.join(dir, ...ACME_CHALLENGE_PATH.split('/').filter(Boolean), token);

/** Writes <dir>/.well-known/acme-challenge/<token>, runs fn, removes the file (also on error). */
export async function withWebrootToken<T>(
  dir: string,
  token: string,
  keyAuthorization: string,
  fn: () => Promise<T>,
): Promise<T> {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error(`invalid token ${JSON.stringify(token)}`);
  const file = webrootTokenPath(dir, token);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, keyAuthorization, { flag: 'wx' });
  pending.add(file);
  try {
    return await fn();
  } finally {
    pending.delete(file);
    await rm(file, { force: true });
  }
}

/** Synchronous cleanup for signal handlers: removes every token file still in place. */
export function cleanupWebrootTokens(): string[] {
  const removed = [...pending];
  for (const f of removed) {
    rmSync(f, { force: true });
    pending.delete(f);
  }
  return removed;
}
