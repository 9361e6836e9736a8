/** Runs one command module in-process as src/cli/run.ts would (usage errors exit 2). */
import type { Lab } from '../../src/lab/index.js';

export { runModule, type CliResult } from '../cli/helpers.js';

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
