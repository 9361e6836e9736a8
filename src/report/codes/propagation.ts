import type { CodeInfo } from './types.js';

export const PROPAGATION_CODES: CodeInfo[] = [];
