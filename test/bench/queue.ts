/**
 * Bench: 10,000 names through the queue (BullMQ on a local redis-server) with 1, 2 and 4 `acme-preflight
 * worker` processes: names per second, and each worker's peak RSS (VmHWM). Loopback only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { argsForProfile } from '../../src/config/profile.js';
import { enqueueChecks } from '../../src/queue/index.js';
import { benchScenario } from './scenario.js';
import { startLabInWorker } from './lab-worker.js';
import { startRedis } from './redis-server.js';
import { statCpuMs } from './proc.js';

type Row = (measure: string, value: string, target?: string, ok?: boolean) => void;

const peakRssMb = (pid: number): number => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/** CPU a process has used so far, in ms (Linux: utime + stime in 10 ms ticks). */
const cpuMsOf = (pid: number | undefined): number =>
  pid === undefined ? NaN : statCpuMs(`/proc/${pid}/stat`);
const ownCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function spawnWorker(args: string[]): Promise<ChildProcess> {
  const main = new URL('../../src/cli/main.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [main, 'worker', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (/taking checks/.test(d.toString())) resolve(child);
    });
    child.once('exit', (c) => reject(new Error(`worker exited (${c})`)));
  });
}

export async function queueThroughput(row: Row, count = 10_000, fleets = [1, 2, 4]): Promise<void> {
  const zones = Math.ceil(count / 100);
  const { scenario, names } = benchScenario(zones, Math.min(100, count));
  const lab = await startLabInWorker(scenario);
  const flags = argsForProfile({ ...lab.profile, extraPublicSuffixes: ['test'], publicResolvers: [] });
  try {
    for (const n of fleets) {
      const redis = await startRedis();
      const workers: ChildProcess[] = [];
      try {
        const args = ['--queue', redis.url, '--concurrency', '16', '--lab', ...flags];
        for (let i = 0; i < n; i++) workers.push(await spawnWorker(args));
        // Every process of the run: is the machine's CPU the limit? (The lab is a thread of this process.)
        const pids = [...workers.map((w) => w.pid), redis.pid];
        const cpu0 = pids.map(cpuMsOf);
        const own0 = ownCpuMs();
        const t = performance.now();
        const batch = await enqueueChecks(names.slice(0, count), { queue: redis.url, challenge: 'dns-01' });
        let ok = 0;
        let results = 0;
        for await (const r of batch.results({ pollMs: 20 })) {
          results++;
          if (r.status === 'done' && r.report?.verdict !== 'fail') ok++;
        }
        const s = (performance.now() - t) / 1000;
        const cpu = pids.map((p, i) => cpuMsOf(p) - cpu0[i]!);
        const workersCpu = cpu.slice(0, n).reduce((a, b) => a + b, 0) / 1000;
        const redisCpu = cpu[n]! / 1000;
        const ownCpu = (ownCpuMs() - own0) / 1000;
        await batch.close();
        const rss = workers.map((w) => peakRssMb(w.pid!));
        row(
          `${count} names through the queue, ${n} worker process${n > 1 ? 'es' : ''} (16 checks each at once)`,
          `${(count / s).toFixed(0)} names/s; ${results} results, ${ok} not failing; peak RSS per worker ${rss.map((m) => m.toFixed(0)).join(', ')} MB`,
          `${count} results`,
          results === count && ok === count,
        );
        row(
          '  CPU in that time: workers, redis-server, the lab and the bench (one process)',
          `${workersCpu.toFixed(1)} s, ${redisCpu.toFixed(1)} s, ${ownCpu.toFixed(1)} s in ${s.toFixed(1)} s = ${((workersCpu + redisCpu + ownCpu) / s).toFixed(2)} of ${cpus().length} cores`,
        );
      } finally {
        for (const w of workers) w.kill('SIGTERM');
        await Promise.all(
          workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(0) : w.once('exit', r)))),
        );
        await redis.destroy();
      }
    }
  } finally {
    await lab.stop();
  }
}
