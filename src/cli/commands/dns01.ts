import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { networkOptions, outputOptions } from '../options.js';
import type { Dns01Args } from '../../config/args.js';
import { UsageError } from '../io.js';

/** The options every action shares; the return type is what yargs infers from them. */
function common<T>(y: Argv<T>) {
  return outputOptions(networkOptions(y))
    .option('provider', {
      type: 'string',
      describe: 'DNS provider code (see providers), credentials from env',
    })
    .option('propagation-timeout', {
      type: 'number',
      describe: 'Seconds to wait for every authoritative server to serve the value (default 120)',
    })
    .option('state-file', {
      type: 'string',
      describe:
        'Where handles of created records are kept (default $XDG_STATE_HOME/acme-preflight/records.json)',
    })
    .option('public-resolvers', {
      type: 'boolean',
      describe: 'Also wait for the public resolvers to serve the value',
    })
    .option('challenge', {
      choices: ['dns-01', 'dns-account-01'] as const,
      describe:
        'dns-account-01: the record is _<label>._acme-challenge.<name> for --account-uri (default dns-01)',
    })
    .option('account-uri', {
      type: 'string',
      describe: 'dns-account-01: the ACME account URL the label is derived from',
    });
}

/** `dns01 present|verify|cleanup`: DNS-01 records by hand, with the CA's own judgement. */
export function dns01Command(ctx: CommandContext): CommandModule<object, Dns01Args> {
  return {
    command: 'dns01 <action> <name> [value]',
    describe:
      'Place, verify or clean up a DNS-01 TXT record (present <name> <value>, verify <name>, cleanup <name>)',
    builder: (y) =>
      common(
        y
          .positional('action', {
            choices: ['present', 'verify', 'cleanup'] as const,
            // Required by `<action>` in the command; yargs ignores demandOption on positionals: types only.
            demandOption: true,
            describe: 'What to do',
          })
          .positional('name', {
            type: 'string',
            demandOption: true,
            describe: 'Domain name (the _acme-challenge label is added)',
          })
          .positional('value', { type: 'string', describe: 'present: the TXT value' })
          .option('expect', { type: 'string', describe: 'verify: the value the CA expects' })
          .option('stale', { type: 'boolean', describe: 'cleanup: remove only leftover test records' })
          .option('wait', { type: 'boolean', default: true, describe: 'present: wait for propagation' }),
      ),
    handler: async (args) => {
      // yargs leaves what follows `--` in `_`, after the command's name: `dns01 present NAME -- -VALUE`.
      const rest = ((args as { _?: (string | number)[] })._ ?? []).slice(1).map(String);
      if (rest.length > (args.value === undefined ? 1 : 0))
        throw new UsageError(`unexpected arguments after the value: ${rest.join(' ')}`);
      const value = args.value ?? rest[0];
      const { runDns01 } = await import('../dns01-run.js');
      ctx.setExit(await runDns01({ ...args, value }, ctx));
    },
  };
}
