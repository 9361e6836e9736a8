import type { Finding, Verdict } from '../finding.js';
import type { Report } from '../report.js';
import { matrixTable, quorumLine } from './matrix.js';
import { escapeControls } from '../escape.js';
import { groupShared, uniqueLines } from '../shared.js';

/** Anything Markdown or GitHub could turn into a link or a mention: put in a code span, where it is inert. */
const INERT =
  /`[^`\n]+`|(?:\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.)(?:[^\s`]*[^\s`.,;:!?)\]'"])?|[^\s`]*@(?:[^\s`]*[^\s`.,;:!?)\]'"])?/gi;

/**
 * DNS data and HTTP bodies are untrusted: escape everything Markdown or HTML could act on, so a TXT value
 * cannot inject links, images, HTML or @mentions into a pull-request comment. Text already in backticks
 * (commands in a fix) and URLs, addresses and mentions become code spans: shown whole and literally, never
 * linked, with no invisible characters inserted into them.
 */
export function escapeMarkdown(s: string): string {
  let out = '';
  let last = 0;
  for (const m of s.matchAll(INERT)) {
    const t = m[0];
    out += escapeText(s.slice(last, m.index)) + code(t.startsWith('`') ? t.slice(1, -1) : t);
    last = m.index + t.length;
  }
  return out + escapeText(s.slice(last));
}

function escapeText(s: string): string {
  return escapeControls(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-!|~]/g, (c) => '\\' + c);
}

/** Inline code cannot be broken out of if it holds no backtick and no newline. */
const code = (s: string): string => '`' + escapeControls(s).replace(/`/g, "'") + '`';

const ICON: Record<Verdict, string> = { pass: '✅ pass', warn: '⚠️ warn', fail: '❌ fail' };

export function renderMarkdown(report: Report, opts: { heading?: string } = {}): string {
  const out: string[] = [];
  out.push(`### ${opts.heading ?? 'acme-preflight'}: ${ICON[report.verdict]}`, '');
  out.push('| Name | Challenge | Verdict | Errors | Warnings |', '| --- | --- | --- | --- | --- |');
  for (const id of report.identifiers) {
    const n = (s: string): number => id.findings.filter((f) => f.severity === s).length;
    out.push(
      `| ${code(id.identifier)} | ${id.challenge} | ${ICON[id.verdict]} | ${n('error')} | ${n('warning')} |`,
    );
  }
  out.push('');
  const grouped = groupShared(report);
  const item = (f: Finding, names?: string[]): void => {
    out.push(`- **${f.severity}** ${code(f.code)}: ${escapeMarkdown(f.title)}`);
    if (names) out.push(`  For: ${names.map(code).join(', ')}`);
    out.push(`  ${escapeMarkdown(f.detail)}`);
    if (f.caMessage) out.push(`  CA would say: ${code(f.caMessage)}`);
    out.push(`  **Fix:** ${escapeMarkdown(f.remediation)}`);
    const lines = uniqueLines(
      f.evidence.map(
        (e) => `  - ${escapeMarkdown(e.source)}: ${e.query ? code(e.query) + ' → ' : ''}${code(e.answer)}`,
      ),
    );
    if (lines.length > 0) {
      out.push('  <details><summary>Evidence</summary>', '');
      out.push(...lines.slice(0, 20));
      if (lines.length > 20) out.push(`  - … ${lines.length - 20} more`);
      out.push('', '  </details>');
    }
  };
  const section = (title: string, findings: Finding[]): void => {
    const shown = findings.filter((f) => f.severity !== 'info');
    if (shown.length === 0) return;
    out.push(`#### ${escapeMarkdown(title)}`, '');
    for (const f of shown) {
      const g = grouped.groupOf(f);
      if (g)
        out.push(
          `- **${f.severity}** ${code(f.code)}: ${escapeMarkdown(f.title)} (shared by ${g.names.length} names, below)`,
        );
      else item(f);
    }
    out.push('');
  };
  section('Order', report.orderFindings);
  for (const id of report.identifiers) {
    if (id.perspectives) {
      const t = matrixTable(id.perspectives);
      out.push(`#### ${escapeMarkdown(id.identifier)}: perspectives`, '');
      out.push(
        `| ${t.header.map(escapeMarkdown).join(' | ')} |`,
        `| ${t.header.map(() => '---').join(' | ')} |`,
      );
      for (const r of t.rows) out.push(`| ${r.map(escapeMarkdown).join(' | ')} |`);
      out.push('', escapeMarkdown(quorumLine(id.perspectives)));
      if (id.perspectives.ca.problem)
        out.push('', `CA would say: ${code(id.perspectives.ca.problem.detail)}`);
      out.push('');
    }
    section(id.identifier, id.findings);
  }
  if (grouped.shared.length > 0) {
    out.push('#### Shared by several names', '');
    for (const g of grouped.shared) item(g.finding, g.names);
    out.push('');
  }
  out.push(
    // Nothing that changes from run to run (timings, query counts): the Action compares bodies to skip updates.
    `<sub>CA ${escapeMarkdown(report.ca)} · acme-preflight ${escapeMarkdown(report.tool.version)}</sub>`,
  );
  return out.join('\n') + '\n';
}
