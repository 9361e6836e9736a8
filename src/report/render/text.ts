import type { Finding, Severity, Verdict } from '../finding.js';
import type { IdentifierReport, Report } from '../report.js';
import { escapeControls } from '../escape.js';

export interface TextOptions {
  colour: boolean;
  /** Show info findings (default true). */
  verbose?: boolean;
}

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
  const emit = (f: Finding): void => {
    if (f.severity === 'info' && opts.verbose === false) return;
    const [sl, ss] = SEVERITY_LABEL[f.severity];
    out.push(`  ${paint(sl, ss)} ${paint(stripControl(f.code), 'bold')}: ${stripControl(f.title)}`);
    out.push(...wrap(stripControl(f.detail), '      '));
    if (f.caMessage) out.push(`      CA would say: ${stripControl(f.caMessage)}`);
    for (const e of f.evidence.slice(0, 8)) {
      const q = e.query ? `${e.query} -> ` : '';
      const rtt = e.rttMs !== undefined ? ` (${Math.round(e.rttMs)} ms)` : '';
      out.push(paint(`      - ${stripControl(e.source)}: ${stripControl(q + e.answer)}${rtt}`, 'dim'));
    }
    if (f.evidence.length > 8) out.push(paint(`      - ... ${f.evidence.length - 8} more`, 'dim'));
    out.push(...wrap(`Fix: ${stripControl(f.remediation)}`, '      '));
  };
  if (report.orderFindings.length > 0) {
    out.push('', paint('Order', 'bold'));
    report.orderFindings.forEach(emit);
  }
  for (const id of report.identifiers) {
    out.push('', identifierHeading(id, paint));
    if (id.findings.length === 0) out.push('  no findings');
    id.findings.forEach(emit);
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
