import type { FindingCode, Severity } from './codes/index.js';

export type { FindingCode, Severity };
export type Verdict = 'pass' | 'warn' | 'fail';
export type Challenge = 'http-01' | 'dns-01' | 'tls-alpn-01';

/** Who said what. Every finding cites at least one. */
export interface Evidence {
  /** Server or resolver asked, "name (address:port)" or "address:port", or "local" for pure checks. */
  source: string;
  /** What was asked: "A example.com", "GET http://1.2.3.4/.well-known/...", "CAA example.com". */
  query?: string;
  /** What came back, in presentation form: "NXDOMAIN", "93.184.216.34", "connection refused". */
  answer: string;
  /** An address connected to or refused. */
  address?: string;
  rttMs?: number;
}

export interface Finding {
  /** Stable code from the catalogue, e.g. CAA_FORBIDS_ISSUER. */
  code: FindingCode;
  severity: Severity;
  /** The identifier the finding concerns, as checked (A-label, wildcard kept). */
  identifier: string;
  title: string;
  detail: string;
  /** The ACME problem type the CA would return, e.g. urn:ietf:params:acme:error:dns. */
  acmeProblem?: string;
  /** The CA's own error text, where it would fail. */
  caMessage?: string;
  evidence: Evidence[];
  remediation: string;
}

export const ACME_ERROR = 'urn:ietf:params:acme:error:';
export const acmeProblem = (type: string): string => ACME_ERROR + type;

export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'fail';
  if (findings.some((f) => f.severity === 'warning')) return 'warn';
  return 'pass';
}

export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes('fail')) return 'fail';
  if (verdicts.includes('warn')) return 'warn';
  return 'pass';
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
export const bySeverity = (a: Finding, b: Finding): number =>
  SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
