import type { CodeInfo } from './types.js';

export const IDENTIFIERS_CODES: CodeInfo[] = [];
