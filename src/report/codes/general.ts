import type { CodeInfo } from './types.js';

export const GENERAL_CODES = [
  {
    code: 'CHECK_INCOMPLETE',
    severity: 'warning',
    title: 'A check could not run',
    description:
      'A part of the simulation failed for a reason of its own (a bug or a local resource problem); the verdict may be incomplete.',
  },
] as const satisfies readonly CodeInfo[];
