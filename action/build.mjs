// Bundles the GitHub Action (src/github/main.ts) into action/dist/index.js, the file action.yml runs.
// `node action/build.mjs --check` builds in memory and exits 1 when the committed bundle is stale.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = 'action/dist/index.js';
const check = process.argv.includes('--check');

const result = await build({
  absWorkingDir: root,
  // A worktree whose node_modules is a link builds the same file (paths appear in the bundle's comments).
  preserveSymlinks: true,
  entryPoints: ['src/github/main.ts'],
  outfile,
  write: !check,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Dependencies written as CommonJS call require(); an ES module has none unless we make one.
  banner: {
    js: "import { createRequire as __acmePreflightCreateRequire } from 'node:module';\nconst require = __acmePreflightCreateRequire(import.meta.url);",
  },
  // Deterministic output, so a stale committed bundle shows up as a diff.
  legalComments: 'none',
  logLevel: 'warning',
  metafile: false,
  sourcemap: false,
});

if (check) {
  const built = result.outputFiles?.[0]?.text ?? '';
  let committed = '';
  try {
    committed = readFileSync(new URL(`../${outfile}`, import.meta.url), 'utf8');
  } catch {
    // missing counts as stale
  }
  if (built !== committed) {
    console.error(`${outfile} is stale: run npm run build:action and commit it.`);
    process.exit(1);
  }
  console.log(`${outfile} is current.`);
}
