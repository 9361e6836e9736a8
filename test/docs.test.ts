import { readFileSync } from 'node:fs';
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
});
