/**
 * Untrusted text (a TXT value, a Server: header, a provider message) must not forge a line, move the
 * cursor or reorder what the reader sees in any text rendering: text report, Markdown, annotations.
 */
import { describe, expect, it } from '@jest/globals';
import { buildReport, type Report } from '../../src/report/report.js';
import { finding } from '../../src/report/catalogue.js';
import { renderText } from '../../src/report/render/text.js';
import { renderMarkdown } from '../../src/report/render/markdown.js';
import { renderJson } from '../../src/report/render/json.js';
import { annotate } from '../../src/github/action.js';
import { escapeControls } from '../../src/report/escape.js';
import { errorLines } from '../../src/solve/webroot.js';

const FORGED = 'PASS  all checks ok, issuance will succeed';
/** Each way to start a line, rewrite the terminal or reorder text. */
const HOSTILE: Record<string, string> = {
  newline: `v=1\n${FORGED}`,
  'carriage return': `v=1\r${FORGED}`,
  'CR LF': `v=1\r\n${FORGED}`,
  'ANSI clear screen': `v=1\u001b[2J\u001b[H${FORGED}`,
  'ANSI colour': `\u001b[32m${FORGED}\u001b[0m`,
  'C1 CSI': `v=1\u009b2J${FORGED}`,
  'bidi override': `txt \u202etxt.exe\u202c`,
  'bidi isolate': `a\u2066b\u2069c`,
  'line separator': `v=1\u2028${FORGED}`,
  'paragraph separator': `v=1\u2029${FORGED}`,
  'vertical tab and form feed': `v=1\u000b\u000c${FORGED}`,
  backspace: `v=1${'\b'.repeat(4)}${FORGED}`,
};
// Anything that ends a line, moves the cursor or changes direction.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function reportWith(value: string): Report {
  const f = finding('DNS01_TXT_MISSING', 'www.example.com', {
    title: `title ${value}`,
    detail: `the TXT value ${value} was served`,
    evidence: [{ source: `ns1 ${value}`, query: `TXT ${value}`, answer: value }],
    remediation: `remove ${value}`,
  });
  return buildReport({
    version: '0.0.0',
    ca: 'letsencrypt.org',
    identifiers: [
      {
        identifier: 'www.example.com',
        input: `www.example.com${value}`,
        type: 'dns',
        challenge: 'dns-01',
        findings: [f],
      },
    ],
    orderFindings: [],
    durationMs: 1,
    dnsQueries: 1,
  });
}

/** Lines of output: none of them may begin with the forged text, and none may hold an unsafe character. */
function expectNoForgery(output: string, allowAnsiColour = false): void {
  for (const line of output.split('\n')) {
    expect(line.trimStart().startsWith(FORGED)).toBe(false);
    // eslint-disable-next-line no-control-regex -- the renderer's own colour codes
    const stripped = allowAnsiColour ? line.replace(/\u001b\[(?:\d+)m/g, '') : line;
    expect(stripped).not.toMatch(UNSAFE);
  }
}

describe('no forged output', () => {
  it.each(Object.entries(HOSTILE))('%s: escaped by escapeControls, visibly', (_what, value) => {
    const out = escapeControls(value);
    expect(out).not.toMatch(UNSAFE);
    expect(out).not.toContain('\n');
    expect(out).toMatch(/\\(n|r|e|t|x[0-9a-f]{2}|u[0-9a-f]{4})/);
  });

  it.each(Object.entries(HOSTILE))('%s: text report, no colour', (_what, value) => {
    const out = renderText(reportWith(value), { colour: false });
    expect(out).toContain('DNS01_TXT_MISSING');
    expectNoForgery(out);
  });

  it.each(Object.entries(HOSTILE))('%s: text report, colour', (_what, value) => {
    expectNoForgery(renderText(reportWith(value), { colour: true }), true);
  });

  it.each(Object.entries(HOSTILE))('%s: Markdown', (_what, value) => {
    const out = renderMarkdown(reportWith(value));
    expect(out).toContain('DNS01_TXT_MISSING');
    expectNoForgery(out);
  });

  it.each(Object.entries(HOSTILE))('%s: annotations', (_what, value) => {
    const messages: string[] = [];
    const core = {
      error: (m: string | Error, p?: { title?: string }) => void messages.push(`${p?.title}|${String(m)}`),
      warning: (m: string | Error, p?: { title?: string }) => void messages.push(`${p?.title}|${String(m)}`),
    };
    annotate(core, reportWith(value));
    expect(messages.length).toBeGreaterThan(0);
    // One deliberate line break between the title and the fix; nothing else.
    for (const m of messages) {
      expect(m.split('\n')).toHaveLength(2);
      expectNoForgery(m);
    }
  });

  it.each(Object.entries(HOSTILE))('%s: hook stderr lines', (_what, value) => {
    const r = reportWith(value);
    expectNoForgery(errorLines(r.identifiers[0]!.findings.map((f) => ({ ...f, severity: 'error' }))));
  });

  it('JSON keeps the value exactly (machines read it; JSON escapes control characters)', () => {
    const value = HOSTILE['newline']!;
    const out = renderJson(reportWith(value));
    expect(out.split('\n').some((l) => l.trimStart().startsWith(FORGED))).toBe(false);
    expect((JSON.parse(out) as Report).identifiers[0]!.findings[0]!.evidence[0]!.answer).toBe(value);
  });
});
