import type { CodeInfo } from './types.js';

export const DELEGATION_CODES: CodeInfo[] = [];
