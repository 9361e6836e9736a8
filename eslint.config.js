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
  ['src/service', 'src/queue'],
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

/** New functions stay under this many lines (blank lines and comments not counted). */
export const MAX_FUNCTION_LINES = 80;

/**
 * The functions still longer than MAX_FUNCTION_LINES, each capped at its length today so it cannot grow.
 * Shorten one, then lower or remove its entry; never add one without a reason a reviewer accepts.
 */
export const LONG_FUNCTIONS = [
  {
    file: 'src/cli/commands/serve.ts',
    fn: 'serveCommand',
    lines: 94,
    reason: 'one yargs command: its options, limit checks and the queue or in-process store share the args',
  },
  {
    file: 'src/dns/dnssec/chain.ts',
    fn: 'verifyRrset',
    lines: 93,
    reason: 'the KeyTrap caps (per RRset and per lookup) and the signature loop they bound share counters',
  },
  {
    file: 'src/serve/app.ts',
    fn: 'buildServer',
    lines: 223,
    reason: 'one Fastify app: every route shares the limits, queue and auth closures',
  },
  {
    file: 'src/checks/dnspersist01/judge.ts',
    fn: 'judgeDnsPersist01',
    lines: 178,
    reason: "Boulder's DNS-PERSIST-01 decision tree, kept in its order to compare with va/dnspersist.go",
  },
  {
    file: 'src/checks/caa/judge.ts',
    fn: 'judgeCaa',
    lines: 143,
    reason: "one finding per CAA decision, in the order of Boulder's va/caa.go",
  },
  {
    file: 'src/engine/preflight.ts',
    fn: 'startRun',
    lines: 143,
    reason: 'the run set-up: parse, root probe and family wiring share one deadline and signal',
  },
  {
    file: 'src/solve/propagation.ts',
    fn: 'watchPropagation',
    lines: 146,
    reason: 'one polling loop whose rounds, deadline and events share state',
  },
  {
    file: 'src/http/fetch.ts',
    fn: 'fetchLikeCa',
    lines: 126,
    reason: "the CA's redirect-following fetch loop (Boulder va/http.go), one state machine",
  },
  {
    file: 'src/dns/presentation.ts',
    fn: 'parseData',
    lines: 125,
    reason: 'the per-type presentation-format table (one case per RR type)',
  },
  {
    file: 'src/agent/server.ts',
    fn: 'buildAgent',
    lines: 119,
    reason: "one Fastify app: the agent's routes share its limits and auth",
  },
  {
    file: 'src/checks/delegation/lame.ts',
    fn: 'judgeLameness',
    lines: 112,
    reason: 'one pass over every server and question, findings per kind of lameness',
  },
  {
    file: 'src/checks/dns01/judge.ts',
    fn: 'judgeDns01Txt',
    lines: 108,
    reason: "Boulder's DNS-01 decision in its order, then the diagnosis",
  },
  {
    file: 'src/dns/iterative.ts',
    fn: 'askZone',
    lines: 120,
    reason: 'one zone query with fallback over servers and transports, sharing retry state',
  },
  {
    file: 'src/checks/caa/evaluate.ts',
    fn: 'evaluateCaa',
    lines: 90,
    reason: "RFC 8659 §3 tree climb and Boulder's CAA rules, one decision",
  },
  {
    file: 'src/dns/iterative.ts',
    fn: 'resolveChain',
    lines: 92,
    reason: 'one CNAME-following loop over the iterative resolver',
  },
];

/** The rule for files with a LONG_FUNCTIONS entry: capped at their longest listed function. */
const longFunctionCaps = Object.entries(
  LONG_FUNCTIONS.reduce((caps, f) => ({ ...caps, [f.file]: Math.max(caps[f.file] ?? 0, f.lines) }), {}),
).map(([file, max]) => ({
  files: [file],
  rules: {
    'max-lines-per-function': ['error', { max, skipBlankLines: true, skipComments: true, IIFEs: true }],
  },
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
      'max-lines-per-function': [
        'error',
        { max: MAX_FUNCTION_LINES, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'TSAsExpression > TSNeverKeyword',
          message: '`as never` hides a type error: give the value its real type',
        },
      ],
    },
  },
  ...longFunctionCaps,
);
