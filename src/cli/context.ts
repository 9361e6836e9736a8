import type { CliIo } from './io.js';

export interface CommandContext {
  io: CliIo;
  setExit(code: number): void;
}
