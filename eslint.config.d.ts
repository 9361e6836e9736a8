// Types of what the tests read from eslint.config.js (test/lint).
import type { Linter } from 'eslint';

export const LAYERS: string[][];
export const MAX_FUNCTION_LINES: number;
export const LONG_FUNCTIONS: { file: string; fn: string; lines: number; reason: string }[];
declare const config: Linter.Config[];
export default config;
