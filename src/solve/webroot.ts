/** HTTP-01 for ACME-client hooks: write the real token into the webroot and prove it is served as the CA fetches. */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NetworkProfile } from '../profile.js';
import type { Finding } from '../report/finding.js';
import type { ResolveAddresses } from '../http/fetch.js';
import { IterativeResolver } from '../dns/iterative.js';
import { addressesFromLookups } from '../checks/resolution/index.js';
import { judgeHttp01, probeHttp01, webrootTokenPath } from '../checks/http01/index.js';
import { escapeControls as esc } from '../report/escape.js';

const TOKEN = /^[A-Za-z0-9_-]+$/;

export async function writeToken(webroot: string, token: string, keyAuthorization: string): Promise<string> {
  if (!TOKEN.test(token)) throw new Error(`invalid token ${JSON.stringify(token)}`);
  const file = webrootTokenPath(webroot, token);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, keyAuthorization, { mode: 0o644 });
  return file;
}

export async function removeToken(webroot: string, token: string): Promise<string> {
  if (!TOKEN.test(token)) throw new Error(`invalid token ${JSON.stringify(token)}`);
  const file = webrootTokenPath(webroot, token);
  await rm(file, { force: true });
  return file;
}

/** Addresses from the iterative resolver (what the CA would see), never the system resolver. */
export function resolverAddresses(profile: NetworkProfile): ResolveAddresses {
  const resolver = new IterativeResolver(profile);
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
): Promise<TokenCheck> {
  const ev = await probeHttp01(identifier, {
    profile,
    resolveAddresses: resolverAddresses(profile),
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
