import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { networkOptions, type NetworkArgs } from '../options.js';

export interface PersistRecordArgs extends NetworkArgs {
  names: string[];
  'account-uri'?: string;
  wildcard?: boolean;
  'persist-until'?: string;
  ca?: string;
  provider?: string;
  apply?: boolean;
  'propagation-timeout'?: number;
  format: 'text' | 'json';
}

/** `persist-record`: the standing dns-persist-01 record to publish, and with --apply its creation. */
export function persistRecordCommand(ctx: CommandContext): CommandModule<object, PersistRecordArgs> {
  return {
    command: 'persist-record <names..>',
    describe:
      'Print the dns-persist-01 record that authorises an ACME account for these names; with --provider --apply, create it',
    builder: (y) =>
      networkOptions(
        y
          .positional('names', {
            type: 'string',
            array: true,
            // Required by `<names..>`; yargs ignores demandOption on positionals: it only types names.
            demandOption: true,
            describe: 'Names (a *. name implies --wildcard)',
          })
          .option('account-uri', {
            type: 'string',
            describe: 'ACME account URL the record authorises (required)',
          })
          .option('wildcard', {
            type: 'boolean',
            describe: 'Add policy=wildcard: the record also authorises *.<name> and subdomains',
          })
          .option('persist-until', {
            type: 'string',
            describe: 'Stop authorising after this time (YYYY-MM-DD, an ISO 8601 time, or Unix seconds)',
          })
          .option('ca', {
            type: 'string',
            describe: "CA issuer domain (default letsencrypt.org), or a CA's short name",
          })
          .option('provider', {
            type: 'string',
            describe: 'DNS provider code (see providers), credentials from env',
          })
          .option('apply', {
            type: 'boolean',
            describe: 'Create the record through --provider and wait for every authoritative server',
          })
          .option('propagation-timeout', {
            type: 'number',
            describe: 'With --apply: seconds to wait for every authoritative server (default 120)',
          })
          .option('format', {
            alias: 'f',
            choices: ['text', 'json'] as const,
            default: 'text' as const,
            describe: 'Output format',
          }),
      ),
    handler: async (args) => {
      const { runPersistRecord } = await import('../persist-record-run.js');
      ctx.setExit(await runPersistRecord(args, ctx));
    },
  };
}
