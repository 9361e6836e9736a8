// Bundles the GitHub Action (src/github/main.ts) into action/dist/index.js, the file action.yml runs.
import { build } from 'esbuild';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['src/github/main.ts'],
  outfile: 'action/dist/index.js',
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
