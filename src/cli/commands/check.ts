import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { networkOptions, outputOptions } from '../options.js';
import { acmeDryRunOptions } from '../acme-dry-run.js';
import type { CheckArgs } from '../../config/args.js';

export const CHALLENGES = ['http-01', 'dns-01', 'tls-alpn-01', 'dns-account-01', 'dns-persist-01'] as const;

/** Options shared by check and guard; the return type is what yargs infers from them. */
export function checkOptions<T>(y: import('yargs').Argv<T>) {
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
            describe:
              'ACME account URL: CAA accounturi (RFC 8657); required by dns-account-01 (its label) and dns-persist-01 (the record names it)',
          })
          .option('webroot', {
            type: 'string',
            describe:
              'HTTP-01: write a real token under DIR/.well-known/acme-challenge/, prove every address serves it, remove it',
          })
          .option('provider', {
            type: 'string',
            describe:
              'DNS-01, DNS-ACCOUNT-01: place a real test TXT record with this DNS provider, wait for every nameserver, remove it',
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
          .option('perspective', {
            type: 'string',
            array: true,
            group: 'Perspectives:',
            describe:
              "Remote perspective NAME=URL (an acme-preflight agent); repeatable. This run is the primary; the verdict follows the CA's quorum. Token from ACME_PREFLIGHT_PERSPECTIVE_TOKEN_<NAME> or ACME_PREFLIGHT_PERSPECTIVE_TOKEN (or _FILE)",
          })
          .option('perspective-ca', {
            type: 'string',
            group: 'Perspectives:',
            describe: "File of the CA that signed the agents' TLS certificates",
          })
          .option('perspective-cert', {
            type: 'string',
            group: 'Perspectives:',
            describe: 'Client certificate file for agents that require mTLS',
          })
          .option('perspective-key', {
            type: 'string',
            group: 'Perspectives:',
            describe: 'Key file of --perspective-cert',
          })
          .option('fail-on', {
            choices: ['error', 'warning', 'never'] as const,
            describe: 'Exit 1 on errors (default), on warnings too, or never',
          }),
      ),
    ),
  );
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
          // yargs gives `[names..]` an empty list when none are typed; demandOption only types that.
          demandOption: true,
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
