/**
 * A finding about a zone (one nameserver, SOA serials, one /24) is the same for every name in the zone.
 * Renderers show it once, with the names it affects, instead of once per name.
 */
import type { Finding } from './finding.js';
import type { Report } from './report.js';

export interface SharedFinding {
  finding: Finding;
  /** The identifiers it was reported for, in report order. */
  names: string[];
}

/** Identical apart from the identifier: the same code, wording, fix and evidence. */
const keyOf = (f: Finding): string =>
  JSON.stringify([f.code, f.severity, f.title, f.detail, f.remediation, f.caMessage ?? '', f.evidence]);

export interface Grouped {
  /** Findings (errors and warnings) reported identically for two or more names. */
  shared: SharedFinding[];
  /** Whether this finding of this identifier is one of the shared ones. */
  isShared(f: Finding): boolean;
  /** The shared group a finding belongs to. */
  groupOf(f: Finding): SharedFinding | undefined;
}

export function groupShared(report: Report): Grouped {
  const groups = new Map<string, SharedFinding>();
  for (const id of report.identifiers) {
    for (const f of id.findings) {
      if (f.severity === 'info') continue;
      const k = keyOf(f);
      const g = groups.get(k);
      if (g) {
        if (!g.names.includes(id.identifier)) g.names.push(id.identifier);
      } else groups.set(k, { finding: f, names: [id.identifier] });
    }
  }
  const shared = [...groups.values()].filter((g) => g.names.length > 1);
  const byKey = new Map(shared.map((g) => [keyOf(g.finding), g]));
  return {
    shared,
    isShared: (f) => f.severity !== 'info' && byKey.has(keyOf(f)),
    groupOf: (f) => (f.severity === 'info' ? undefined : byKey.get(keyOf(f))),
  };
}

/** Evidence lines once each, in order: a server listed twice with the same answer says nothing new. */
export function uniqueLines(lines: readonly string[]): string[] {
  return [...new Set(lines)];
}
