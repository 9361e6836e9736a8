import { acmeProblem, type Evidence, type Finding, type Severity } from './finding.js';
import { CATALOGUE_FAMILIES, type CodeInfo, type FindingCode } from './codes/index.js';

export { CATALOGUE_FAMILIES };
export type { CodeInfo, FindingCode };

const BY_CODE = new Map<string, CodeInfo>();
for (const [, codes] of CATALOGUE_FAMILIES) {
  for (const c of codes) {
    if (BY_CODE.has(c.code)) throw new Error(`duplicate finding code ${c.code}`);
    BY_CODE.set(c.code, c);
  }
}

/** True when the string is a catalogue code (e.g. a code read back from JSON). */
export function isFindingCode(code: string): code is FindingCode {
  return BY_CODE.has(code);
}

export function codeInfo(code: string): CodeInfo {
  const info = BY_CODE.get(code);
  if (!info) throw new Error(`finding code ${code} is not in the catalogue`);
  return info;
}

export function allCodes(): CodeInfo[] {
  return [...BY_CODE.values()];
}

export interface FindingInput {
  detail: string;
  evidence: Evidence[];
  remediation: string;
  /** Overrides the catalogue's title (e.g. to name the record). */
  title?: string;
  /** Overrides the catalogue's severity (rare: e.g. a CAA lookup error above the relevant name). */
  severity?: Severity;
  caMessage?: string;
}

/** Builds a finding whose code, default title, severity and ACME problem come from the catalogue. */
export function finding(code: FindingCode, identifier: string, input: FindingInput): Finding {
  const info = codeInfo(code);
  const severity = input.severity ?? info.severity;
  const f: Finding = {
    code,
    severity,
    identifier,
    title: input.title ?? info.title,
    detail: input.detail,
    evidence: input.evidence,
    remediation: input.remediation,
  };
  if (info.acmeProblem && severity === 'error') f.acmeProblem = acmeProblem(info.acmeProblem);
  if (input.caMessage) f.caMessage = input.caMessage;
  return f;
}
