/** The one way the CLI makes a DNS provider: credentials from the environment, the manual one on a terminal. */
import type { DnsProvider, ProviderOptions } from '../../providers/types.js';
import { UsageError } from '../errors.js';
import type { CliIo } from './io.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** How a command gets its DNS provider; tests inject an in-memory one. */
export type ProviderFactory = (code: string, env: Env, io?: CliIo) => Promise<DnsProvider>;

/** A missing credential is a configuration error (exit 2) naming every variable. */
export const registryProvider: ProviderFactory = async (code, env, io) => {
  const { createProvider } = await import('../../providers/registry.js');
  const { ProviderConfigError } = await import('../../providers/types.js');
  const opts: ProviderOptions = {};
  if (io) {
    opts.output = { write: (t: string) => io.err(t) };
    // The manual provider waits for Enter; without a terminal there is no one to press it.
    if (io.waitForEnter) opts.confirm = (_step, signal) => io.waitForEnter!(signal);
  }
  try {
    return await createProvider(code, { ...env }, opts);
  } catch (e) {
    if (e instanceof ProviderConfigError) throw new UsageError(e.message);
    throw e;
  }
};
