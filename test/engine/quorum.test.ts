/** The CA's quorum, as table tests from Boulder's va_test.go TestMultiVA and caa_test.go MPIC cases. */
import {
  caMinimumRemotes,
  caVerdict,
  corroborate,
  maxAllowedFailures,
  RIR_DETAIL,
  type Problem,
  type RemoteNameOutcome,
  type RemoteOutcome,
} from '../../src/engine/quorum.js';

const UNAUTH: Problem = {
  type: 'unauthorized',
  detail: 'The key authorization file from the server did not match this challenge',
};
const TIMEOUT: Problem = {
  type: 'connection',
  detail: '192.0.2.1: Timeout during connect (likely firewall problem)',
};
const CAA: Problem = {
  type: 'caa',
  detail: 'While processing CAA for example.com: CAA record for example.com prevents issuance',
};

/** "pass:arin" / "fail:ripe" / "down". */
function remotes(...specs: string[]): RemoteOutcome[] {
  return specs.map((s, i): RemoteOutcome => {
    const [what, rir = 'arin'] = s.split(':');
    const perspective = `p${i + 1}`;
    if (what === 'down') return { status: 'unavailable', perspective, reason: 'connection refused' };
    const result = what === 'pass' ? null : what === 'timeout' ? TIMEOUT : UNAUTH;
    return { status: 'answered', perspective, rir, result };
  });
}

describe('maxAllowedFailures (Boulder va.go)', () => {
  test.each([
    [0, 0],
    [1, 0],
    [2, 1],
    [3, 1],
    [5, 1],
    [6, 2],
    [7, 2],
    [12, 2],
  ])('%i remotes -> %i', (n, allowed) => expect(maxAllowedFailures(n)).toBe(allowed));
});

describe('corroborate: one operation over the remotes', () => {
  test.each<[string, string[], boolean, string | undefined]>([
    ['all three pass in three RIRs', ['pass:arin', 'pass:ripe', 'pass:apnic'], true, undefined],
    ['1/3 fail', ['pass:arin', 'pass:ripe', 'fail:apnic'], true, undefined],
    ['2/3 fail', ['pass:arin', 'fail:ripe', 'fail:apnic'], false, 'failures'],
    ['1/5 fail', ['pass:arin', 'pass:ripe', 'pass:apnic', 'pass:lacnic', 'fail:afrinic'], true, undefined],
    ['2/5 fail', ['pass:arin', 'pass:ripe', 'pass:apnic', 'fail:arin', 'fail:ripe'], false, 'failures'],
    [
      '2/6 fail',
      ['pass:arin', 'pass:ripe', 'pass:apnic', 'pass:lacnic', 'fail:afrinic', 'fail:arin'],
      true,
      undefined,
    ],
    [
      '3/6 fail',
      ['pass:arin', 'pass:ripe', 'pass:apnic', 'fail:lacnic', 'fail:afrinic', 'fail:arin'],
      false,
      'failures',
    ],
    ['all fail', ['fail:arin', 'fail:ripe', 'fail:apnic'], false, 'failures'],
    ['all pass, one RIR', ['pass:arin', 'pass:arin', 'pass:arin', 'pass:arin'], false, 'rirs'],
    [
      '1/4 fail, passing ones in one RIR',
      ['fail:ripe', 'pass:arin', 'pass:arin', 'pass:arin'],
      false,
      'rirs',
    ],
    ['2 remotes, 1 fails: one RIR left', ['pass:arin', 'fail:ripe'], false, 'rirs'],
    ['2 remotes pass in two RIRs', ['pass:arin', 'pass:ripe'], true, undefined],
    ['1 remote: no failure allowed', ['fail:arin'], false, 'failures'],
  ])('%s', (_name, specs, ok, reason) => {
    const q = corroborate(remotes(...specs));
    expect(q.ok).toBe(ok);
    expect(q.reason).toBe(reason);
    if (reason === 'failures') {
      expect(q.problem).toEqual({
        type: 'unauthorized',
        detail: `During secondary validation: ${UNAUTH.detail}`,
      });
    }
    if (reason === 'rirs') expect(q.problem).toEqual({ type: 'unauthorized', detail: RIR_DETAIL });
    expect(q.summary.quorumResult).toBe(
      `${specs.filter((s) => s.startsWith('pass')).length}/${specs.length}`,
    );
  });

  test('the first failing remote gives the problem, its type unchanged', () => {
    const q = corroborate([...remotes('timeout:arin', 'fail:ripe', 'pass:apnic')]);
    expect(q.problem).toEqual({
      type: 'connection',
      detail: `During secondary validation: ${TIMEOUT.detail}`,
    });
  });

  test('an unavailable remote is not counted: the quorum is over those that answered', () => {
    // 3 answered: 1 failure allowed; counted as a failure (as the CA's RPC error would be) it would be 2/4.
    const q = corroborate(remotes('pass:arin', 'pass:ripe', 'fail:apnic', 'down'));
    expect(q.ok).toBe(true);
    expect(q.summary.counted).toBe(3);
    expect(q.summary.unavailable).toEqual([{ perspective: 'p4', reason: 'connection refused' }]);
    expect(q.summary.passedRirs).toEqual(['arin', 'ripe']);
  });

  test('no remote answered: nothing to corroborate, no CA problem invented', () => {
    const q = corroborate(remotes('down', 'down'));
    expect(q).toMatchObject({ ok: false, reason: 'none' });
    expect(q.problem).toBeUndefined();
  });
});

