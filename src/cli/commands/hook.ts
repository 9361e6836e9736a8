import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { networkOptions } from '../options.js';
import type { HookDeps } from '../hooks/run.js';
import type { HookCliArgs } from '../../config/args.js';

const KINDS = ['certbot-auth', 'certbot-cleanup', 'lego'] as const;

/**
 * `hook certbot-auth|certbot-cleanup|lego`: acme-preflight as an ACME client's DNS/HTTP hook; it
 * returns only once the CA would see the record (or token), and cleans up exactly what it created.
 */
export function hookCommand(ctx: CommandContext, deps: HookDeps = {}): CommandModule<object, HookCliArgs> {
  return {
    command: 'hook <kind> [args..]',
    describe:
      'Hook for certbot (--manual-auth-hook "acme-preflight hook certbot-auth") or lego (exec provider)',
    builder: (y) =>
      networkOptions(y)
        // Required by `<kind>`; yargs ignores demandOption on positionals: it only types kind.
        .positional('kind', { choices: KINDS, demandOption: true, describe: 'Which client calls' })
        .positional('args', { type: 'string', array: true, describe: "lego: the exec provider's arguments" })
        .option('provider', {
          type: 'string',
          describe: 'DNS-01: DNS provider code (credentials from env), else ACME_PREFLIGHT_PROVIDER',
        })
        .option('challenge', {
          choices: ['dns-01', 'dns-account-01'] as const,
          describe:
            'DNS: dns-account-01 places the record at the account label (else ACME_PREFLIGHT_CHALLENGE)',
        })
        .option('account-uri', {
          type: 'string',
          describe: 'dns-account-01: the ACME account URL (else ACME_PREFLIGHT_ACCOUNT_URI)',
        })
        .option('webroot', {
          type: 'string',
          describe: 'HTTP-01: directory served at /.well-known/acme-challenge/ (its parent)',
        })
        .option('propagation-timeout', {
          type: 'number',
          describe: 'Seconds to wait for every authoritative server, from the start (default 120)',
        })
        .option('state-file', {
          type: 'string',
          describe:
            'Where handles of created records are kept (default $XDG_STATE_HOME/acme-preflight/records.json)',
        })
        .option('config', {
          type: 'string',
          describe: 'Config file (default ACME_PREFLIGHT_CONFIG, else .acme-preflight.yml here)',
        })
        // lego's values may start with '-' or look like numbers: keep everything after -- verbatim.
        .parserConfiguration({ 'populate--': true, 'parse-positional-numbers': false }),
    handler: async (args) => {
      const { runHook } = await import('../hooks/run.js');
      ctx.setExit(await runHook(args, ctx, deps));
    },
  };
}
