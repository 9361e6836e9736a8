import type { CodeInfo } from './types.js';

export const HTTP01_CODES: CodeInfo[] = [];
