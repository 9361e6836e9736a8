import type { CodeInfo } from './types.js';

export const TLSALPN01_CODES: CodeInfo[] = [];
