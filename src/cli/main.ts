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
  process.exitCode = await run(argv, processIo());
}
