import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueMarkdown, replaceBlock } from '../src/report/docs.js';
import { VERSION } from '../src/version.js';
import { providersMarkdown } from '../src/cli/docs-providers.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has the current finding-code table (run `npm run build && npm run docs` after adding a code)', () => {
    expect(replaceBlock(readme, 'codes', catalogueMarkdown())).toBe(readme);
  });

  it('has the current provider table', () => {
    expect(replaceBlock(readme, 'providers', providersMarkdown())).toBe(readme);
  });

  it('shows the two commands', () => {
    expect(readme).toContain('npx acme-preflight check');
    expect(readme).toContain('npm test');
  });

  it('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(VERSION).toBe(pkg.version);
  });

  describe('Architecture section', () => {
    const section = readme.slice(
      readme.indexOf('## Architecture'),
      readme.indexOf('\n## ', readme.indexOf('## Architecture') + 1),
    );
    const dirs = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .flatMap((e) => [join(dir, e.name), ...dirs(join(dir, e.name))]);

    it('describes every folder of src/ (a sub-folder may be named relative to its parent)', () => {
      const named = (d: string): boolean =>
        section.includes(`\`${d}/`) || section.includes(`\`${d.split('/').slice(-1)[0]}/\``);
      expect(dirs('src').filter((d) => !named(d))).toEqual([]);
      expect(dirs('src').filter((d) => d.split('/').length === 2 && !section.includes(`\`${d}/`))).toEqual(
        [],
      );
    });

    it('names only paths that exist', () => {
      const paths = [...section.matchAll(/`((?:src|providers|test|fixtures)\/[^`\s<*]*)`/g)].map(
        (m) => m[1]!,
      );
      expect(paths.length).toBeGreaterThan(20);
      expect(paths.filter((p) => !existsSync(p.replace(/\/$/, '')))).toEqual([]);
    });
  });
});
