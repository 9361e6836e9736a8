#!/usr/bin/env node
import { VERSION } from '../version.js';

const argv = process.argv.slice(2);
// Fast path: `--version` must not pay for loading yargs and the engine.
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  process.stdout.write(VERSION + '\n');
} else {
  const [{ run }, { processIo }] = await Promise.all([import('./run.js'), import('./io.js')]);
  process.exitCode = await run(argv, processIo());
}
