// The layering and no-cycle lint rules (eslint.config.js) fail on an upward import and on a cycle.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layering lint', () => {
  it('rejects an upward import from src/dns to src/cli, static or dynamic', async () => {
    const file = join('src', 'dns', 'probe-upward.ts');
    expect(await ruleIds("import { run } from '../cli/run.js';\nexport const x = run;\n", file)).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(await ruleIds("export const x = () => import('../engine/preflight.js');\n", file)).toEqual([
      'import-x/no-restricted-paths',
    ]);
  });

  it('accepts a downward import from the same place', async () => {
    const file = join('src', 'dns', 'probe-downward.ts');
    expect(
      await ruleIds(
        "import { reservedRange } from '../net/reserved.js';\nexport const x = reservedRange;\n",
        file,
      ),
    ).toEqual([]);
  });

  it('keeps the lab out of the library', async () => {
    const file = join('src', 'engine', 'probe-lab.ts');
    expect(
      await ruleIds("import { startLab } from '../lab/index.js';\nexport const x = startLab;\n", file),
    ).toEqual(['import-x/no-restricted-paths']);
  });

  it('rejects an import cycle', async () => {
    const dir = join('src', 'net', `probe-cycle-${process.pid}`);
    mkdirSync(dir, { recursive: true });
    try {
      const a = "import { b } from './b.js';\nexport const a = (): unknown => b;\n";
      const b = "import { a } from './a.js';\nexport const b = (): unknown => a;\n";
      writeFileSync(join(dir, 'a.ts'), a);
      writeFileSync(join(dir, 'b.ts'), b);
      expect(await ruleIds(a, join(dir, 'a.ts'))).toEqual(['import-x/no-cycle']);
      // Without the back edge there is no cycle.
      writeFileSync(join(dir, 'b.ts'), 'export const b = (): unknown => 1;\n');
      expect(await ruleIds(a, join(dir, 'a.ts'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
