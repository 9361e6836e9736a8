import { DEFAULT_POLL_SCHEDULE, pollDelay, roundStarts, targetsForRound } from '../../src/solve/schedule.js';

describe('poll schedule', () => {
  it('polls at once, then grows by the factor up to the cap', () => {
    const s = { initialMs: 100, factor: 1.5, maxMs: 2000 };
    expect([0, 1, 2, 3, 4].map((r) => pollDelay(r, s))).toEqual([0, 100, 150, 225, 338]);
    expect(pollDelay(50, s)).toBe(2000);
  });

  it('the default cap keeps "visible everywhere" within 1 s of the last server', () => {
    expect(pollDelay(1000)).toBe(DEFAULT_POLL_SCHEDULE.maxMs);
    expect(DEFAULT_POLL_SCHEDULE.maxMs).toBeLessThan(1000);
  });

  it('round start times until the timeout', () => {
    expect(roundStarts(400, { initialMs: 100, factor: 2, maxMs: 150 })).toEqual([0, 100, 250, 400]);
  });

  it('asks each unseen, idle target once per round', () => {
    expect(
      targetsForRound([
        { key: 'a', seen: true, inFlight: false },
        { key: 'b', seen: false, inFlight: true },
        { key: 'c', seen: false, inFlight: false },
      ]),
    ).toEqual(['c']);
  });
});
