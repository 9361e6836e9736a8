/**
 * Runs one corpus case both ways inside the e2e namespace: acme-preflight in-process against the
 * stack's own root server, and a real order at Pebble (acme-client; HTTP-01 token in nginx's webroot,
 * DNS-01 TXT through nsupdate with the stack's TSIG key).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import acme from 'acme-client';
import { preflight, type PreflightOptions } from '../../../src/engine/preflight.js';
import { withProfile, type NetworkProfile } from '../../../src/profile.js';
import type { Finding } from '../../../src/report/finding.js';
import { IterativeResolver } from '../../../src/dns/iterative.js';
import { gatherDns01, judgeDns01Txt } from '../../../src/checks/dns01/index.js';
import type { StackEnv } from '../stackEnv.js';
import type { CaseVerdict, CorpusCase } from './cases.js';
import { nameRef } from '../../../src/identifiers.js';

const run = promisify(execFile);

/** The stack as acme-preflight's network: its root server, its root anchor, 127/8 treated as public. */
export function corpusProfile(env: StackEnv): NetworkProfile {
  const anchors = readFileSync(env.rootAnchor, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith(';'));
  return withProfile({
    rootHints: [{ name: 'a.root-servers.test', address: env.rootNs }],
    trustAnchors: anchors,
    publicResolvers: [],
    dnsPort: env.dnsPort,
    httpPort: env.httpPort,
    tlsPort: env.tlsPort,
    allowAddresses: ['127.0.0.0/8'],
    extraPublicSuffixes: ['test'],
    acmeDirectory: env.pebble.directoryUrl,
    // Everything is on loopback: short timeouts keep a broken case from stalling the run.
    timeouts: { dnsQueryMs: 1500, dnsRetries: 1, httpDialMs: 5000, httpTotalMs: 10_000 },
  });
}

export const withTag = (s: string, tag: string): string => s.replaceAll('{tag}', tag);

/** `_acme-challenge.<base>` for an identifier (a leading `*.` stripped). */
export const acmeChallengeName = (identifier: string): string =>
  `_acme-challenge.${identifier.replace(/^\*\./, '')}`;

/** One TXT record: a string, or several character-strings in one record. */
export type TxtRecord = string | string[];

const quoted = (v: string): string => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
/** TXT presentation (as nsupdate takes it and dig prints it): each string quoted, `"` and `\` escaped. */
const txtRdata = (r: TxtRecord): string => (Array.isArray(r) ? r : [r]).map(quoted).join(' ');

/** Any other record for the update, in presentation form (e.g. a CAA set next to the TXT). */
export interface ExtraRecord {
  name: string;
  type: string;
  data: string;
}

/** One RFC 2136 update (TSIG-signed) replacing the TXT set at each name, plus any extra records. */
export async function publishTxt(
  env: StackEnv,
  records: { name: string; values: TxtRecord[] }[],
  extra: ExtraRecord[] = [],
): Promise<void> {
  if (records.length === 0 && extra.length === 0) return;
  const lines = [`server ${env.updateServer}`, `zone ${env.updateZone}`];
  for (const r of records) {
    lines.push(`update delete ${r.name}. TXT`);
    for (const v of r.values) lines.push(`update add ${r.name}. 1 IN TXT ${txtRdata(v)}`);
  }
  for (const x of extra) lines.push(`update add ${x.name}. 1 IN ${x.type} ${x.data}`);
  lines.push('send', '');
  const child = execFile('nsupdate', ['-t', '5', '-k', env.tsig.keyFile]);
  const done = new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`nsupdate exit ${code}: ${err}`)),
    );
  });
  child.stdin?.end(lines.join('\n'));
  await done;
}

