/** A real signal to a real process: the record is deleted before the process exits 130/143. */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('signals in a child process', () => {
  let dir: string;
  let script: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dns01-sig-'));
    script = join(dir, 'child.cjs');
    // Bundle the TypeScript child so node runs it without a loader.
    execFileSync('node_modules/.bin/esbuild', [
      'test/dns01/sigint-child.ts',
      '--bundle',
      '--platform=node',
      '--format=cjs',
      `--outfile=${script}`,
      '--log-level=warning',
    ]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: zone back to before, state file empty, exit %i', async (sig, code) => {
    const zone = join(dir, `${sig}-zone.json`);
    const state = join(dir, `${sig}-state.json`);
    writeFileSync(zone, JSON.stringify(['www.example.test A 192.0.2.1']));
    const child = spawn(process.execPath, [script, zone, state], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('created')) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited early: ${stderr}`)));
    });
    expect(JSON.parse(readFileSync(zone, 'utf8'))).toHaveLength(2);
    child.kill(sig);
    const exit = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(exit).toBe(code);
    expect(JSON.parse(readFileSync(zone, 'utf8'))).toEqual(['www.example.test A 192.0.2.1']);
    expect(JSON.parse(readFileSync(state, 'utf8')).records).toEqual([]);
  });
});
