// The function-length lint rule (eslint.config.js): new functions stay under MAX_FUNCTION_LINES, and
// LONG_FUNCTIONS lists exactly the longer ones, each at its length today.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { LONG_FUNCTIONS, MAX_FUNCTION_LINES } from '../../eslint.config.js';
import { sources } from './sources.js';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

/** A function of n counted lines, with a comment and a blank line after each statement (not counted). */
function functionOf(n: number): string {
  const body = Array.from({ length: n - 2 }, (_, i) => `  console.log(${i});\n  // note ${i}\n\n`);
  return `export function probe(): void {\n${body.join('')}}\n`;
}

describe('function length lint', () => {
  const file = join('src', 'net', 'probe-long.ts');

  it(`accepts ${MAX_FUNCTION_LINES} lines and rejects one more; comments and blank lines do not count`, async () => {
    expect(await ruleIds(functionOf(MAX_FUNCTION_LINES), file)).toEqual([]);
    expect(await ruleIds(functionOf(MAX_FUNCTION_LINES + 1), file)).toEqual(['max-lines-per-function']);
  });

  it('rejects `as never`', async () => {
    expect(await ruleIds('export const x = (1 as never) as number;\n', file)).toEqual([
      'no-restricted-syntax',
    ]);
  });

  it('LONG_FUNCTIONS names every function over the limit, at its length, with a reason', async () => {
    // Only the length rule, so a function in a listed file cannot hide under its file's cap.
    const lengths = new ESLint({
      cwd: process.cwd(),
      overrideConfigFile: true,
      overrideConfig: [
        { linterOptions: { reportUnusedDisableDirectives: 'off' } },
        {
          files: ['**/*.ts'],
          languageOptions: { parser: tseslint.parser },
          rules: {
            'max-lines-per-function': [
              'error',
              { max: MAX_FUNCTION_LINES, skipBlankLines: true, skipComments: true, IIFEs: true },
            ],
          },
        },
      ],
    });
    const results = await lengths.lintFiles(
      [...sources('src'), ...sources('providers')].filter((p) => p !== join('providers', 'conformance.ts')),
    );
    const found = results
      .flatMap((r) =>
        r.messages.map((m) => {
          if (m.ruleId !== 'max-lines-per-function') return `${r.filePath} ${m.message}`;
          const [, fn, lines] = /'([^']+)' has too many lines \((\d+)\)/.exec(m.message) ?? [];
          return `${r.filePath.slice(process.cwd().length + 1)} ${fn ?? `(anonymous, line ${m.line})`} ${lines ?? m.message}`;
        }),
      )
      .sort();
    expect(found).toEqual(LONG_FUNCTIONS.map((f) => `${f.file} ${f.fn} ${f.lines}`).sort());
    for (const f of LONG_FUNCTIONS) expect(f.reason.length).toBeGreaterThan(10);
  }, 60_000);
});
