/**
 * Every catalogue code is produced by at least one test: a statically scanned test file expects it, or a
 * lab scenario's `expect` block (checked by test/engine/scenarios.test.ts) names it as a first error.
 * Scanning source (not recording codes at run time) keeps the answer the same whichever tests run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { allCodes } from '../../src/report/catalogue.js';
import { loadScenario } from '../../src/lab/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const SELF = new URL(import.meta.url).pathname;
const TYPE_TEST = new URL('./codes.test.ts', import.meta.url).pathname;
/** Calls whose code arguments are input, not an observation: building a finding, reading the catalogue. */
const INPUT_CALLS = new Set(['finding', 'codeInfo', 'isFindingCode']);
const CODE_LITERAL = /^(?:(?:error|warning|info):)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)$/;

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    // The end-to-end suite needs root and a network namespace; `npm test` must cover every code alone.
    if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'e2e') out.push(...testFiles(p));
    else if (e.isFile() && e.name.endsWith('.test.ts') && p !== SELF && p !== TYPE_TEST) out.push(p);
  }
  return out;
}

const calleeName = (c: ts.CallExpression): string | undefined =>
  ts.isIdentifier(c.expression)
    ? c.expression.text
    : ts.isPropertyAccessExpression(c.expression)
      ? c.expression.name.text
      : undefined;

/** True inside `expect(...)...not.<matcher>(...)`: the test asserts the code is absent. */
function inNegatedExpect(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.isExpressionStatement(n)) return /^expect[\s\S]*\.not\./.test(n.expression.getText());
  }
  return false;
}

function inInputCall(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isCallExpression(n) && INPUT_CALLS.has(calleeName(n) ?? '')) return true;
  }
  return false;
}

/** Code strings a test file uses in assertions and expectation tables. */
function codesInTest(file: string, text: string, known: Set<string>): Set<string> {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) {
      const code = CODE_LITERAL.exec(n.text)?.[1];
      if (code && known.has(code) && !inInputCall(n) && !inNegatedExpect(n)) found.add(code);
    }
    n.forEachChild(visit);
  };
  visit(src);
  return found;
}

function codesInScenarios(): Map<string, string> {
  const dir = join(ROOT, 'fixtures/scenarios');
  const out = new Map<string, string>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
    for (const e of Object.values(loadScenario(join(dir, f)).expect ?? {})) {
      if (e.code) out.set(e.code, `fixtures/scenarios/${f}`);
    }
  }
  return out;
}

describe('finding codes', () => {
  const known = new Set(allCodes().map((c) => c.code));
  const producedBy = new Map<string, string>(codesInScenarios());
  for (const f of [...testFiles(join(ROOT, 'test')), ...testFiles(join(ROOT, 'providers'))]) {
    for (const c of codesInTest(f, readFileSync(f, 'utf8'), known))
      if (!producedBy.has(c)) producedBy.set(c, relative(ROOT, f));
  }

  it('every catalogue code is produced and asserted by at least one test', () => {
    const unproduced = [...known].filter((c) => !producedBy.has(c));
    expect(unproduced).toEqual([]);
  });

  it('the scan counts assertions and expectation tables, not inputs or negations', () => {
    const text = [
      "expect(codes).toEqual(['warning:CAA_NONE']);",
      "it.each([['a.test', 'DNS_NXDOMAIN']])('%s', () => {});",
      "expect(codes).not.toContain('CAA_AUTHORIZED');",
      "const f = finding('HTTP01_OK', 'x', {});",
      "expect(codeInfo('HTTP01_WILDCARD').severity).toBe('error');",
      "const g = 'NOT_A_CODE_AT_ALL';",
    ].join('\n');
    expect([...codesInTest('probe.test.ts', text, known)]).toEqual(['CAA_NONE', 'DNS_NXDOMAIN']);
  });
});
