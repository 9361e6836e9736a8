import type { CodeInfo } from './types.js';

export const RESOLUTION_CODES: CodeInfo[] = [];
