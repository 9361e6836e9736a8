import type { Finding, Severity, Verdict } from '../finding.js';
import type { IdentifierReport, Report } from '../report.js';
import { matrixTable, quorumLine } from './matrix.js';
import { escapeControls } from '../escape.js';
import { groupShared, uniqueLines } from '../shared.js';

export interface TextOptions {
  colour: boolean;
  /** Leave info findings out. */
  quiet?: boolean;
  /** Every finding in full: the detail, evidence and fix of info findings too, and all evidence lines. */
  verbose?: boolean;
}

/** Evidence lines shown per finding unless verbose. */
const EVIDENCE_LINES = 8;

const ANSI = { red: 31, yellow: 33, green: 32, cyan: 36, dim: 2, bold: 1 } as const;
type Style = keyof typeof ANSI;

/** Control characters in DNS data or HTTP bodies must not reach the terminal or start a forged line. */
const stripControl = escapeControls;

const VERDICT_LABEL: Record<Verdict, [string, Style]> = {
  pass: ['PASS', 'green'],
  warn: ['WARN', 'yellow'],
  fail: ['FAIL', 'red'],
};
const SEVERITY_LABEL: Record<Severity, [string, Style]> = {
  error: ['error', 'red'],
  warning: ['warning', 'yellow'],
  info: ['info', 'cyan'],
};

export function renderText(report: Report, opts: TextOptions): string {
  const paint = (s: string, style: Style): string =>
    opts.colour ? `\u001b[${ANSI[style]}m${s}\u001b[0m` : s;
  const out: string[] = [];
  const [label, style] = VERDICT_LABEL[report.verdict];
  const failing = report.identifiers.filter((i) => i.verdict === 'fail').length;
  out.push(
    `${paint(label, style)}  ${report.identifiers.length} name(s), ${failing} would fail` +
      ` (CA ${stripControl(report.ca)}, ${report.stats.dnsQueries} DNS queries, ${(report.stats.durationMs / 1000).toFixed(1)} s)`,
  );
  const grouped = groupShared(report);
  const emit = (f: Finding, names?: string[]): void => {
    if (f.severity === 'info' && opts.quiet) return;
    const [sl, ss] = SEVERITY_LABEL[f.severity];
    const head = `  ${paint(sl, ss)} ${paint(stripControl(f.code), 'bold')}: ${stripControl(f.title)}`;
    // An info finding is one line; errors and warnings say what was seen, the evidence and the fix.
    if (f.severity === 'info' && !opts.verbose) {
      out.push(head);
      return;
    }
    out.push(head);
    if (names) out.push(...wrap(`For: ${names.map(stripControl).join(', ')}`, '      '));
    out.push(...wrap(stripControl(f.detail), '      '));
    if (f.caMessage && f.severity !== 'info') out.push(`      CA would say: ${stripControl(f.caMessage)}`);
    const lines = uniqueLines(
      f.evidence.map((e) => {
        const q = e.query ? `${e.query} -> ` : '';
        const rtt = opts.verbose && e.rttMs !== undefined ? ` (${Math.round(e.rttMs)} ms)` : '';
        return `      - ${stripControl(e.source)}: ${stripControl(q + e.answer)}${rtt}`;
      }),
    );
    const shown = opts.verbose ? lines : lines.slice(0, EVIDENCE_LINES);
    for (const l of shown) out.push(paint(l, 'dim'));
    if (lines.length > shown.length)
      out.push(paint(`      - ... ${lines.length - shown.length} more (-v shows all)`, 'dim'));
    out.push(...wrap(`Fix: ${stripControl(f.remediation)}`, '      '));
  };
  if (report.orderFindings.length > 0) {
    out.push('', paint('Order', 'bold'));
    report.orderFindings.forEach((f) => emit(f));
  }
  for (const id of report.identifiers) {
    out.push('', identifierHeading(id, paint));
    if (id.perspectives) {
      const t = matrixTable(id.perspectives);
      const all = [t.header, ...t.rows].map((r) => r.map(stripControl));
      const widths = t.header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
      for (const r of all)
        out.push('  ' + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
      out.push(`  ${stripControl(quorumLine(id.perspectives))}`);
      if (id.perspectives.ca.problem)
        out.push(`  CA would say: ${stripControl(id.perspectives.ca.problem.detail)}`);
    }
    if (id.findings.length === 0) out.push('  no findings');
    for (const f of id.findings) {
      const g = grouped.groupOf(f);
      if (!g) emit(f);
      else {
        const [sl, ss] = SEVERITY_LABEL[f.severity];
        out.push(
          `  ${paint(sl, ss)} ${paint(stripControl(f.code), 'bold')}: ${stripControl(f.title)} (shared by ${g.names.length} names, below)`,
        );
      }
    }
  }
  if (grouped.shared.length > 0) {
    out.push('', paint('Shared by several names', 'bold'));
    for (const g of grouped.shared) emit(g.finding, g.names);
  }
  return out.join('\n') + '\n';
}

function identifierHeading(id: IdentifierReport, paint: (s: string, st: Style) => string): string {
  const [label, style] = VERDICT_LABEL[id.verdict];
  const name = stripControl(id.identifier);
  const shown = id.input !== id.identifier ? `${name} (${stripControl(id.input)})` : name;
  return `${paint(label, style)} ${paint(shown, 'bold')} [${stripControl(id.challenge)}]`;
}

function wrap(text: string, indent: string, width = 100): string[] {
  const lines: string[] = [];
  for (const para of [text]) {
    let line = '';
    for (const word of para.split(' ')) {
      if (line && indent.length + line.length + word.length + 1 > width) {
        lines.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(indent + line);
  }
  return lines;
}
