/**
 * A live status line on stderr for waits longer than 2 s: what is awaited, the time elapsed and the limit,
 * rewritten in place and erased when the wait ends. Only when stderr is a terminal and the output is not
 * JSON; otherwise every call is a no-op. The clock is injectable, so tests need not sleep.
 */
import type { CliIo } from './io.js';
import { escapeControls as esc } from '../report/escape.js';

export interface Clock {
  now(): number;
  every(ms: number, fn: () => void): { cancel(): void };
}

export const realClock: Clock = {
  now: () => performance.now(),
  every: (ms, fn) => {
    const t = setInterval(fn, ms);
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};

/** Nothing is drawn for a wait shorter than this. */
export const STATUS_DELAY_MS = 2000;
const REDRAW_MS = 250;
/** Erase the line (carriage return, clear line). */
const ERASE = '\r\u001b[2K';

export interface StatusWait {
  /** Replaces what is awaited (e.g. a count that moved on). */
  update(what: string): void;
  /** Ends the wait: the line is erased if it was drawn. */
  end(): void;
}

export interface StatusLine {
  begin(what: string, limitMs?: number): StatusWait;
  /** Erases the line, so a log line can be written; the next redraw puts it back. */
  clear(): void;
}

const quiet: StatusLine = {
  begin: () => ({ update: () => undefined, end: () => undefined }),
  clear: () => undefined,
};

const seconds = (ms: number): string => `${Math.floor(ms / 1000)} s`;

export function statusLine(io: CliIo, options: { json?: boolean } = {}): StatusLine {
  if (!io.errIsTTY || options.json) return quiet;
  const clock = io.clock ?? realClock;
  /** What is on the line now ('' when nothing): redrawn only when it changes. */
  let drawn = '';
  const clear = (): void => {
    if (drawn) io.err(ERASE);
    drawn = '';
  };
  return {
    clear,
    begin(whatIn, limitMs) {
      let what = whatIn;
      const started = clock.now();
      const draw = (): void => {
        const elapsed = clock.now() - started;
        if (elapsed < STATUS_DELAY_MS) return;
        const limit = limitMs !== undefined ? ` of ${seconds(limitMs)}` : '';
        const line = `${esc(what)}: ${seconds(elapsed)}${limit}`;
        // Never wider than the terminal: a wrapped line cannot be erased with one \r.
        const width = (io.errColumns ?? 80) - 1;
        const shown = line.length > width ? line.slice(0, width - 1) + '…' : line;
        if (shown === drawn) return;
        io.err(`${ERASE}${shown}`);
        drawn = shown;
      };
      const timer = clock.every(REDRAW_MS, draw);
      return {
        update: (w) => void (what = w),
        end: () => {
          timer.cancel();
          clear();
        },
      };
    },
  };
}

/** Runs fn under a status line. */
export async function whileWaiting<T>(
  status: StatusLine,
  what: string,
  limitMs: number | undefined,
  fn: (wait: StatusWait) => Promise<T>,
): Promise<T> {
  const wait = status.begin(what, limitMs);
  try {
    return await fn(wait);
  } finally {
    wait.end();
  }
}
