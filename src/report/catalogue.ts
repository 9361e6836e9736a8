import { acmeProblem, type Evidence, type Finding, type Severity } from './finding.js';
import type { CodeInfo } from './codes/types.js';
import { GENERAL_CODES } from './codes/general.js';
import { IDENTIFIERS_CODES } from './codes/identifiers.js';
import { RESOLUTION_CODES } from './codes/resolution.js';
import { CAA_CODES } from './codes/caa.js';
import { DELEGATION_CODES } from './codes/delegation.js';
import { PROPAGATION_CODES } from './codes/propagation.js';
import { DNSSEC_CODES } from './codes/dnssec.js';
import { HTTP01_CODES } from './codes/http01.js';
import { TLSALPN01_CODES } from './codes/tlsalpn01.js';
import { CERTIFICATE_CODES } from './codes/certificate.js';
import { DNS01_CODES } from './codes/dns01.js';
import { ACME_CODES } from './codes/acme.js';
import { PERSPECTIVES_CODES } from './codes/perspectives.js';

export type { CodeInfo };

/** Families in report order; each family's codes live in ./codes/<family>.ts. */
export const CATALOGUE_FAMILIES: ReadonlyArray<readonly [string, CodeInfo[]]> = [
  ['general', GENERAL_CODES],
  ['identifiers', IDENTIFIERS_CODES],
  ['resolution', RESOLUTION_CODES],
  ['caa', CAA_CODES],
  ['delegation', DELEGATION_CODES],
  ['propagation', PROPAGATION_CODES],
  ['dnssec', DNSSEC_CODES],
  ['http-01', HTTP01_CODES],
  ['tls-alpn-01', TLSALPN01_CODES],
  ['certificate', CERTIFICATE_CODES],
  ['dns-01', DNS01_CODES],
  ['acme', ACME_CODES],
  ['perspectives', PERSPECTIVES_CODES],
];

const BY_CODE = new Map<string, CodeInfo>();
for (const [, codes] of CATALOGUE_FAMILIES) {
  for (const c of codes) {
    if (BY_CODE.has(c.code)) throw new Error(`duplicate finding code ${c.code}`);
    BY_CODE.set(c.code, c);
  }
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
export function finding(code: string, identifier: string, input: FindingInput): Finding {
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
