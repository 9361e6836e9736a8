/** `acme-preflight worker` as real child processes: the CLI bundled once (esbuild), then spawned. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Bundles src/cli/main.ts into a temp dir under node_modules/.cache (so what the CLI loads at run time, as
 * yargs' CommonJS build, resolves from the project's node_modules); returns the script and a cleanup.
 */
export function bundleCli(): { script: string; cleanup(): void } {
  const cache = fileURLToPath(new URL('../../node_modules/.cache/', import.meta.url));
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'queue-cli-'));
  const script = join(dir, 'main.mjs');
  execFileSync('node_modules/.bin/esbuild', [
    'src/cli/main.ts',
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    `--outfile=${script}`,
    '--log-level=warning',
    // CommonJS dependencies call require(); an ES module has none unless one is made.
    "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  ]);
  return { script, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface WorkerProcess {
  child: ChildProcess;
  /** `host:pid` as the worker prints it and writes it into results. */
  id: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

/** Starts `acme-preflight worker ARGS` and waits until it says it takes checks. */
export async function spawnWorker(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [script, 'worker', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const id = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready: ${out} ${err}`)), 15_000);
    const look = (): void => {
      const m = /^Worker (\S+) taking checks/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', look);
    void exited.then((c) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${c}) before it was ready: ${err}`));
    });
  });
  return { child, id, stdout: () => out, stderr: () => err, exited };
}
