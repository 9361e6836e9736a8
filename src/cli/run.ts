import yargs from 'yargs';
import { VERSION } from '../version.js';
import { UsageError, type CliIo } from './io.js';
import { EXIT } from '../report/report.js';
import type { CommandContext } from './context.js';
import { checkCommand } from './commands/check.js';
import { demoCommand } from './commands/demo.js';

/** Parses argv, runs one command and returns the process exit code. Never throws. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const ctx: CommandContext = { io, setExit: (c) => (exitCode = c) };
  let usageMessage: string | undefined;
  const parser = yargs(argv)
    .scriptName('acme-preflight')
    .usage(
      "$0 <command> [options]\n\nPredicts whether an ACME CA (Let's Encrypt) would issue a certificate, and why not.",
    )
    .command(checkCommand(ctx))
    .command(demoCommand(ctx))
    .demandCommand(1, 'Name a command: check, demo (see --help).')
    .strict()
    .version(VERSION)
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // yargs reports its own validation problems through msg; errors thrown by handlers come as err.
      if (err && !(err instanceof UsageError)) throw err;
      usageMessage = err?.message ?? msg;
    })
    .showHelpOnFail(false);
  try {
    await parser.parseAsync(argv, {}, (_e, _argv, output) => {
      if (output && !usageMessage) io.out(output.endsWith('\n') ? output : output + '\n');
    });
  } catch (e) {
    if (e instanceof UsageError) usageMessage = e.message;
    else {
      io.err(`acme-preflight: the check could not run: ${describe(e)}\n`);
      return EXIT.internal;
    }
  }
  if (usageMessage) {
    io.err(`acme-preflight: ${usageMessage.split('\n')[0]}\n`);
    return EXIT.usage;
  }
  return exitCode;
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message.split('\n')[0] ?? e.name;
  return String(e);
}
