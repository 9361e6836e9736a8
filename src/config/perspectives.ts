/** `--perspective NAME=URL` and `perspectives:` into specs, tokens from the environment (never from flags). */
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { PerspectiveArgs } from './args.js';

export type { PerspectiveArgs };

type Env = Readonly<Record<string, string | undefined>>;

export interface PerspectiveSpecConfig {
  name: string;
  url: string;
  token?: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

export const PERSPECTIVE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
export const TOKEN_ENV = 'ACME_PREFLIGHT_PERSPECTIVE_TOKEN';

/** ACME_PREFLIGHT_PERSPECTIVE_TOKEN_EU_WEST for "eu-west". */
export const tokenEnvFor = (name: string): string =>
  `${TOKEN_ENV}_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** VAR, else the file named by VAR_FILE (trailing newline dropped), as lego reads credentials. */
export function secretFromEnv(env: Env, name: string): string | undefined {
  const direct = env[name];
  if (direct) return direct.trim();
  const file = env[`${name}_FILE`];
  if (file) return readFile(file, `${name}_FILE`).toString('utf8').trim();
  return undefined;
}

export function parsePerspectiveSpec(spec: string): { name: string; url: string } {
  const eq = spec.indexOf('=');
  const name = eq > 0 ? spec.slice(0, eq) : '';
  const url = spec.slice(eq + 1);
  if (!PERSPECTIVE_NAME.test(name))
    throw new UsageError(
      `--perspective ${spec.split('=')[0]}: give NAME=URL, NAME of letters, digits, . _ -`,
    );
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(
      `--perspective ${name}: ${url ? 'not a URL' : 'give NAME=URL'} (e.g. ${name}=https://agent.example.net:8443)`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError(`--perspective ${name}: the URL must be http:// or https://`);
  if (u.username || u.password)
    throw new UsageError(`--perspective ${name}: put the token in ${tokenEnvFor(name)}, not in the URL`);
  return { name, url: u.toString() };
}

export function perspectiveSpecs(args: PerspectiveArgs, env: Env): PerspectiveSpecConfig[] {
  const tls = {
    ...(args['perspective-ca'] ? { ca: readFile(args['perspective-ca'], '--perspective-ca file') } : {}),
    ...(args['perspective-cert']
      ? { cert: readFile(args['perspective-cert'], '--perspective-cert file') }
      : {}),
    ...(args['perspective-key'] ? { key: readFile(args['perspective-key'], '--perspective-key file') } : {}),
  };
  if (!tls.cert !== !tls.key) throw new UsageError('--perspective-cert and --perspective-key go together');
  const seen = new Set<string>();
  return (args.perspective ?? []).map((s) => {
    const { name, url } = parsePerspectiveSpec(s);
    if (seen.has(name)) throw new UsageError(`--perspective ${name} is given twice`);
    seen.add(name);
    const own = args['perspective-token-env']?.[name];
    const token =
      (own ? secretFromEnv(env, own) : undefined) ??
      secretFromEnv(env, tokenEnvFor(name)) ??
      secretFromEnv(env, TOKEN_ENV);
    return { name, url, ...(token ? { token } : {}), ...(Object.keys(tls).length ? { tls } : {}) };
  });
}

export const AGENT_TOKENS_ENV = 'ACME_PREFLIGHT_AGENT_TOKENS';
/** A token shorter than this is refused: it could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/** The agent's accepted tokens: --tokens-file, else ACME_PREFLIGHT_AGENT_TOKENS(_FILE); one per line or comma. */
export function agentTokens(env: Env, tokensFile?: string): string[] {
  const text = tokensFile
    ? readFile(tokensFile, '--tokens-file').toString('utf8')
    : secretFromEnv(env, AGENT_TOKENS_ENV);
  const tokens = (text ?? '')
    .split(/[\n,]/)
    .map((t) => t.trim())
    .filter((t) => t && !t.startsWith('#'));
  if (tokens.length === 0)
    throw new UsageError(
      `the agent needs a token: set ${AGENT_TOKENS_ENV} or ${AGENT_TOKENS_ENV}_FILE, or give --tokens-file (generate one with: openssl rand -hex 32)`,
    );
  if (tokens.some((t) => t.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(t)))
    throw new UsageError(
      `every agent token must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces`,
    );
  return tokens;
}
