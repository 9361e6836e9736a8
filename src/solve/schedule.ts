/** When to poll: an adaptive interval, pure so it can be tested without a clock. */

export interface PollSchedule {
  /** Wait before the second round (the first is immediate). */
  initialMs: number;
  /** Growth per round. */
  factor: number;
  /** Cap; it bounds how late "visible everywhere" is noticed, so it stays under 1 s. */
  maxMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialMs: 100, factor: 1.5, maxMs: 750 };

/** Delay before round `round` (0-based): 0, initial, initial*factor, ... capped at maxMs. */
export function pollDelay(round: number, s: PollSchedule = DEFAULT_POLL_SCHEDULE): number {
  if (round <= 0) return 0;
  return Math.min(s.maxMs, Math.round(s.initialMs * Math.pow(s.factor, round - 1)));
}

export interface TargetState {
  key: string;
  /** Already serves the value: never asked again. */
  seen: boolean;
  /** A query from an earlier round is still out. */
  inFlight: boolean;
}

/** The targets to ask this round: each unseen, idle target once. */
export function targetsForRound(states: readonly TargetState[]): string[] {
  return states.filter((s) => !s.seen && !s.inFlight).map((s) => s.key);
}

/** Round start times (ms from the first round) until `timeoutMs`, for display and tests. */
export function roundStarts(timeoutMs: number, s: PollSchedule = DEFAULT_POLL_SCHEDULE): number[] {
  const out: number[] = [];
  for (let r = 0, t = 0; ; r++) {
    t += pollDelay(r, s);
    if (t > timeoutMs) return out;
    out.push(t);
  }
}
