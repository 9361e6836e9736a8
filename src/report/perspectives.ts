/** The shape of multi-perspective results in a report (JSON schemaVersion 2). Data only. */
import type { Finding, Verdict } from './finding.js';

/** An ACME problem as the CA would return it: short type ('connection', 'dns', 'caa'...) and detail. */
export interface Problem {
  type: string;
  detail: string;
  /** The finding code that predicts it. */
  code?: string;
}

/** A remote that could not be asked (down, refused, misconfigured): the tool's limitation, not the user's. */
export interface RemoteUnavailable {
  perspective: string;
  reason: string;
}

export interface QuorumSummary {
  /** Remotes that answered (the quorum is computed over these). */
  counted: number;
  allowedFailures: number;
  required: number;
  passed: string[];
  failed: string[];
  passedRirs: string[];
  /** BR 5.4.1 notation, e.g. "3/4". */
  quorumResult: string;
  /** Remotes that could not be asked; not counted, reported as the tool's limitation. */
  unavailable: RemoteUnavailable[];
}

/** Where the CA's verdict was decided. */
export type Stage = 'primary-dcv' | 'remote-dcv' | 'primary-caa' | 'remote-caa' | 'issued';

/** One matrix cell: how a family fared from one perspective. */
export interface FamilyCell {
  verdict: Verdict;
  /** The first error's (else warning's) code and title. */
  cause?: string;
}

export interface PerspectiveView {
  perspective: string;
  rir?: string;
  role: 'primary' | 'remote';
  status: 'answered' | 'unavailable';
  unavailable?: string;
  verdict?: Verdict;
  /** The CA's problem this perspective alone would see for validation, null when it passes. */
  dcv?: Problem | null;
  /** Likewise for CAA; absent for IP identifiers. */
  caa?: Problem | null;
  /** The matrix row: family -> cell. */
  families?: Record<string, FamilyCell>;
  /** This perspective's own findings, with their evidence. */
  findings?: Finding[];
}

export interface IdentifierPerspectives {
  /** Matrix columns, in the CA's order. */
  families: string[];
  views: PerspectiveView[];
  ca: {
    ok: boolean;
    stage: Stage;
    problem?: Problem;
    dcv?: QuorumSummary;
    caa?: QuorumSummary;
    /** No remote answered: the verdict rests on the primary alone. */
    indeterminate?: boolean;
  };
}

/** A perspective as the report names it. */
export interface PerspectiveInfo {
  name: string;
  rir?: string;
  role: 'primary' | 'remote';
  /** Why it gave no answer at all: the tool's limitation. */
  unavailable?: string;
}
