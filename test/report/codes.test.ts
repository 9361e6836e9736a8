/**
 * Type test: the catalogue's codes are a closed union. `npm run typecheck` fails if a `@ts-expect-error`
 * below stops being an error (i.e. if a misspelt code were accepted); jest checks the run-time side.
 */
import { allCodes, finding, isFindingCode, type FindingCode } from '../../src/report/catalogue.js';
import type { Finding } from '../../src/report/finding.js';

const input = { detail: 'd', evidence: [{ source: 'local', answer: 'a' }], remediation: 'r' };

describe('FindingCode', () => {
  it('a catalogue code type-checks and builds a finding', () => {
    const code: FindingCode = 'CAA_FORBIDS_ISSUER';
    expect(finding(code, 'example.com', input).acmeProblem).toBe('urn:ietf:params:acme:error:caa');
  });

  it('a misspelt code is a type error, and still refused at run time', () => {
    // @ts-expect-error CAA_FORBIDS_ISUER is not a catalogue code
    expect(() => finding('CAA_FORBIDS_ISUER', 'example.com', input)).toThrow(/not in the catalogue/);
    // @ts-expect-error a Finding cannot carry a code the catalogue does not declare
    const forged: Finding = { ...input, code: 'HTTP01_OKAY', severity: 'info', identifier: 'x', title: 't' };
    expect(isFindingCode(forged.code)).toBe(false);
  });

  it('comparing a finding code with a misspelt literal is a type error', () => {
    const f = finding('HTTP01_OK', 'example.com', input);
    // @ts-expect-error the union has no HTTP01_0K (zero, not O)
    expect(f.code === 'HTTP01_0K').toBe(false);
  });

  it('isFindingCode narrows strings read from JSON', () => {
    const codes = allCodes().map((c) => c.code);
    expect(codes.every(isFindingCode)).toBe(true);
    expect(isFindingCode('http01_ok')).toBe(false);
  });
});
