import type { CodeInfo } from './types.js';

export const CERTIFICATE_CODES: CodeInfo[] = [];
