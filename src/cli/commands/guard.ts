import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { checkOptions } from './check.js';
import type { GuardArgs } from '../../config/args.js';

/** `guard <names..> [check options] -- <command...>`: run the command only if issuance would succeed. */
export function guardCommand(ctx: CommandContext): CommandModule<object, GuardArgs> {
  return {
    command: 'guard [names..]',
    describe:
      'Run the checks, then run the command after -- only if the CA would issue (e.g. -- certbot renew)',
    builder: (y) =>
      checkOptions(
        y
          .usage('$0 guard [names..] [options] -- <command...>')
          .positional('names', {
            type: 'string',
            array: true,
            // yargs gives `[names..]` an empty list when none are typed; demandOption only types that.
            demandOption: true,
            describe: 'Names (or IP addresses) in the order',
          })
          // Everything after `--` is the guarded command, verbatim (no number parsing).
          .parserConfiguration({ 'populate--': true, 'parse-positional-numbers': false }),
      ),
    handler: async (args) => {
      const { runGuard } = await import('../guard-run.js');
      ctx.setExit(await runGuard(args, ctx));
    },
  };
}
