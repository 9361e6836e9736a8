import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import { ProviderConfigError, ProviderError } from '../types.js';
import { expectPromptCancel } from '../__testing__/cancel.test-helper.js';
import { meta } from './meta.js';

/** A lego-style hook script keeping its records in a JSON file and logging its argv. */
function makeProgram() {
  const dir = mkdtempSync(join(tmpdir(), 'exec-'));
  const store = join(dir, 'store.json');
  const log = join(dir, 'argv.log');
  const fail = join(dir, 'fail');
  const program = join(dir, 'hook.mjs');
  writeFileSync(store, '{}');
  writeFileSync(
    program,
    `#!${process.execPath}
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
const [action, fqdn, value] = process.argv.slice(2);
appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');
if (existsSync(${JSON.stringify(fail)})) { process.stderr.write('provider said no\\n'); process.exit(3); }
const s = JSON.parse(readFileSync(${JSON.stringify(store)}, 'utf8'));
const list = s[fqdn] ?? [];
if (action === 'present' && !list.includes(value)) list.push(value);
if (action === 'cleanup' && list.includes(value)) list.splice(list.indexOf(value), 1);
s[fqdn] = list;
writeFileSync(${JSON.stringify(store)}, JSON.stringify(s));
`,
  );
  chmodSync(program, 0o755);
  return {
    dir,
    program,
    values: (fqdn: string): string[] =>
      (JSON.parse(readFileSync(store, 'utf8')) as Record<string, string[]>)[fqdn + '.'] ?? [],
    seed: (fqdn: string, v: string) => {
      const s = JSON.parse(readFileSync(store, 'utf8')) as Record<string, string[]>;
      s[fqdn + '.'] = [...(s[fqdn + '.'] ?? []), v];
      writeFileSync(store, JSON.stringify(s));
    },
    argv: (): string[][] =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as string[])
        : [],
    breakIt: () => writeFileSync(fail, ''),
  };
}

async function harness(): Promise<ConformanceHarness> {
  const p = makeProgram();
  return {
    meta,
    fqdn: '_acme-challenge.example.com',
    env: { EXEC_PATH: p.program },
    values: p.values,
    seed: p.seed,
    breakBackend: p.breakIt,
    close: async () => rmSync(p.dir, { recursive: true, force: true }),
  };
}

runConformance('exec', harness);

describe('exec program calls', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs "present <fqdn.> <value>" and "cleanup <fqdn.> <value>" with no shell interpretation', async () => {
    const prog = makeProgram();
    dir = prog.dir;
    const p = await createProvider('exec', { EXEC_PATH: prog.program });
    const tricky = 'v; rm -rf / $(x) `y`';
    const h = await p.createTxt('_acme-challenge.Example.com', tricky);
    await p.deleteTxt(h);
    expect(prog.argv()).toEqual([
      ['present', '_acme-challenge.example.com.', tricky],
      ['cleanup', '_acme-challenge.example.com.', tricky],
    ]);
  });

  it('reports the exit status and stderr tail, and refuses RAW mode', async () => {
    const prog = makeProgram();
    dir = prog.dir;
    prog.breakIt();
    const p = await createProvider('exec', { EXEC_PATH: prog.program });
    const err = (await p.createTxt('_acme-challenge.example.com', 'v').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(
      /present _acme-challenge\.example\.com\. exited with status 3: provider said no/,
    );
    await expect(createProvider('exec', { EXEC_PATH: prog.program, EXEC_MODE: 'RAW' })).rejects.toThrow(
      ProviderConfigError,
    );
  });

  it('says when the program cannot start', async () => {
    const prog = makeProgram();
    dir = prog.dir;
    const p = await createProvider('exec', { EXEC_PATH: join(prog.dir, 'missing') });
    await expect(p.createTxt('_acme-challenge.example.com', 'v')).rejects.toThrow(
      /could not start \(ENOENT\)/,
    );
  });
});

describe('exec: cancellation', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an abort kills a program that hangs and says which call was cancelled', async () => {
    dir = mkdtempSync(join(tmpdir(), 'exec-hang-'));
    const program = join(dir, 'hang.mjs');
    const pidFile = join(dir, 'pid');
    writeFileSync(
      program,
      `#!${process.execPath}\nimport { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidFile)}, String(process.pid));\nsetTimeout(() => {}, 30000);\n`,
    );
    chmodSync(program, 0o755);
    const p = await createProvider('exec', { EXEC_PATH: program });
    const e = await expectPromptCancel(
      (signal) => p.createTxt('_acme-challenge.example.com', 'v', signal),
      [],
      {
        afterMs: 500,
      },
    );
    expect(e.message).toBe(`${program} present _acme-challenge.example.com.: cancelled (SIGINT)`);
    // The program is gone, not left running.
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
