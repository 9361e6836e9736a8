/**
 * The one place a command's settings are put together: flags, then the config file, then the
 * ACME_PREFLIGHT_* environment (only where the caller asks for it: the hooks), then defaults.
 * check, the ACME dry run, the hooks and the Action all call resolveSettings; nothing else loads the file.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { configToArgs, findConfigFile, loadConfigFile, mergeArgs, type ConfigArgs } from './file.js';
import { CONFIG_CHALLENGES } from './schema.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Env settings for hooks whose command line is fixed by the ACME client (lego, acme.sh). */
export const ENV_CONFIG = 'ACME_PREFLIGHT_CONFIG';
export const ENV_PROVIDER = 'ACME_PREFLIGHT_PROVIDER';
export const ENV_WEBROOT = 'ACME_PREFLIGHT_WEBROOT';
export const ENV_CHALLENGE = 'ACME_PREFLIGHT_CHALLENGE';
export const ENV_ACCOUNT_URI = 'ACME_PREFLIGHT_ACCOUNT_URI';

export interface ResolveOptions<T> {
  /**
   * Read ACME_PREFLIGHT_CONFIG / _PROVIDER / _WEBROOT / _CHALLENGE / _ACCOUNT_URI (the hooks). Off by
   * default: `check` never places a record or token file because of a variable left in the environment.
   */
  hookEnv?: boolean;
  /** The lowest layer: what applies when no flag, file or variable sets it. */
  defaults?: Partial<T>;
}

export interface ResolvedSettings<T> {
  args: T;
  /** The config file that was read, if any. */
  configPath?: string;
}

/**
 * Flags > config file > ACME_PREFLIGHT_* (with hookEnv) > defaults. A flag not given (undefined, or an
 * empty list) does not mask the layers below. `--config` is relative to cwd; paths in the file are
 * relative to the file.
 */
export function resolveSettings<T extends { config?: string }>(
  flags: T,
  env: Env,
  cwd: string,
  options: ResolveOptions<T> = {},
): ResolvedSettings<T & ConfigArgs> {
  const fromEnv = options.hookEnv ? hookEnvArgs(env) : {};
  const named = flags.config ?? (options.hookEnv ? nonEmpty(env, ENV_CONFIG) : undefined);
  const configPath = named !== undefined ? resolve(cwd, named) : findConfigFile(cwd);
  const fromFile = configPath ? configToArgs(loadConfigFile(configPath)) : {};
  const defaults = (options.defaults ?? {}) as Partial<ConfigArgs>;
  const below = mergeArgs<ConfigArgs>(mergeArgs<ConfigArgs>(defaults, fromEnv), fromFile);
  const args = mergeArgs<T & ConfigArgs>(below as Partial<T & ConfigArgs>, flags as T & ConfigArgs);
  if (args.webroot !== undefined) {
    const from =
      (flags as ConfigArgs).webroot !== undefined
        ? '--webroot'
        : fromFile.webroot !== undefined && configPath
          ? `${basename(configPath)}: webroot:`
          : ENV_WEBROOT;
    assertDirectory(resolve(cwd, args.webroot), from);
  }
  return configPath ? { args, configPath } : { args };
}

/**
 * A webroot must already exist: creating it (parents included) would hide a typo and leave directories
 * behind that no web server serves.
 */
function assertDirectory(path: string, from: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    throw new UsageError(`${from} ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!st)
    throw new UsageError(`${from} ${path}: no such directory (give the directory your web server serves)`);
  if (!st.isDirectory()) throw new UsageError(`${from} ${path}: not a directory`);
}

const nonEmpty = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/** The hooks' environment layer, validated: a bad value is a usage error naming the variable. */
export function hookEnvArgs(env: Env): ConfigArgs {
  const out: ConfigArgs = {};
  const provider = nonEmpty(env, ENV_PROVIDER);
  if (provider !== undefined) {
    if (!/^[a-z0-9][a-z0-9_-]*$/i.test(provider))
      throw new UsageError(
        `${ENV_PROVIDER}: expected a provider code (see acme-preflight providers), got ${JSON.stringify(provider)}`,
      );
    out.provider = provider;
  }
  const webroot = nonEmpty(env, ENV_WEBROOT);
  if (webroot !== undefined) out.webroot = webroot;
  const challenge = nonEmpty(env, ENV_CHALLENGE);
  if (challenge !== undefined) {
    if (!(CONFIG_CHALLENGES as readonly string[]).includes(challenge))
      throw new UsageError(
        `${ENV_CHALLENGE}: expected one of ${CONFIG_CHALLENGES.join(', ')}, got ${JSON.stringify(challenge)}`,
      );
    out.challenge = challenge as (typeof CONFIG_CHALLENGES)[number];
  }
  const account = nonEmpty(env, ENV_ACCOUNT_URI);
  if (account !== undefined) {
    if (!/^https?:\/\/\S+$/.test(account) || !URL.canParse(account))
      throw new UsageError(
        `${ENV_ACCOUNT_URI}: expected the ACME account URL (https://...), got ${JSON.stringify(account)}`,
      );
    out['account-uri'] = account;
  }
  return out;
}
