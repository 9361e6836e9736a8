/**
 * Bench: check --perspective with four agents, each its own process (as on other machines), against the same
 * lab. One name with four perspectives against the one-perspective check; 100 names against one name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { preflight, type PreflightOptions } from '../../src/engine/preflight.js';
import { preflightWithPerspectives } from '../../src/engine/multi.js';
import type { PerspectiveSpec } from '../../src/engine/remote.js';
import { argsForProfile } from '../../src/config/profile.js';
import type { NetworkProfile } from '../../src/profile.js';
import { benchScenario } from './scenario.js';
import { startLabProcess } from './lab-worker.js';

const TOKEN = 'bench-perspective-token-0123456789';
const RIRS = ['ARIN', 'RIPE', 'APNIC', 'LACNIC'];

async function spawnAgent(
  name: string,
  rir: string,
  profile: NetworkProfile,
): Promise<{ url: string; child: ChildProcess }> {
  const cli = new URL('../../src/cli/main.js', import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    [
      cli,
      'agent',
      '--name',
      name,
      '--rir',
      rir,
      '--listen',
      '127.0.0.1:0',
      '--rate-limit',
      '100000',
      ...argsForProfile(profile),
    ],
    { env: { ...process.env, ACME_PREFLIGHT_AGENT_TOKENS: TOKEN }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = / on (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`agent ${name} exited ${code}: ${err}`)));
  });
  return { url, child };
}

const median3 = async (fn: (i: number) => Promise<unknown>): Promise<number> => {
  const t: number[] = [];
  for (let i = 0; i < 3; i++) {
    const s = performance.now();
    await fn(i);
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[1]!;
};

export async function perspectiveTimes(
  delayMs: number,
  row: (measure: string, value: string, target?: string, ok?: boolean) => void,
): Promise<void> {
  const { scenario, names } = benchScenario(10, 10);
  const lab = await startLabProcess(scenario, delayMs);
  const profile = { ...lab.profile, extraPublicSuffixes: ['test'], publicResolvers: [] };
  const agents = await Promise.all(RIRS.map((rir, i) => spawnAgent(`b${i + 1}`, rir, profile)));
  try {
    const options: PreflightOptions = { profile, challenge: 'dns-01' };
    const remotes: PerspectiveSpec[] = agents.map((a, i) => ({
      name: `b${i + 1}`,
      url: a.url,
      token: TOKEN,
    }));
    const four = (n: string[]) => preflightWithPerspectives(n, options, remotes);
    // Warm the JIT here and in every agent on another zone's name.
    await four([names[names.length - 1]!]);
    const single = await median3((i) => preflight([names[i * 10]!], options));
    const multi = await median3((i) => four([names[i * 10 + 1]!]));
    row(
      `check, 1 name, 4 perspectives (agent processes), ${delayMs} ms per answer`,
      `${multi.toFixed(0)} ms = ${(multi / single).toFixed(2)}x the one-perspective check (${single.toFixed(0)} ms)`,
      '<= 1.3x',
      multi / single <= 1.3,
    );
    const s = performance.now();
    const report = await four(names);
    const hundred = performance.now() - s;
    row(
      `check, 100 names, 4 perspectives, ${delayMs} ms per answer`,
      `${hundred.toFixed(0)} ms = ${(hundred / multi).toFixed(2)}x one name with 4 perspectives`,
      '<= 3x',
      hundred / multi <= 3,
    );
    const corroborated = report.identifiers.filter((i) => i.perspectives?.ca.ok).length;
    row(
      '  names the 4 perspectives corroborate',
      `${corroborated} of ${report.identifiers.length}`,
      '100',
      corroborated === 100,
    );
  } finally {
    for (const a of agents) a.child.kill('SIGTERM');
    await lab.stop();
  }
}
