import type { CodeInfo } from './types.js';

export const GENERAL_CODES: CodeInfo[] = [];
