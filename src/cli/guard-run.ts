/** What `guard` does: the checks of `check`, then the guarded command only when issuance would succeed. */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { CommandContext } from './context.js';
import type { GuardArgs } from '../config/args.js';
import { runCheck } from './check-run.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../report/report.js';
import { escapeControls as esc } from '../report/escape.js';

/** Shell convention for a command that could not be started. */
export const EXIT_NOT_FOUND = 127;

export async function runGuard(args: GuardArgs, ctx: CommandContext): Promise<number> {
  const command = (args['--'] ?? []).map(String);
  if (command.length === 0)
    throw new UsageError('name the command to guard after --, e.g. guard example.com -- certbot renew');
  const { report, result, exitCode } = await runCheck(args, ctx);
  if (exitCode !== EXIT.ok) {
    ctx.io.out(report);
    ctx.io.err(
      `acme-preflight: not running ${esc(command[0]!)}: the CA would refuse (${result.verdict}); see the report above.\n`,
    );
    return EXIT.fail;
  }
  if (result.verdict === 'warn') ctx.io.err(report);
  return runCommand(command, ctx);
}

/** Runs argv without a shell, stdio inherited; resolves with its exit status (128+n after a signal). */
export function runCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const [file, ...rest] = argv as [string, ...string[]];
  return new Promise((resolve) => {
    const child = spawn(file, rest, { stdio: 'inherit', env: { ...ctx.io.env } });
    // While the child runs, a signal to us goes to it; its exit status then becomes ours.
    const release = ctx.signals.forwardTo((sig) => void child.kill(sig));
    const done = (code: number): void => {
      release();
      resolve(code);
    };
    child.once('error', (e: NodeJS.ErrnoException) => {
      ctx.io.err(`acme-preflight: cannot run ${esc(file)}: ${esc(e.code ?? e.message)}\n`);
      done(EXIT_NOT_FOUND);
    });
    child.once('exit', (code, signal) => {
      if (code !== null) done(code);
      else done(128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