/** Polls the update server (bounded) until it serves exactly these TXT values at name. */
export async function waitForTxt(
  env: StackEnv,
  name: string,
  values: TxtRecord[],
  ms = 10_000,
): Promise<void> {
  const want = values.map(txtRdata).sort().join('\n');
  const until = Date.now() + ms;
  for (;;) {
    const { stdout } = await run('dig', [
      '+norec',
      '+short',
      '+time=1',
      '+tries=1',
      `@${env.updateServer}`,
      name,
      'TXT',
    ]);
    const got = stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .sort()
      .join('\n');
    if (got === want) return;
    if (Date.now() > until) throw new Error(`${name} TXT: want ${want}, server has ${got || 'nothing'}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface PreflightOutcome {
  verdict: CaseVerdict;
  firstError?: Finding;
  codes: string[];
  /** 'preflight', or 'preflight+dns01-judge' when preflight() had no DNS-01 value verdict of its own. */
  via: string;
}

/** Codes by which acme-preflight states a verdict on the DNS-01 value itself. */
const DNS01_VALUE_CODES = new Set([
  'DNS01_TXT_FOUND',
  'DNS01_TXT_MISSING',
  'DNS01_TXT_MISMATCH',
  'DNS01_TXT_QUOTED',
  'DNS01_TXT_SPLIT',
  'DNS01_TXT_DOUBLED_NAME',
  'DNS01_LOOKUP_FAILED',
  'DNS01_CNAME_DANGLING',
]);

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

export async function runPreflight(
  env: StackEnv,
  profile: NetworkProfile,
  c: CorpusCase,
  identifier: string,
  expected: string,
): Promise<PreflightOutcome> {
  const options: PreflightOptions = {
    profile,
    challenge: c.challenge,
    skip: ['propagation'],
  };
  if (c.challenge === 'http-01') options.webroot = env.webroot;
  const report = await preflight([identifier], options);
  let findings = [...report.orderFindings, ...report.identifiers.flatMap((i) => i.findings)];
  let via = 'preflight';
  if (c.challenge === 'dns-01' && !findings.some((f) => DNS01_VALUE_CODES.has(f.code))) {
    // preflight() has no option for the order's TXT value, so its DNS-01 family judges readiness only:
    // the value itself goes to acme-preflight's DNS-01 judge (the same resolver code, its own cache).
    const resolver = new IterativeResolver(profile);
    const judged = judgeDns01Txt(
      await gatherDns01(resolver, nameRef(identifier), { doubled: true }),
      expected,
    );
    findings = [...findings, ...judged.findings].sort(
      (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
    );
    via = 'preflight+dns01-judge';
  }
  const firstError = findings.find((f) => f.severity === 'error');
  return { verdict: firstError ? 'fail' : 'pass', firstError, codes: findings.map((f) => f.code), via };
}

export interface PebbleOrder {
  order: acme.Order;
  challenge: { type: string; url: string; token: string; status: string };
  /** HTTP-01: the key authorization; DNS-01: the TXT value. */
  keyAuthorization: string;
}

export interface PebbleOutcome {
  verdict: CaseVerdict;
  problem?: { type: string; detail: string };
  /** Where it stopped: order, challenge, finalize. */
  stage: string;
}

export async function createPebbleOrder(
  client: acme.Client,
  c: CorpusCase,
  identifier: string,
): Promise<PebbleOrder> {
  const order = await client.createOrder({ identifiers: [{ type: 'dns', value: identifier }] });
  const [authz] = await client.getAuthorizations(order);
  const challenge = authz?.challenges.find((ch) => ch.type === c.challenge);
  if (!challenge) throw new Error(`Pebble offered no ${c.challenge} challenge for ${identifier}`);
  const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
  return { order, challenge, keyAuthorization };
}

const problemOf = (e: unknown): { type: string; detail: string } => {
  const o = (e ?? {}) as { type?: unknown; detail?: unknown };
  return { type: String(o.type ?? 'unknown'), detail: String(o.detail ?? JSON.stringify(e)) };
};

/** Asks Pebble to validate, waits (polling, bounded) for the authorization, finalizes on success. */
export async function validateAtPebble(
  client: acme.Client,
  p: PebbleOrder,
  identifier: string,
  timeoutMs = 60_000,
): Promise<PebbleOutcome> {
  await client.completeChallenge(p.challenge as Parameters<acme.Client['completeChallenge']>[0]);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [authz] = await client.getAuthorizations(p.order);
    if (!authz) throw new Error('authorization vanished');
    const ch = authz.challenges.find((c) => c.url === p.challenge.url);
    if (authz.status === 'invalid' || ch?.status === 'invalid') {
      return { verdict: 'fail', problem: problemOf(ch?.error), stage: 'challenge' };
    }
    if (authz.status === 'valid') break;
    if (Date.now() > until) throw new Error(`Pebble did not decide ${identifier} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
  try {
    const [, csr] = await acme.crypto.createCsr({ altNames: [identifier] });
    const finalized = await client.finalizeOrder(p.order, csr);
    const pem = await client.getCertificate(finalized);
    if (!pem.includes('BEGIN CERTIFICATE')) throw new Error('no certificate');
    return { verdict: 'pass', stage: 'finalize' };
  } catch (e) {
    return { verdict: 'fail', problem: { type: 'finalize', detail: String(e) }, stage: 'finalize' };
  }
}

/** HTTP-01: the token file nginx serves from the webroot (and its removal). */
export const tokenFile = (env: StackEnv, token: string): string =>
  join(env.webroot, '.well-known', 'acme-challenge', token);

export const writeToken = (env: StackEnv, p: PebbleOrder): Promise<void> =>
  writeFile(tokenFile(env, p.challenge.token), p.keyAuthorization);

export const removeToken = (env: StackEnv, p: PebbleOrder): Promise<void> =>
  rm(tokenFile(env, p.challenge.token), { force: true });
