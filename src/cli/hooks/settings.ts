/** Settings of a hook run: flags over the config file; env handed in, never read from process. */
import type { HookArgs } from '../../config/args.js';
import type { NetworkProfile } from '../../profile.js';
import { configToArgs, findConfigFile, loadConfigFile, mergeArgs } from '../../config/file.js';
import { profileFromArgs } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { RecordStore, defaultStatePath } from '../../solve/store.js';
import { DEFAULT_PROPAGATION_TIMEOUT_MS } from '../../solve/propagation.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Env fallbacks for hooks whose command line is fixed by the ACME client (lego, acme.sh). */
export const ENV_CONFIG = 'ACME_PREFLIGHT_CONFIG';
export const ENV_PROVIDER = 'ACME_PREFLIGHT_PROVIDER';
export const ENV_WEBROOT = 'ACME_PREFLIGHT_WEBROOT';

export interface HookSettings {
  profile: NetworkProfile;
  providerCode?: string;
  webroot?: string;
  timeoutMs: number;
  /** --propagation-timeout (or the config file) set it, rather than the default. */
  timeoutExplicit: boolean;
  store: RecordStore;
}

export function hookSettings(cli: HookArgs, env: Env, cwd: string = process.cwd()): HookSettings {
  const configPath = cli.config ?? env[ENV_CONFIG] ?? findConfigFile(cwd);
  const args = mergeArgs<HookArgs>(
    configPath ? (configToArgs(loadConfigFile(configPath)) as Partial<HookArgs>) : {},
    cli,
  );
  const timeout = args['propagation-timeout'];
  if (timeout !== undefined && !(timeout > 0 && timeout <= 3600))
    throw new UsageError('--propagation-timeout must be between 0 and 3600 seconds');
  const providerCode = args.provider ?? env[ENV_PROVIDER];
  const store = new RecordStore(args['state-file'] ?? defaultStatePath(env));
  // A broken state file is a usage error before any record is created.
  if (providerCode) store.check();
  return {
    profile: profileFromArgs(args),
    providerCode,
    webroot: args.webroot ?? env[ENV_WEBROOT],
    timeoutMs: timeout !== undefined ? timeout * 1000 : DEFAULT_PROPAGATION_TIMEOUT_MS,
    timeoutExplicit: timeout !== undefined,
    store,
  };
}

export { registryProvider, type ProviderFactory } from '../provider.js';
