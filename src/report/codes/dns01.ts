import type { CodeInfo } from './types.js';

export const DNS01_CODES: CodeInfo[] = [];
