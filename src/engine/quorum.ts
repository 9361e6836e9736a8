/**
 * Multi-perspective issuance corroboration (MPIC) as the CA applies it: per-perspective results in, the CA's
 * verdict out. Pure. Facts from Boulder va/va.go (doRemoteOperation, maxAllowedFailures) and BR 3.2.2.9;
 * see CA-RULES.md "Multi-perspective issuance corroboration".
 */
import type { Problem, QuorumSummary, RemoteUnavailable, Stage } from '../report/perspectives.js';

export type { Problem, QuorumSummary, RemoteUnavailable, Stage };

/** One perspective's own result for one operation: null when it passed. */
export type OperationResult = Problem | null;

/** A remote perspective that answered: its name and RIR as it reported them, and its result. */
export interface RemoteAnswer {
  perspective: string;
  rir: string;
  result: OperationResult;
}

export type RemoteOutcome =
  ({ status: 'answered' } & RemoteAnswer) | ({ status: 'unavailable' } & RemoteUnavailable);

/** Boulder va.go requiredRIRs: the passing remotes must lie in at least this many distinct RIRs. */
export const REQUIRED_RIRS = 2;

/** Boulder doRemoteOperation: the prefix the first remote problem gets when the quorum fails. */
export const SECONDARY_PREFIX = 'During secondary validation: ';

/** The CA's message when enough remotes pass but all in fewer than REQUIRED_RIRS registries (CA-RULES.md). */
export const RIR_DETAIL = `${SECONDARY_PREFIX}validation could not be corroborated by enough distinct RIRs`;

/**
 * BR 3.2.2.9 phased timeline (Boulder doRemoteOperation): remote perspectives the CA uses at least,
 * 3 from 2026-03-15, 4 from 2026-06-15, 5 from 2026-12-15.
 */
export const CA_MIN_REMOTES: ReadonlyArray<readonly [string, number]> = [
  ['2026-12-15', 5],
  ['2026-06-15', 4],
  ['2026-03-15', 3],
];

export function caMinimumRemotes(now: Date): number {
  const day = now.toISOString().slice(0, 10);
  for (const [from, n] of CA_MIN_REMOTES) if (day >= from) return n;
  return 0;
}

/** Boulder maxAllowedFailures: fewer than 2 remotes -> 0; 2 to 5 -> 1; 6 or more -> 2. */
export function maxAllowedFailures(remotes: number): number {
  if (remotes < 2) return 0;
  if (remotes < 6) return 1;
  return 2;
}

export interface QuorumResult {
  ok: boolean;
  /** The CA's problem when not ok: the first remote problem prefixed, or the RIR message. */
  problem?: Problem;
  /**
   * 'failures' when too many remotes failed; 'rirs' when the passing ones span too few registries; 'none' when
   * no remote answered at all (nothing to corroborate with: the tool's limitation, no CA problem predicted).
   */
  reason?: 'failures' | 'rirs' | 'none';
  summary: QuorumSummary;
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

/**
 * The remote quorum for one operation (DCV or CAA). Answers are taken in the order given: Boulder takes the
 * first problem to arrive, so callers pass them in arrival order (or configured order, for a stable report).
 */
export function corroborate(remotes: readonly RemoteOutcome[]): QuorumResult {
  const answered = remotes.filter((r): r is { status: 'answered' } & RemoteAnswer => r.status === 'answered');
  const unavailable = remotes
    .filter((r): r is { status: 'unavailable' } & RemoteUnavailable => r.status === 'unavailable')
    .map(({ perspective, reason }) => ({ perspective, reason }));
  const counted = answered.length;
  const allowedFailures = maxAllowedFailures(counted);
  const required = counted - allowedFailures;
  const passed: string[] = [];
  const failed: string[] = [];
  const rirs = new Set<string>();
  let first: Problem | undefined;
  for (const r of answered) {
    if (r.result === null) {
      passed.push(r.perspective);
      rirs.add(r.rir);
    } else {
      failed.push(r.perspective);
      first ??= r.result;
    }
  }
  const summary: QuorumSummary = {
    counted,
    allowedFailures,
    required,
    passed: sorted(passed),
    failed: sorted(failed),
    passedRirs: sorted(rirs),
    quorumResult: `${passed.length}/${counted}`,
    unavailable,
  };
  if (counted === 0) return { ok: false, reason: 'none', summary };
  if (passed.length >= required && rirs.size >= REQUIRED_RIRS) return { ok: true, summary };
  if (failed.length > allowedFailures && first) {
    return {
      ok: false,
      reason: 'failures',
      problem: { ...first, detail: SECONDARY_PREFIX + first.detail },
      summary,
    };
  }
  return { ok: false, reason: 'rirs', problem: { type: 'unauthorized', detail: RIR_DETAIL }, summary };
}

/** One perspective's results for one name: domain control validation, then CAA. */
export interface PerspectiveResult {
  dcv: OperationResult;
  /** undefined where CAA does not apply (IP identifiers) or was not checked. */
  caa?: OperationResult;
}

export interface RemoteNameOutcome {
  perspective: string;
  /** Absent when the remote could not be asked. */
  rir?: string;
  result?: PerspectiveResult;
  unavailable?: string;
}

export interface CaVerdict {
  ok: boolean;
  stage: Stage;
  problem?: Problem;
  dcv?: QuorumResult;
  caa?: QuorumResult;
  /** No remote answered for an operation: the verdict rests on the primary alone. */
  indeterminate?: boolean;
}

const asOutcomes = (remotes: readonly RemoteNameOutcome[], op: 'dcv' | 'caa'): RemoteOutcome[] =>
  remotes.map((r) =>
    r.result && r.rir !== undefined
      ? { status: 'answered', perspective: r.perspective, rir: r.rir, result: r.result[op] ?? null }
      : { status: 'unavailable', perspective: r.perspective, reason: r.unavailable ?? 'no answer' },
  );

/**
 * The CA's order (Boulder DoDCV then DoCAA, each primary first): the primary validates; only if it passes do
 * the remotes, under the quorum; then CAA the same way. The first step that fails decides the problem.
 */
export function caVerdict(primary: PerspectiveResult, remotes: readonly RemoteNameOutcome[]): CaVerdict {
  if (primary.dcv) return { ok: false, stage: 'primary-dcv', problem: primary.dcv };
  const dcv = corroborate(asOutcomes(remotes, 'dcv'));
  const indeterminate = dcv.reason === 'none';
  if (!dcv.ok && !indeterminate) return { ok: false, stage: 'remote-dcv', problem: dcv.problem, dcv };
  if (primary.caa === undefined) return { ok: true, stage: 'issued', dcv, indeterminate };
  if (primary.caa) return { ok: false, stage: 'primary-caa', problem: primary.caa, dcv, indeterminate };
  const caa = corroborate(asOutcomes(remotes, 'caa'));
  if (!caa.ok && caa.reason !== 'none')
    return { ok: false, stage: 'remote-caa', problem: caa.problem, dcv, caa };
  return { ok: true, stage: 'issued', dcv, caa, indeterminate: indeterminate || caa.reason === 'none' };
}
