/** The config file is loaded and merged in one place (src/config/settings.ts): nothing else imports the pieces. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { sources } from './sources.js';

const PIECES = ['loadConfigFile', 'configToArgs', 'mergeArgs'];

/** The names of PIECES a module's text imports (static, re-export or dynamic). */
export function importedPieces(text: string): string[] {
  const found = new Set<string>();
  const statements = text.match(/(?:import|export)\s*(?:type\s+)?\{[^}]*\}\s*from\s*['"][^'"]+['"]/g) ?? [];
  for (const s of statements) for (const p of PIECES) if (new RegExp(`\\b${p}\\b`).test(s)) found.add(p);
  // `(await import('../config/file.js')).mergeArgs` and destructured dynamic imports.
  if (/import\(\s*['"][^'"]*config\/file(\.js)?['"]\s*\)/.test(text))
    for (const p of PIECES) if (new RegExp(`\\b${p}\\b`).test(text)) found.add(p);
  return [...found].sort();
}

describe('one owner of the config file', () => {
  it('finds the pieces in an import, a re-export and a dynamic import (the check can fail)', () => {
    expect(importedPieces("import { findConfigFile, loadConfigFile } from '../config/file.js';")).toEqual([
      'loadConfigFile',
    ]);
    expect(importedPieces("export { mergeArgs } from './file.js';")).toEqual(['mergeArgs']);
    expect(
      importedPieces("const { configToArgs } = await import('../../config/file.js');\nconfigToArgs(x);"),
    ).toEqual(['configToArgs']);
    expect(importedPieces("import { resolveSettings } from '../config/settings.js';")).toEqual([]);
  });

  it('no module outside src/config imports loadConfigFile, configToArgs or mergeArgs', () => {
    const offenders = [...sources('src'), ...sources('providers')]
      .filter((f) => relative('src/config', f).startsWith('..'))
      .map((f) => ({ file: f, pieces: importedPieces(readFileSync(f, 'utf8')) }))
      .filter((o) => o.pieces.length > 0)
      .map((o) => `${o.file}: ${o.pieces.join(', ')} (use resolveSettings from src/config/settings.ts)`);
    expect(offenders).toEqual([]);
  });
});
