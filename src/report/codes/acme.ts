import type { CodeInfo } from './types.js';

export const ACME_CODES = [] as const satisfies readonly CodeInfo[];
