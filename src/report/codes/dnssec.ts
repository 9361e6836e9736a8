import type { CodeInfo } from './types.js';

export const DNSSEC_CODES: CodeInfo[] = [];
