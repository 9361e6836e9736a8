import yargs, { type CommandModule } from 'yargs';
import { run } from '../../src/cli/run.js';
import { UsageError, type CliIo } from '../../src/cli/io.js';
import type { CommandContext } from '../../src/cli/context.js';
import { noSignals, SignalOwner } from '../../src/cli/signals.js';
import { argsForProfile } from '../../src/config/profile.js';
import type { Lab } from '../../src/lab/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, as a user would from a shell. */
export async function cli(argv: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTTY: false, env };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** Runs one command module in-process as src/cli/run.ts would, for modules built with injected dependencies. */
export async function runModule(
  make: (ctx: CommandContext) => CommandModule<object, never>,
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const io: CliIo = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTTY: false, env };
  try {
    await yargs(argv)
      .command(make({ io, setExit: (c) => (code = c), signals: new SignalOwner(noSignals) }))
      .strict()
      .exitProcess(false)
      .fail((msg, err) => {
        throw err ?? new UsageError(msg);
      })
      .parseAsync();
  } catch (e) {
    code = e instanceof UsageError || (e as Error).name === 'YError' ? 2 : 3;
    stderr += String((e as Error).message);
  }
  return { code, stdout, stderr };
}

/** Flags that point every lookup at a running lab, as a user would type them (public resolvers off). */
export const labFlags = (lab: Lab): string[] => argsForProfile({ ...lab.profile, publicResolvers: [] });
