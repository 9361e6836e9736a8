import { processEnv } from '../config/env.js';
/** Where a command writes, so commands run the same in-process (tests) and in a terminal. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Colour and live progress only on a terminal. */
  isTTY: boolean;
  /** Width of the terminal stdout writes to, for --help; absent when it is not one. */
  columns?: number;
  /** stderr is a terminal: live status lines for long waits (src/cli/status.ts). */
  errIsTTY?: boolean;
  errColumns?: number;
  /** The status line's clock (tests pass a fast one); real time by default. */
  clock?: import('./status.js').Clock;
  /** The environment, read only through src/config. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * Resolves when the person at the terminal presses Enter, or when signal aborts (stdin is let go, so the
   * process can exit); absent when stdin or stderr is not a terminal.
   */
  waitForEnter?: (signal?: AbortSignal) => Promise<void>;
}

export { UsageError } from '../errors.js';

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    errIsTTY: Boolean(process.stderr.isTTY),
    errColumns: process.stderr.isTTY ? process.stderr.columns : undefined,
    env: processEnv(),
    waitForEnter: process.stdin.isTTY && process.stderr.isTTY ? waitForEnter : undefined,
  };
}

function waitForEnter(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.stdin.off('data', onData);
      signal?.removeEventListener('abort', done);
      process.stdin.pause();
      resolve();
    };
    const onData = (chunk: Buffer): void => {
      if (chunk.includes(0x0a) || chunk.includes(0x0d)) done();
    };
    if (signal?.aborted) return resolve();
    signal?.addEventListener('abort', done, { once: true });
    process.stdin.on('data', onData);
    process.stdin.resume();
  });
}
