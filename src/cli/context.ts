import type { CliIo } from './io.js';
import type { SignalOwner } from './signals.js';

export interface CommandContext {
  io: CliIo;
  setExit(code: number): void;
  /** The run's one owner of SIGINT/SIGTERM: pass its signal down; servers await its stopped(). */
  signals: SignalOwner;
}
