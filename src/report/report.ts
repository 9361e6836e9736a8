import {
  bySeverity,
  verdictOf,
  worstVerdict,
  type Challenge,
  type Finding,
  type Verdict,
} from './finding.js';
import type { IdentifierPerspectives, PerspectiveInfo } from './perspectives.js';

/** Bumped on any incompatible change to the JSON shape (documented in README "JSON output"). */
export const SCHEMA_VERSION = 2;

export interface IdentifierReport {
  /** As checked: A-label, lower-case, wildcard kept. */
  identifier: string;
  /** As given by the user. */
  input: string;
  type: 'dns' | 'ip';
  challenge: Challenge;
  verdict: Verdict;
  findings: Finding[];
  /** With remote perspectives (--perspective): every perspective's view, the matrix and the CA's quorum. */
  perspectives?: IdentifierPerspectives;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'acme-preflight'; version: string };
  generatedAt: string;
  /** The CA issuer domain CAA was evaluated for. */
  ca: string;
  verdict: Verdict;
  identifiers: IdentifierReport[];
  /** Findings about the order as a whole (e.g. too many names). */
  orderFindings: Finding[];
  stats: { durationMs: number; dnsQueries: number };
  /** With remote perspectives: the primary (this run) and each remote, by name and RIR. */
  perspectives?: PerspectiveInfo[];
}

export interface ReportInput {
  version: string;
  ca: string;
  identifiers: Omit<IdentifierReport, 'verdict'>[];
  orderFindings: Finding[];
  durationMs: number;
  dnsQueries: number;
  now?: Date;
}

export function buildReport(input: ReportInput): Report {
  const identifiers = input.identifiers.map((i) => {
    const findings = [...i.findings].sort(bySeverity);
    return { ...i, findings, verdict: verdictOf(findings) };
  });
  const orderFindings = [...input.orderFindings].sort(bySeverity);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'acme-preflight', version: input.version },
    generatedAt: (input.now ?? new Date()).toISOString(),
    ca: input.ca,
    verdict: worstVerdict([verdictOf(orderFindings), ...identifiers.map((i) => i.verdict)]),
    identifiers,
    orderFindings,
    stats: { durationMs: Math.round(input.durationMs), dnsQueries: input.dnsQueries },
  };
}

/** Exit codes (DESIGN.md): 0 pass or warn, 1 fail, 2 usage/config error, 3 the check could not run. */
export const EXIT = { ok: 0, fail: 1, usage: 2, internal: 3 } as const;

export const exitCodeFor = (r: Pick<Report, 'verdict'>): number =>
  r.verdict === 'fail' ? EXIT.fail : EXIT.ok;
