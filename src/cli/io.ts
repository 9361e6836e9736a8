import { processEnv } from '../config/env.js';
/** Where a command writes, so commands run the same in-process (tests) and in a terminal. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Colour and live progress only on a terminal. */
  isTTY: boolean;
  /** The environment, read only through src/config. */
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when the person at the terminal presses Enter; absent when stdin or stderr is not a terminal. */
  waitForEnter?: () => Promise<void>;
}

export { UsageError } from '../errors.js';

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    env: processEnv(),
    waitForEnter: process.stdin.isTTY && process.stderr.isTTY ? waitForEnter : undefined,
  };
}

function waitForEnter(): Promise<void> {
  return new Promise((resolve) => {
    const onData = (chunk: Buffer): void => {
      if (!chunk.includes(0x0a) && !chunk.includes(0x0d)) return;
      process.stdin.off('data', onData);
      process.stdin.pause();
      resolve();
    };
    process.stdin.on('data', onData);
    process.stdin.resume();
  });
}
