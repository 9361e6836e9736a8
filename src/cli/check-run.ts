/** What `check` (and `guard`) do: merge the config file and flags, run preflight, render, decide the exit code. */
import { preflight } from '../engine/preflight.js';
import { profileFromArgs } from '../config/profile.js';
import { issuerDomainFor } from '../config/ca.js';
import { configToArgs, findConfigFile, loadConfigFile, mergeArgs } from '../config/file.js';
import { failsOn } from '../config/schema.js';
import { EXIT, type Report } from '../report/report.js';
import { FAMILY_NAMES } from '../engine/registry.js';
import { UsageError } from '../errors.js';
import { renderReport } from './render.js';
import type { CheckArgs } from '../config/args.js';
import type { CommandContext } from './context.js';

export interface CheckRun {
  report: string;
  result: Report;
  exitCode: number;
}

export async function runCheck(cliArgs: CheckArgs, ctx: CommandContext): Promise<CheckRun> {
  const configPath = cliArgs.config ?? findConfigFile(process.cwd());
  const args = mergeArgs<CheckArgs>(
    configPath ? (configToArgs(loadConfigFile(configPath)) as Partial<CheckArgs>) : {},
    cliArgs,
  );
  if (!args.names?.length)
    throw new UsageError('give at least one name to check (or names: in .acme-preflight.yml)');
  const unknown = (args.skip ?? []).filter((s) => !FAMILY_NAMES.includes(s));
  if (unknown.length)
    throw new UsageError(`--skip ${unknown.join(', ')}: not a check family (${FAMILY_NAMES.join(', ')})`);
  const profile = profileFromArgs(args);
  const provider = args.provider ? await providerFor(args.provider, ctx) : undefined;
  const release = args.webroot ? await cleanupOnSignal() : undefined;
  let result: Report;
  try {
    const { defaultStatePath } = await import('../solve/store.js');
    result = await preflight(args.names.map(String), {
      challenge: args.challenge ?? (provider ? 'dns-01' : undefined),
      profile,
      ca: issuerDomainFor(args.ca),
      accountUri: args['account-uri'],
      skip: args.skip,
      webroot: args.webroot,
      dns01: provider
        ? {
            provider,
            statePath: defaultStatePath(ctx.io.env),
            propagationTimeoutMs:
              args['propagation-timeout'] !== undefined ? args['propagation-timeout'] * 1000 : undefined,
          }
        : undefined,
    });
  } finally {
    release?.();
  }
  const exitCode = failsOn(result.verdict, args['fail-on'] ?? 'error') ? EXIT.fail : EXIT.ok;
  return {
    report: renderReport(result, { ...args, format: args.format ?? 'text' }, ctx.io),
    result,
    exitCode,
  };
}

/** A provider whose credentials are missing is a configuration error (exit 2), naming every variable. */
async function providerFor(code: string, ctx: CommandContext) {
  const { createProvider } = await import('../../providers/registry.js');
  const { ProviderConfigError } = await import('../../providers/types.js');
  try {
    return await createProvider(code, ctx.io.env);
  } catch (e) {
    if (e instanceof ProviderConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** Ctrl-C during a webroot check must not leave a token file behind. */
async function cleanupOnSignal(): Promise<() => void> {
  const { cleanupWebrootTokens } = await import('../checks/http01/index.js');
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanupWebrootTokens();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}
