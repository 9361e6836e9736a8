import type { CodeInfo } from './types.js';

export const CAA_CODES: CodeInfo[] = [];
