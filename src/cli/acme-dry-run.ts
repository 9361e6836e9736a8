/** `check --acme-dry-run [--acme-directory URL]`: the option builder and the step after the local checks. */
import type { Argv } from 'yargs';
import type { CommandContext } from './context.js';
import type { AcmeDryRunArgs, CheckArgs } from '../config/args.js';
import type { CheckRun } from './check-run.js';
import { resolveSettings } from '../config/settings.js';
import { profileFromArgs } from '../config/profile.js';
import { RecordStore, defaultStatePath } from '../solve/store.js';
import { EXIT } from '../report/report.js';
import { UsageError } from '../errors.js';
import { registryProvider } from './provider.js';
import { acmeDryRun, formatDryRun, type DryRunResult } from '../acme/dry-run.js';
import { escapeControls } from '../report/escape.js';
import { statusLine } from './status.js';

export function acmeDryRunOptions<T>(y: Argv<T>): Argv<T & AcmeDryRunArgs> {
  return y
    .option('acme-dry-run', {
      type: 'boolean',
      describe:
        'After the local checks pass, make a real order at the CA (staging by default), solve it with --provider or --webroot, report its verdict, deactivate the authorizations',
    })
    .option('acme-directory', {
      type: 'string',
      describe: "ACME directory URL for --acme-dry-run (default Let's Encrypt staging)",
    }) as Argv<T & AcmeDryRunArgs>;
}

export interface CheckDryRun {
  text: string;
  result?: DryRunResult;
  exitCode: number;
}

/** Runs the dry run when the local verdict allows it; the exit code is 1 when the CA would refuse. */
export async function checkDryRun(
  cliArgs: CheckArgs & AcmeDryRunArgs,
  ctx: CommandContext,
  local: CheckRun,
): Promise<CheckDryRun> {
  if (local.exitCode !== EXIT.ok)
    return {
      text: 'ACME dry run skipped: the local checks already say the CA would refuse.\n',
      exitCode: local.exitCode,
    };
  const { args } = resolveSettings(cliArgs, ctx.io.env, process.cwd());
  if (!args.provider && !args.webroot)
    throw new UsageError(
      '--acme-dry-run needs --provider (DNS-01) or --webroot (HTTP-01) to answer the challenges',
    );
  const profile = profileFromArgs(args);
  const provider = args.provider ? await registryProvider(args.provider, ctx.io.env, ctx.io) : undefined;
  const challenge = args.challenge === 'dns-01' || args.challenge === 'http-01' ? args.challenge : undefined;
  const directoryUrl = args['acme-directory'] ?? profile.acmeDirectory;
  const status = statusLine(ctx.io, { json: args.format === 'json' });
  const wait = status.begin(`ACME dry run: waiting for the CA at ${directoryUrl}`);
  const result = await acmeDryRun((args.names ?? []).map(String), {
    directoryUrl,
    provider,
    webroot: args.webroot,
    challenge,
    profile,
    store: provider
      ? new RecordStore(defaultStatePath(ctx.io.env)).check()
      : new RecordStore(defaultStatePath(ctx.io.env)),
    propagationTimeoutMs:
      args['propagation-timeout'] !== undefined ? args['propagation-timeout'] * 1000 : undefined,
    log: (l) => {
      status.clear();
      ctx.io.err(`${escapeControls(l)}\n`);
    },
    signal: ctx.signals.signal,
  }).finally(() => wait.end());
  return { text: formatDryRun(result), result, exitCode: result.ok ? EXIT.ok : EXIT.fail };
}