describe('caVerdict: primary first, then remotes, DCV then CAA', () => {
  const remote = (
    perspective: string,
    rir: string,
    dcv: Problem | null,
    caa: Problem | null = null,
  ): RemoteNameOutcome => ({
    perspective,
    rir,
    result: { dcv, caa },
  });
  const good = [remote('a', 'arin', null), remote('b', 'ripe', null), remote('c', 'apnic', null)];

  test('the primary failing decides, unprefixed, whatever the remotes say', () => {
    const v = caVerdict({ dcv: UNAUTH, caa: null }, good);
    expect(v).toMatchObject({ ok: false, stage: 'primary-dcv', problem: UNAUTH });
  });

  test('all pass: issued', () => {
    expect(caVerdict({ dcv: null, caa: null }, good)).toMatchObject({ ok: true, stage: 'issued' });
  });

  test('remote DCV quorum failure comes before any CAA problem', () => {
    const v = caVerdict({ dcv: null, caa: CAA }, [
      remote('a', 'arin', UNAUTH),
      remote('b', 'ripe', UNAUTH),
      good[2]!,
    ]);
    expect(v.stage).toBe('remote-dcv');
    expect(v.problem?.detail).toBe(`During secondary validation: ${UNAUTH.detail}`);
  });

  test('primary CAA failure is not prefixed', () => {
    const v = caVerdict({ dcv: null, caa: CAA }, good);
    expect(v).toMatchObject({ ok: false, stage: 'primary-caa', problem: CAA });
  });

  test('CAA differing at two of three remotes fails with the prefixed caa problem', () => {
    const v = caVerdict({ dcv: null, caa: null }, [
      remote('a', 'arin', null, CAA),
      remote('b', 'ripe', null, CAA),
      remote('c', 'apnic', null),
    ]);
    expect(v).toMatchObject({ ok: false, stage: 'remote-caa' });
    expect(v.problem).toEqual({ type: 'caa', detail: `During secondary validation: ${CAA.detail}` });
  });

  test('CAA at one of four remotes: allowed', () => {
    const v = caVerdict({ dcv: null, caa: null }, [...good, remote('d', 'lacnic', null, CAA)]);
    expect(v.ok).toBe(true);
  });

  test('IP identifiers have no CAA step', () => {
    const v = caVerdict({ dcv: null }, good);
    expect(v).toMatchObject({ ok: true, stage: 'issued' });
    expect(v.caa).toBeUndefined();
  });

  test('every remote down: the primary alone decides, marked indeterminate', () => {
    const down: RemoteNameOutcome[] = [{ perspective: 'a', unavailable: 'timeout' }];
    expect(caVerdict({ dcv: null, caa: null }, down)).toMatchObject({ ok: true, indeterminate: true });
  });
});

describe('caMinimumRemotes (BR 3.2.2.9 phased timeline)', () => {
  test.each([
    ['2026-03-14', 0],
    ['2026-03-15', 3],
    ['2026-06-15', 4],
    ['2026-12-14', 4],
    ['2026-12-15', 5],
    ['2027-06-01', 5],
  ])('%s -> %i', (day, n) => expect(caMinimumRemotes(new Date(`${day}T12:00:00Z`))).toBe(n));
});
