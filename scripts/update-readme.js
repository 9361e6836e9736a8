// Regenerates README tables from the built catalogue and provider metadata: `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { catalogueMarkdown, replaceBlock } from '../dist/src/report/docs.js';
import { providersMarkdown } from '../dist/src/cli/docs-providers.js';

let readme = readFileSync('README.md', 'utf8');
readme = replaceBlock(readme, 'codes', catalogueMarkdown());
readme = replaceBlock(readme, 'providers', providersMarkdown());
writeFileSync('README.md', readme);
console.log('README.md updated');
