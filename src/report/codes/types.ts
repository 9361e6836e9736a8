export type Severity = 'error' | 'warning' | 'info';

/** One documented finding code. The catalogue is the single source for renderers and README. */
export interface CodeInfo {
  code: string;
  severity: Severity;
  /** Default one-line title. */
  title: string;
  /** ACME problem type (without the urn prefix) the CA would return, if issuance fails. */
  acmeProblem?: string;
  /** One or two sentences for the README's catalogue table. */
  description: string;
}
