/** The perspective-by-family matrix of one name, as rows of cells, for the text and Markdown renderers. */
import type { IdentifierPerspectives, PerspectiveView } from '../perspectives.js';

export interface MatrixTable {
  header: string[];
  rows: string[][];
}

const cell = (v: PerspectiveView, family: string): string => {
  if (v.status !== 'answered') return '-';
  const c = v.families?.[family];
  if (!c) return '-';
  if (c.verdict === 'pass') return 'pass';
  return `${c.verdict} ${c.cause?.split(':')[0] ?? ''}`.trim();
};

export function matrixTable(p: IdentifierPerspectives): MatrixTable {
  const header = ['perspective', 'RIR', ...p.families, 'CA sees'];
  const rows = p.views.map((v) => [
    v.role === 'primary' ? `${v.perspective} (this run)` : v.perspective,
    v.rir ?? '-',
    ...p.families.map((f) => cell(v, f)),
    v.status !== 'answered'
      ? `unavailable: ${v.unavailable ?? ''}`
      : v.dcv
        ? `fail ${v.dcv.type}`
        : v.caa
          ? `fail ${v.caa.type} (CAA)`
          : 'pass',
  ]);
  return { header, rows };
}

/** "CA: fail at remote-dcv (2/4 remotes pass, 1 failure allowed)". */
export function quorumLine(p: IdentifierPerspectives): string {
  const q = p.ca;
  const s = q.stage === 'remote-caa' || q.stage === 'primary-caa' ? q.caa : q.dcv;
  const counts = s
    ? ` (${s.quorumResult} remotes pass, ${s.allowedFailures} failure(s) allowed, RIRs ${s.passedRirs.join(', ') || 'none'}${s.unavailable.length ? `, ${s.unavailable.length} unavailable, not counted` : ''})`
    : '';
  if (q.ok)
    return `CA quorum: pass${counts}${q.indeterminate ? ', no remote answered: the primary alone' : ''}`;
  return `CA quorum: fail at ${q.stage}${counts}`;
}
