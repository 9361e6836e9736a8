import { identifierPolicyFindings, parseIdentifier, ORDER_IDENTIFIER } from '../../src/checks/identifiers.js';
import type { Identifier } from '../../src/identifiers.js';

const id = (s: string): Identifier => {
  const r = parseIdentifier(s);
  if (!r.ok) throw new Error(r.message);
  return r.identifier;
};
const codes = (names: string[], policy = {}) =>
  identifierPolicyFindings(names.map(id), 'http-01', policy).map((f) => `${f.identifier}:${f.code}`);

describe('identifier policy with lab settings', () => {
  it('a lab suffix is accepted only when the caller adds it', () => {
    expect(codes(['www.good.test'])).toEqual(['www.good.test:IDENT_NOT_PUBLIC_SUFFIX']);
    expect(codes(['www.good.test'], { extraPublicSuffixes: ['test'] })).toEqual([]);
    // A single label fails the CA's dot rule before the suffix rule (Boulder policy/pa.go order).
    expect(codes(['test'], { extraPublicSuffixes: ['test'] })).toEqual(['test:IDENT_TOO_FEW_LABELS']);
    expect(codes(['good.test'], { extraPublicSuffixes: ['good.test'] })).toEqual([
      'good.test:IDENT_IS_PUBLIC_SUFFIX',
    ]);
  });

  it('an allowed range makes a reserved IP identifier acceptable (labs only)', () => {
    expect(codes(['127.0.2.1'])).toEqual(['127.0.2.1:IDENT_IP_RESERVED']);
    expect(codes(['127.0.2.1'], { allowAddresses: ['127.0.0.0/8'] })).toEqual([]);
  });

  it("too many names is an order finding, not one name's", () => {
    const names = Array.from({ length: 101 }, (_, i) => `n${i}.example.com`);
    expect(codes(names)).toEqual([`${ORDER_IDENTIFIER}:IDENT_TOO_MANY_NAMES`]);
  });
});
