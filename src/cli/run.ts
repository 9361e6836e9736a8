import { createRequire } from 'node:module';
import type { Argv, CommandModule } from 'yargs';
import { nearestWord } from '../config/file.js';
import { DATA_VERSIONS, VERSION } from '../version.js';
import { UsageError, type CliIo } from './io.js';
import { ConfigFileError } from '../errors.js';
import { EXIT } from '../report/report.js';
import { ProviderError } from '../../providers/types.js';
import type { CommandContext } from './context.js';
import { checkCommand } from './commands/check.js';
import { demoCommand } from './commands/demo.js';
import { labCommand } from './commands/lab.js';
import { providersCommand } from './commands/providers.js';
import { dns01Command } from './commands/dns01.js';
import { guardCommand } from './commands/guard.js';
import { hookCommand } from './commands/hook.js';
import { agentCommand } from './commands/agent.js';
import { persistRecordCommand } from './commands/persist-record.js';
import { escapeControls } from '../report/escape.js';
import { serveCommand } from './commands/serve.js';
import { noSignals, SignalOwner, type SignalSource } from './signals.js';
import { workerCommand } from './commands/worker.js';

/**
 * Parses argv, runs one command and returns the process exit code. Never throws. Signals come from
 * `signals` (main.ts passes the process; none by default): after SIGINT/SIGTERM the code is 130/143.
 */
export async function run(argvIn: string[], io: CliIo, signals: SignalSource = noSignals): Promise<number> {
  const owner = new SignalOwner(signals);
  try {
    const code = await runCommand(argvIn, io, owner);
    return interrupted(owner, io) ?? code;
  } catch (e) {
    // Whatever the stopped work threw, the signal is the reason the command ended.
    const why = e === owner.signal.reason ? '' : `: ${describe(e)}`;
    return interrupted(owner, io, why) ?? EXIT.internal;
  } finally {
    owner.dispose();
  }
}

function interrupted(owner: SignalOwner, io: CliIo, why = ''): number | undefined {
  if (owner.exitCode === undefined) return undefined;
  io.err(`acme-preflight: interrupted by ${owner.received}${why}\n`);
  return owner.exitCode;
}

async function runCommand(argvIn: string[], io: CliIo, signals: SignalOwner): Promise<number> {
  const argv = dashValuesAsValues(argvIn);
  let exitCode: number = EXIT.ok;
  const ctx: CommandContext = { io, setExit: (c) => (exitCode = c), signals };
  const commands = [
    checkCommand(ctx),
    demoCommand(ctx),
    labCommand(ctx),
    providersCommand(ctx),
    dns01Command(ctx),
    guardCommand(ctx),
    hookCommand(ctx),
    agentCommand(ctx),
    persistRecordCommand(ctx),
    serveCommand(ctx),
    workerCommand(ctx),
  ];
  const unknown = unknownCommand(
    argv,
    commands.map((c) => String(c.command).split(' ')[0]!),
  );
  if (unknown) {
    io.err(`acme-preflight: ${oneLine(unknown)}\n`);
    return EXIT.usage;
  }
  const parser = commands
    .reduce(
      (y, c) => y.command(c as CommandModule),
      yargs(argv)
        .scriptName('acme-preflight')
        .usage(
          "$0 <command> [options]\n\nPredicts whether an ACME CA (Let's Encrypt) would issue a certificate, and why not.",
        ),
    )
    .demandCommand(
      1,
      'Name a command: check, guard, hook, dns01, persist-record, agent, serve, worker, providers, demo, lab (see --help).',
    )
    .strict()
    .version(`${VERSION}\n${DATA_VERSIONS}`)
    .alias('version', 'V')
    .help()
    .alias('help', 'h')
    // cliui wraps at spaces; a long word (a URL) stays whole.
    .wrap(Math.min(HELP_WIDTH, io.columns ?? HELP_WIDTH))
    .exitProcess(false)
    .fail((msg, err) => {
      // Throwing stops yargs from running the handler after a validation failure.
      throw err ?? new UsageError(msg);
    })
    .showHelpOnFail(false);
  try {
    await parser.parseAsync(argv, {}, (err, _argv, output) => {
      if (output && !err) io.out(output.endsWith('\n') ? output : output + '\n');
    });
  } catch (e) {
    if (signals.exitCode !== undefined) throw e;
    if (e instanceof ConfigFileError) {
      for (const line of e.problems) io.err(`acme-preflight: ${oneLine(line)}\n`);
      return EXIT.usage;
    }
    if (e instanceof UsageError || (e instanceof Error && e.name === 'YError')) {
      io.err(`acme-preflight: ${oneLine(e.message)}\n`);
      return EXIT.usage;
    }
    if (e instanceof ProviderError && e.refused) {
      // Bad credentials or a zone the account does not hold: the user's configuration to fix.
      io.err(`acme-preflight: ${oneLine(e.message)} (check the ${e.provider} credentials and zone)\n`);
      return EXIT.usage;
    }
    io.err(`acme-preflight: the check could not run: ${describe(e)}\n`);
    return EXIT.internal;
  }
  return exitCode;
}

/**
 * A DNS-01 value (43 base64url characters) starts with '-' once in 64: yargs read it as a cluster of short
 * flags, so `dns01 present NAME VALUE` failed with exit 2, or printed the help and exited 0 (an `h` in it)
 * without placing the record. No flag looks like that, so such a token is passed on as a value: after
 * `--` (dns01 takes its value from there), or joined to `--expect`.
 */
const DASH_VALUE = /^-[A-Za-z0-9_-]{42}$/;
export function dashValuesAsValues(argv: readonly string[]): string[] {
  if (argv[0] !== 'dns01') return [...argv];
  const end = argv.indexOf('--');
  const options = end < 0 ? [...argv] : argv.slice(0, end);
  const after = end < 0 ? [] : argv.slice(end + 1);
  const kept: string[] = [];
  const values: string[] = [];
  for (const a of options) {
    if (!DASH_VALUE.test(a)) kept.push(a);
    else if (kept[kept.length - 1] === '--expect') kept[kept.length - 1] = `--expect=${a}`;
    else values.push(a);
  }
  return values.length || end >= 0 ? [...kept, '--', ...values, ...after] : kept;
}

const HELP_WIDTH = 100;

/**
 * yargs' CommonJS build: its ESM build wraps --help with a cliui that cuts every N characters, mid-word;
 * the CommonJS one wraps at spaces (wrap-ansi).
 */
const yargs = createRequire(import.meta.url)('yargs') as (argv: string[]) => Argv;

/** `Unknown command "chek". Did you mean "check"?` for a first word that names no command. */
function unknownCommand(argv: readonly string[], names: readonly string[]): string | undefined {
  const first = argv[0];
  if (first === undefined || first.startsWith('-') || names.includes(first)) return undefined;
  const near = nearestWord(first, names);
  return near
    ? `Unknown command "${first}". Did you mean "${near}"?`
    : `Unknown command "${first}" (commands: ${names.join(', ')}; see --help)`;
}

/** One line, whatever the message holds (it may quote DNS data, a provider or a file). */
const oneLine = (s: string): string => escapeControls(s.replace(/\s*\n\s*/g, ' ').trim());

function describe(e: unknown): string {
  if (e instanceof Error) return escapeControls(e.message.split('\n')[0] ?? e.name);
  return escapeControls(String(e));
}
