/**
 * HTTP-01 token files in a webroot, the one module that places and removes them: for ACME-client hooks,
 * the dry run and withPreflight (writeToken, removeToken) and for `check --webroot` (withWebrootToken).
 */
import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ACME_CHALLENGE_PATH } from '../http/constants.js';
import type { NetworkProfile } from '../profile.js';
import type { Finding } from '../report/finding.js';
import type { ResolveAddresses } from '../http/fetch.js';
import { IterativeResolver } from '../dns/iterative.js';
import type { IterativeResolverApi } from '../dns/api.js';
import { addressesFromLookups } from '../checks/resolution/index.js';
import { judgeHttp01, probeHttp01 } from '../checks/http01/index.js';
import { nameRef } from '../identifiers.js';
import { escapeControls as esc } from '../report/escape.js';
import { UsageError } from '../errors.js';

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** The token file path inside a webroot. */
export const webrootTokenPath = (dir: string, token: string): string =>
  path.join(dir, ...ACME_CHALLENGE_PATH.split('/').filter(Boolean), token);

/** Writes <webroot>/.well-known/acme-challenge/<token>; exclusive refuses to replace an existing file. */
export async function writeToken(
  webroot: string,
  token: string,
  keyAuthorization: string,
  { exclusive = false } = {},
): Promise<string> {
  return (await placeToken(webroot, token, keyAuthorization, exclusive)).file;
}

/** Writes the token file; `created` is the first directory made for it (under the webroot), if any. */
async function placeToken(
  webroot: string,
  token: string,
  keyAuthorization: string,
  exclusive: boolean,
): Promise<{ file: string; created?: string }> {
  if (!TOKEN.test(token)) throw new Error(`invalid token ${JSON.stringify(token)}`);
  // The webroot itself is never created: a typo would otherwise pass silently and leave directories behind.
  const st = await stat(webroot).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(`webroot ${webroot}: no such directory`);
  const file = webrootTokenPath(webroot, token);
  const created = await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, keyAuthorization, { mode: 0o644, ...(exclusive ? { flag: 'wx' } : {}) });
  return { file, created };
}

/** Removes the directories placeToken made, deepest first, unless something else now lives in them. */
async function removeCreatedDirs(file: string, created: string | undefined): Promise<void> {
  if (!created) return;
  for (let dir = path.dirname(file); dir.length >= created.length; dir = path.dirname(dir)) {
    if (
      !(await rmdir(dir).then(
        () => true,
        () => false,
      ))
    )
      return;
  }
}

const pending = new Set<string>();

/** Writes a fresh token file, runs fn, removes the file (also on error). */
export async function withWebrootToken<T>(
  dir: string,
  token: string,
  keyAuthorization: string,
  fn: () => Promise<T>,
): Promise<T> {
  const { file, created } = await placeToken(dir, token, keyAuthorization, true);
  pending.add(file);
  try {
    return await fn();
  } finally {
    pending.delete(file);
    await rm(file, { force: true });
    await removeCreatedDirs(file, created);
  }
}

/** Synchronous cleanup for signal handlers: removes every token file withWebrootToken still has in place. */
export function cleanupWebrootTokens(): string[] {
  const removed = [...pending];
  for (const f of removed) {
    rmSync(f, { force: true });
    pending.delete(f);
  }
  return removed;
}

export async function removeToken(webroot: string, token: string): Promise<string> {
  if (!TOKEN.test(token)) throw new Error(`invalid token ${JSON.stringify(token)}`);
  const file = webrootTokenPath(webroot, token);
  await rm(file, { force: true });
  return file;
}

/** Addresses from the iterative resolver (what the CA would see), never the system resolver. */
export function resolverAddresses(
  profile: NetworkProfile,
  resolver: IterativeResolverApi = new IterativeResolver(profile),
): ResolveAddresses {
  return async (host) => {
    const [a, aaaa] = await Promise.all([resolver.resolve(host, 'A'), resolver.resolve(host, 'AAAA')]);
    return addressesFromLookups(host, a, aaaa);
  };
}

export interface TokenCheck {
  ok: boolean;
  findings: Finding[];
}

/** Fetches the token as the CA would, from every address; ok when no error finding comes out. */
export async function verifyToken(
  identifier: string,
  token: string,
  keyAuthorization: string,
  profile: NetworkProfile,
  /** Shared across tries, so nameservers that never answered are not waited on again. */
  resolveAddresses: ResolveAddresses = resolverAddresses(profile),
): Promise<TokenCheck> {
  const ev = await probeHttp01(nameRef(identifier), {
    profile,
    resolveAddresses,
    token,
    expected: keyAuthorization,
  });
  const findings = judgeHttp01(ev);
  return { ok: !findings.some((f) => f.severity === 'error'), findings };
}

/** One line per error finding, for a hook's stderr. */
export const errorLines = (findings: Finding[]): string =>
  findings
    .filter((f) => f.severity === 'error')
    .map((f) => `${esc(f.code)}: ${esc(f.detail)}\n  Fix: ${esc(f.remediation)}`)
    .join('\n');
