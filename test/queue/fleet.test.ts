/**
 * A fleet on a real Redis: `acme-preflight worker` child processes share one queue, checks run against
 * the in-process lab on loopback. Two workers take every job once; a worker killed mid-check loses no job
 * (BullMQ's stalled-job recovery hands it to the other); a Redis restarted mid-run loses nothing either.
 */
import { jest } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { CheckQueue, enqueueChecks, type QueuedCheckResult } from '../../src/queue/index.js';
import { argsForProfile } from '../../src/config/profile.js';
import { benchScenario } from '../bench/scenario.js';
import { startRedis, type RedisServer } from './redis.js';
import { bundleCli, spawnWorker, type WorkerProcess } from './workers.js';

jest.setTimeout(90_000);

const labArgs = (lab: Lab): string[] => [
  '--lab',
  ...argsForProfile({ ...lab.profile, extraPublicSuffixes: ['test'], publicResolvers: [] }),
];

async function collect(
  it: AsyncIterable<QueuedCheckResult>,
  each?: (r: QueuedCheckResult, n: number) => void | Promise<void>,
): Promise<QueuedCheckResult[]> {
  const out: QueuedCheckResult[] = [];
  for await (const r of it) {
    out.push(r);
    await each?.(r, out.length);
  }
  return out;
}

async function stopAll(workers: WorkerProcess[]): Promise<(number | string)[]> {
  for (const w of workers) if (w.child.exitCode === null && !w.child.killed) w.child.kill('SIGTERM');
  return Promise.all(workers.map((w) => w.exited));
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a fleet of worker processes on one Redis', () => {
  let cli: ReturnType<typeof bundleCli>;
  let redis: RedisServer;
  let workers: WorkerProcess[] = [];
  const { scenario, names } = benchScenario(4, 10);

  beforeAll(() => {
    cli = bundleCli();
  });
  afterAll(() => cli?.cleanup());
  afterEach(async () => {
    await stopAll(workers);
    workers = [];
    await redis?.destroy();
  });

  it('two workers share the queue: every job runs once, both work, results are written once', async () => {
    redis = await startRedis();
    const lab = await startLab(scenario, { delayMs: 5 });
    try {
      const args = ['--queue', redis.url, '--concurrency', '2', ...labArgs(lab)];
      workers = await Promise.all([spawnWorker(cli.script, args), spawnWorker(cli.script, args)]);
      const batch = await enqueueChecks(names, { queue: redis.url, challenge: 'dns-01' });
      try {
        expect(batch.jobs).toHaveLength(names.length);
        const results = await collect(batch.results());
        expect(results.map((r) => r.name).sort()).toEqual([...names].sort());
        expect(new Set(results.map((r) => r.jobId)).size).toBe(names.length);
        for (const r of results) {
          expect(r.status).toBe('done');
          expect(r.report!.identifier).toBe(r.name);
          expect(r.report!.verdict).not.toBe('fail');
          expect(r.started).toBe(1);
        }
        // Both processes took jobs.
        expect(new Set(results.map((r) => r.worker))).toEqual(new Set(workers.map((w) => w.id)));
        // Each result went into the request's list once.
        const q = new CheckQueue({ queue: redis.url });
        const listed = await q.results.doneSince(batch.requestId, 0);
        await q.close();
        expect(listed.sort()).toEqual(batch.jobs.map((j) => j.id).sort());
        // The same request again adds no job: the stored results come back, nothing is run again.
        const again = await enqueueChecks(names, {
          queue: redis.url,
          challenge: 'dns-01',
          requestId: batch.requestId,
        });
        const second = await collect(again.results());
        await again.close();
        expect(second.map((r) => [r.jobId, r.worker, r.finishedAt]).sort()).toEqual(
          results.map((r) => [r.jobId, r.worker, r.finishedAt]).sort(),
        );
      } finally {
        await batch.close();
      }
      const codes = await stopAll(workers);
      expect(codes).toEqual([0, 0]);
      for (const w of workers) expect(w.stderr()).toMatch(/stopping after the running checks/);
    } finally {
      await lab.stop();
    }
  });

  it('a worker killed mid-check: the job completes on the other worker, its result written once', async () => {
    redis = await startRedis();
    // Slow answers: each check takes seconds, so the kill lands inside one.
    const lab = await startLab(scenario, { delayMs: 150 });
    try {
      const args = ['--queue', redis.url, '--concurrency', '1', '--stalled-after', '1', ...labArgs(lab)];
      const a = await spawnWorker(cli.script, args);
      workers = [a];
      const six = names.slice(0, 6);
      const batch = await enqueueChecks(six, { queue: redis.url, challenge: 'dns-01' });
      const q = new CheckQueue({ queue: redis.url });
      try {
        await waitFor('a running job', async () => (await q.queue.getActiveCount()) === 1);
        const [active] = await q.queue.getActive();
        expect(await q.results.get(active!.id!)).toBeUndefined();
        a.child.kill('SIGKILL');
        expect(await a.exited).toBe('SIGKILL');
        const b = await spawnWorker(cli.script, args);
        workers.push(b);
        const results = await collect(batch.results());
        expect(results).toHaveLength(6);
        const killed = results.find((r) => r.jobId === active!.id)!;
        expect(killed.status).toBe('done');
        expect(killed.worker).toBe(b.id);
        // Started on A, then again on B after A's lock lapsed.
        expect(killed.started).toBe(2);
        expect(results.every((r) => r.status === 'done' && r.report!.verdict !== 'fail')).toBe(true);
        const listed = await q.results.doneSince(batch.requestId, 0);
        expect(listed.sort()).toEqual(batch.jobs.map((j) => j.id).sort());
      } finally {
        await q.close();
        await batch.close();
      }
    } finally {
      await lab.stop();
    }
  });

  it('Redis restarted mid-run: the workers reconnect and no job is lost', async () => {
    redis = await startRedis({ persist: true });
    const lab = await startLab(scenario, { delayMs: 20 });
    try {
      const args = ['--queue', redis.url, '--concurrency', '2', '--stalled-after', '2', ...labArgs(lab)];
      workers = await Promise.all([spawnWorker(cli.script, args), spawnWorker(cli.script, args)]);
      const batch = await enqueueChecks(names, { queue: redis.url, challenge: 'dns-01' });
      let restartedAt = 0;
      try {
        const results = await collect(batch.results({ pollMs: 50 }), async (_r, n) => {
          if (n !== 5) return;
          await redis.stop();
          await new Promise((r) => setTimeout(r, 1000));
          await redis.start();
          restartedAt = Date.now();
        });
        expect(restartedAt).toBeGreaterThan(0);
        expect(results.map((r) => r.name).sort()).toEqual([...names].sort());
        expect(new Set(results.map((r) => r.jobId)).size).toBe(names.length);
        expect(results.every((r) => r.status === 'done' && r.report!.verdict !== 'fail')).toBe(true);
        // Work went on after the restart, on both workers still alive.
        const after = results.filter((r) => Date.parse(r.finishedAt) > restartedAt);
        expect(after.length).toBeGreaterThan(0);
        expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
        const q = new CheckQueue({ queue: redis.url });
        const listed = await q.results.doneSince(batch.requestId, 0);
        await q.close();
        expect(listed.sort()).toEqual(batch.jobs.map((j) => j.id).sort());
      } finally {
        await batch.close();
      }
      expect(await stopAll(workers)).toEqual([0, 0]);
    } finally {
      await lab.stop();
    }
  });
});
