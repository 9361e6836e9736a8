import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/**
 * The layers, top first (README "Architecture"): a module may import its own layer and the ones below,
 * never one above. Each entry is a list of folders or files relative to the repository root.
 */
export const LAYERS = [
  ['src/cli', 'src/github', 'src/agent', 'src/serve', 'src/index.ts'],
  ['src/service'],
  ['src/config'],
  ['src/acme'],
  ['src/engine'],
  ['src/solve'],
  ['src/checks'],
  ['src/lab'],
  ['src/dns', 'src/http', 'providers'],
  ['src/net'],
  ['src/report', 'src/profile.ts', 'src/identifiers.ts', 'src/errors.ts', 'src/version.ts', 'src/paths.ts'],
];

/** One zone per layer: its files may not import any layer above it. */
const layerZones = LAYERS.slice(1).map((target, i) => ({
  target,
  from: LAYERS.slice(0, i + 1).flat(),
  message: `${target.join(', ')} may not import a layer above it (${LAYERS.map((l) => l.join(' ')).join(' > ')}); take what you need as an argument`,
}));

const extraZones = [
  // The lab serves tests, the benchmark and `demo`: only the CLI may load it.
  {
    target: [
      'src/config',
      'src/acme',
      'src/engine',
      'src/solve',
      'src/checks',
      'src/dns',
      'src/http',
      'src/net',
    ],
    from: 'src/lab',
    message: 'src/lab is for tests, the benchmark and the demo command; only src/cli may import it',
  },
  // Provider adapters are I/O: only solve and above use them; their types are data anyone may use.
  {
    target: ['src/checks', 'src/dns', 'src/http', 'src/net', 'src/report', 'src/lab'],
    from: 'providers',
    except: ['./types.ts'],
    message:
      'provider adapters are used from src/solve and above; lower layers take a DnsProvider as an argument',
  },
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'action/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'providers/**/*.ts'],
    ignores: ['**/*.test.ts', 'providers/__testing__/**', 'providers/conformance.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })],
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...extraZones] }],
      // Type-only imports are erased and are not cycles at run time; dynamic import() is followed.
      'import-x/no-cycle': ['error', { ignoreExternal: true, maxDepth: 12 }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSAsExpression > TSNeverKeyword',
          message: '`as never` hides a type error: give the value its real type',
        },
      ],
    },
  },
);
