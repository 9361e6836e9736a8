/** README tables generated from the catalogue, so the docs cannot drift from the code. */
import { CATALOGUE_FAMILIES, type CodeInfo } from './catalogue.js';

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function catalogueMarkdown(): string {
  const out: string[] = [
    '| code | family | severity | ACME problem | meaning |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const [family, codes] of CATALOGUE_FAMILIES) {
    for (const c of codes as readonly CodeInfo[]) {
      out.push(
        `| \`${c.code}\` | ${family} | ${c.severity} | ${c.acmeProblem ?? ''} | ${cell(c.description)} |`,
      );
    }
  }
  return out.join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBlock(doc: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README has no ${name} block`);
  return `${doc.slice(0, i + start.length)}\n${body}\n${doc.slice(j)}`;
}
