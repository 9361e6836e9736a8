/** Settings of a hook run: flags, the config file, then ACME_PREFLIGHT_*; env handed in, never read from process. */
import type { HookArgs } from '../../config/args.js';
import type { NetworkProfile } from '../../profile.js';
import { ENV_ACCOUNT_URI, resolveSettings, type Env } from '../../config/settings.js';
import { profileFromArgs } from '../../config/profile.js';
import { UsageError } from '../../errors.js';
import { RecordStore, defaultStatePath } from '../../solve/store.js';
import { DEFAULT_PROPAGATION_TIMEOUT_MS } from '../../solve/propagation.js';

export type { Env } from '../../config/settings.js';

export interface HookSettings {
  profile: NetworkProfile;
  providerCode?: string;
  webroot?: string;
  timeoutMs: number;
  /** --propagation-timeout (or the config file) set it, rather than the default. */
  timeoutExplicit: boolean;
  store: RecordStore;
  /** dns-account-01: records go to this account's label. */
  accountUri?: string;
}

export function hookSettings(cli: HookArgs, env: Env, cwd: string = process.cwd()): HookSettings {
  const { args } = resolveSettings(cli, env, cwd, { hookEnv: true });
  const timeout = args['propagation-timeout'];
  if (timeout !== undefined && !(timeout > 0 && timeout <= 3600))
    throw new UsageError('--propagation-timeout must be between 0 and 3600 seconds');
  // Any other challenge (a shared config file may say http-01) places plain dns-01 records.
  const challenge = args.challenge ?? 'dns-01';
  const accountUri = args['account-uri'];
  if (challenge === 'dns-account-01' && !accountUri)
    throw new UsageError(`dns-account-01 needs the ACME account URL: --account-uri or ${ENV_ACCOUNT_URI}`);
  const providerCode = args.provider;
  const store = new RecordStore(args['state-file'] ?? defaultStatePath(env));
  // A broken state file is a usage error before any record is created.
  if (providerCode) store.check();
  return {
    ...(challenge === 'dns-account-01' ? { accountUri } : {}),
    profile: profileFromArgs(args),
    providerCode,
    webroot: args.webroot,
    timeoutMs: timeout !== undefined ? timeout * 1000 : DEFAULT_PROPAGATION_TIMEOUT_MS,
    timeoutExplicit: timeout !== undefined,
    store,
  };
}

export { registryProvider, type ProviderFactory } from '../provider.js';
