/** What `check` (and `guard`) do: merge the config file and flags, run preflight, render, decide the exit code. */
import { preflight, type PreflightOptions } from '../engine/preflight.js';
import { perspectiveSpecs } from '../config/perspectives.js';
import { profileFromArgs } from '../config/profile.js';
import { issuerDomainFor } from '../config/ca.js';
import { resolveSettings } from '../config/settings.js';
import { failsOn } from '../config/schema.js';
import { EXIT, type Report } from '../report/report.js';
import { needsAccountUri } from '../report/finding.js';
import { FAMILY_NAMES } from '../engine/registry.js';
import { UsageError } from '../errors.js';
import { renderReport } from './render.js';
import type { CheckArgs } from '../config/args.js';
import { registryProvider } from './provider.js';
import type { CommandContext } from './context.js';
import { statusLine, whileWaiting } from './status.js';
import type { NetworkProfile } from '../profile.js';
import { NAME_DEADLINE_MS, RUN_DEADLINE_MS } from '../dns/limits.js';

export interface CheckRun {
  report: string;
  result: Report;
  exitCode: number;
}

export async function runCheck(cliArgs: CheckArgs, ctx: CommandContext): Promise<CheckRun> {
  const { args } = resolveSettings(cliArgs, ctx.io.env, process.cwd());
  if (!args.names?.length)
    throw new UsageError('give at least one name to check (or names: in .acme-preflight.yml)');
  // Refused before any check runs: the checks would take a while, then the dry run could not start.
  if (args['acme-dry-run'] && !args.provider && !args.webroot)
    throw new UsageError(
      '--acme-dry-run needs --provider (DNS-01) or --webroot (HTTP-01) to answer the challenges',
    );
  const unknown = (args.skip ?? []).filter((s) => !FAMILY_NAMES.includes(s));
  if (unknown.length)
    throw new UsageError(`--skip ${unknown.join(', ')}: not a check family (${FAMILY_NAMES.join(', ')})`);
  const challenge = args.challenge ?? (args.provider ? 'dns-01' : undefined);
  if (needsAccountUri(challenge) && !args['account-uri'])
    throw new UsageError(
      `--challenge ${challenge} needs --account-uri URL (the ACME account that will order)`,
    );
  if (args.provider && challenge !== 'dns-01' && challenge !== 'dns-account-01')
    throw new UsageError(
      challenge === 'dns-persist-01'
        ? '--provider places a test record for dns-01 or dns-account-01; a dns-persist-01 record is created with `acme-preflight persist-record --provider CODE --apply`'
        : `--provider places a DNS TXT test record; it does not apply to ${challenge}`,
    );
  const profile = profileFromArgs(args);
  const provider = args.provider ? await providerFor(args.provider, ctx) : undefined;
  const release = args.webroot ? await tokensGoOnSignal(ctx.signals.signal) : undefined;
  let result: Report;
  try {
    const { defaultStatePath, RecordStore } = await import('../solve/store.js');
    // A broken state file is a usage error before any record is created.
    if (provider) new RecordStore(defaultStatePath(ctx.io.env)).check();
    const remotes = perspectiveSpecs(args, ctx.io.env);
    const options: PreflightOptions = {
      challenge,
      profile,
      ca: issuerDomainFor(args.ca),
      accountUri: args['account-uri'],
      skip: args.skip,
      webroot: args.webroot,
      signal: ctx.signals.signal,
      dns01: provider
        ? {
            provider,
            statePath: defaultStatePath(ctx.io.env),
            propagationTimeoutMs:
              args['propagation-timeout'] !== undefined ? args['propagation-timeout'] * 1000 : undefined,
          }
        : undefined,
    };
    const names = args.names.map(String);
    const status = statusLine(ctx.io, { json: args.format === 'json' });
    result = await whileWaiting(status, checking(names, 0), checkLimitMs(names, profile), (wait) => {
      options.onProgress = (p) => wait.update(checking(names, p.done));
      return remotes.length
        ? import('../engine/multi.js').then((m) => m.preflightWithPerspectives(names, options, remotes))
        : preflight(names, options);
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

const checking = (names: string[], done: number): string =>
  names.length === 1 ? `Checking ${names[0]}` : `Checking ${names.length} names (${done} done)`;

/** The deadline that bounds the whole wait: one name's, or the run's. */
function checkLimitMs(names: string[], profile: NetworkProfile): number {
  const run = profile.timeouts.runDeadlineMs ?? RUN_DEADLINE_MS;
  return names.length === 1 ? Math.min(run, profile.timeouts.nameDeadlineMs ?? NAME_DEADLINE_MS) : run;
}

const providerFor = (code: string, ctx: CommandContext) => registryProvider(code, ctx.io.env, ctx.io);

/** Ctrl-C during a webroot check must not leave a token file behind, even if a second one ends us at once. */
async function tokensGoOnSignal(signal: AbortSignal): Promise<() => void> {
  const { cleanupWebrootTokens } = await import('../solve/webroot.js');
  const onAbort = (): void => void cleanupWebrootTokens();
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
