/** Runs one command module in-process as src/cli/run.ts would (usage errors exit 2). */
import yargs, { type CommandModule } from 'yargs';
import { UsageError, type CliIo } from '../../src/cli/io.js';
import type { CommandContext } from '../../src/cli/context.js';
import type { Lab } from '../../src/lab/index.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

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
      .command(make({ io, setExit: (c) => (code = c) }))
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

/** Network flags that point every lookup at the lab. */
export const labNet = (lab: Lab): string[] => [
  '--root-hints',
  ...lab.profile.rootHints.map((h) => `${h.name}=${h.address}`),
  '--dns-port',
  String(lab.port),
  '--resolver',
  'none',
  '--public-suffix',
  'test',
  '--allow-address',
  '127.0.0.0/8',
  '--timeout',
  '0.4',
];
