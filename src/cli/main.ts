#!/usr/bin/env node
import { DATA_VERSIONS, VERSION } from '../version.js';

const argv = process.argv.slice(2);
// A closed pipe (`acme-preflight ... | head`) ends the output quietly, not with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
// Fast path: `--version` must not pay for loading yargs and the engine.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(`${VERSION}\n${DATA_VERSIONS}\n`);
} else {
  const [{ run }, { processIo }] = await Promise.all([import('./run.js'), import('./io.js')]);
  // The only place the process is ended: run()'s signal owner calls exit on a second signal.
  const signals = {
    on: (s: NodeJS.Signals, h: () => void) => void process.on(s, h),
    off: (s: NodeJS.Signals, h: () => void) => void process.off(s, h),
    exit: (code: number) => process.exit(code),
  };
  const code = await run(argv, processIo(), signals);
  process.exitCode = code;
  // Interrupted: cleanup is done; work nobody waits for (a probe to its timeout) must not hold the exit.
  if (code === 130 || code === 143) process.exit(code);
}
