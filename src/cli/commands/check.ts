import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { networkOptions, outputOptions } from '../options.js';
import { acmeDryRunOptions } from '../acme-dry-run.js';
import type { CheckArgs } from '../../config/args.js';

export const CHALLENGES = ['http-01', 'dns-01', 'tls-alpn-01'] as const;

/** Options shared by check and guard. */
export function checkOptions<T>(y: import('yargs').Argv<T>): import('yargs').Argv<T & CheckArgs> {
  return acmeDryRunOptions(
    outputOptions(
      networkOptions(
        y
          .option('challenge', {
            alias: 'c',
            choices: CHALLENGES,
            describe: 'Challenge type the CA will use (default http-01)',
          })
          .option('ca', {
            type: 'string',
            describe: "CA issuer domain for CAA (default letsencrypt.org), or a CA's short name",
          })
          .option('account-uri', {
            type: 'string',
            describe: 'ACME account URL, for CAA accounturi (RFC 8657)',
          })
          .option('webroot', {
            type: 'string',
            describe:
              'HTTP-01: write a real token under DIR/.well-known/acme-challenge/, prove every address serves it, remove it',
          })
          .option('provider', {
            type: 'string',
            describe:
              'DNS-01: place a real test TXT record with this DNS provider, wait for every nameserver, remove it',
          })
          .option('propagation-timeout', {
            type: 'number',
            describe: 'DNS-01 with --provider: seconds to wait (default 120)',
          })
          .option('skip', {
            type: 'string',
            array: true,
            describe: 'Check families to leave out (e.g. propagation)',
          })
          .option('config', {
            type: 'string',
            describe: 'Config file (default: .acme-preflight.yml in the current directory)',
          })
          .option('fail-on', {
            choices: ['error', 'warning', 'never'] as const,
            describe: 'Exit 1 on errors (default), on warnings too, or never',
          }),
      ),
    ),
  ) as never;
}

export function checkCommand(ctx: CommandContext): CommandModule<object, CheckArgs> {
  return {
    command: 'check [names..]',
    describe: 'Check whether the CA would issue a certificate for these names, and why not',
    builder: (y) =>
      checkOptions(
        y.positional('names', {
          type: 'string',
          array: true,
          describe: 'Names (or IP addresses) in the order',
        }),
      ),
    handler: async (args) => {
      const { runCheck } = await import('../check-run.js');
      const run = await runCheck(args, ctx);
      ctx.io.out(run.report);
      if (!args['acme-dry-run']) return ctx.setExit(run.exitCode);
      const { checkDryRun } = await import('../acme-dry-run.js');
      const dry = await checkDryRun(args, ctx, run);
      ctx.io.out(dry.text);
      ctx.setExit(dry.exitCode);
    },
  };
}
