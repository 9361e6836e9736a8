import { processEnv } from '../config/env.js';
/** Where a command writes, so commands run the same in-process (tests) and in a terminal. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Colour and live progress only on a terminal. */
  isTTY: boolean;
  /** The environment, read only through src/config. */
  env: Readonly<Record<string, string | undefined>>;
}

export { UsageError } from '../errors.js';

export function processIo(): CliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    env: processEnv(),
  };
}
