/**
 * startWorker() against a real Redis and the lab: what is a result (findings, bad input, a timeout) and what
 * is retried (only the infrastructure), a graceful close, and a password never printed.
 */
import { jest } from '@jest/globals';
import { preflight } from '../../src/engine/preflight.js';
import { UsageError } from '../../src/errors.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { NetworkProfile } from '../../src/profile.js';
import {
  CheckQueue,
  enqueueChecks,
  jobIdFor,
  parseQueueUrl,
  startWorker,
  type CheckJobData,
  type QueueWorker,
} from '../../src/queue/index.js';
import { benchScenario } from '../bench/scenario.js';
import { freePort, startRedis, type RedisServer } from './redis.js';

jest.setTimeout(60_000);

const job = (requestId: string, over: Partial<CheckJobData> = {}): CheckJobData => ({
  requestId,
  names: ['h0.z0.test'],
  challenge: 'dns-01',
  resultTtlS: 60,
  createdAt: new Date().toISOString(),
  ...over,
});

async function resultOf(q: CheckQueue, jobId: string, ms = 20_000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = await q.results.get(jobId);
    if (r) return r;
    if (Date.now() > until) throw new Error(`no result for ${jobId}`);
    await new Promise((res) => setTimeout(res, 25));
  }
}

describe('startWorker', () => {
  let redis: RedisServer;
  let lab: Lab;
  let profile: NetworkProfile;
  let worker: QueueWorker;
  let q: CheckQueue;
  const { scenario } = benchScenario(2, 3);

  beforeAll(async () => {
    redis = await startRedis();
    lab = await startLab(scenario, { delayMs: 5 });
    profile = { ...lab.profile, extraPublicSuffixes: ['test'], publicResolvers: [] };
    worker = await startWorker({ connection: parseQueueUrl(redis.url).connection, profile, concurrency: 2 });
    await worker.ready();
    q = new CheckQueue({ queue: redis.url });
  });
  afterAll(async () => {
    await q?.close();
    await worker?.close();
    await lab?.stop();
    await redis?.destroy();
  });

  it('a check that found problems is a result, the same as in-process, not an error', async () => {
    const names = ['h0.z0.test', 'absent.z0.test', 'h1.nowhere.test'];
    const batch = await enqueueChecks(names, { queue: redis.url, challenge: 'http-01', evidence: 'all' });
    const got = new Map<string, string[]>();
    for await (const r of batch.results()) {
      expect(r.status).toBe('done');
      expect(r.started).toBe(1);
      got.set(r.name, [r.report!.verdict, ...r.report!.findings.map((f) => f.code).sort()]);
    }
    await batch.close();
    const local = await preflight(names, { profile, challenge: 'http-01' });
    const expected = new Map(
      local.identifiers.map((i) => [i.input, [i.verdict, ...i.findings.map((f) => f.code).sort()]]),
    );
    expect(got).toEqual(expected);
    expect([...got.values()].some(([v]) => v === 'fail')).toBe(true);
  });

  it('refuses a bad name before enqueueing anything', async () => {
    const before = await q.queue.count();
    await expect(enqueueChecks(['ok.test', 'not a name'], { queue: redis.url })).rejects.toThrow(UsageError);
    expect(await q.queue.count()).toBe(before);
  });

  it('bad input in a job fails once, without retries, with a result saying why', async () => {
    await q.add([
      { id: 'bad-data.1', data: { ...job('bad-data'), names: [] } },
      { id: 'bad-name.1', data: job('bad-name', { names: ['no such thing!'] }) },
    ]);
    const a = await resultOf(q, 'bad-data.1');
    expect(a).toMatchObject({ status: 'failed', started: 1 });
    expect(a.error).toMatch(/^Bad job: names: /);
    const b = await resultOf(q, 'bad-name.1');
    expect(b).toMatchObject({ status: 'failed', started: 1 });
    expect(b.error).toMatch(/^Bad input: /);
    for (const id of ['bad-data.1', 'bad-name.1']) {
      const j = (await q.queue.getJob(id))!;
      expect(await j.getState()).toBe('failed');
      expect(j.attemptsMade).toBe(1);
    }
  });

  it('a timeout is a failed result, not retried', async () => {
    const slow = await startLab(scenario, { delayMs: 300 });
    const w = await startWorker({
      connection: parseQueueUrl(redis.url).connection,
      profile: {
        ...slow.profile,
        extraPublicSuffixes: ['test'],
        publicResolvers: [],
        timeouts: { ...slow.profile.timeouts, dnsQueryMs: 3000 },
      },
      prefix: 'slow',
    });
    const sq = new CheckQueue({ queue: redis.url, prefix: 'slow' });
    try {
      await sq.add([{ id: 'slow.1', data: job('slow', { timeoutMs: 1000 }) }]);
      const r = await resultOf(sq, 'slow.1');
      expect(r).toMatchObject({ status: 'failed', error: 'The check timed out after 1 s.', started: 1 });
    } finally {
      await sq.close();
      await w.close();
      await slow.stop();
    }
  });

  it('retries an infrastructure error (DNS unreachable) with backoff, then leaves a failed result', async () => {
    const dead = await freePort();
    const lines: string[] = [];
    const w = await startWorker({
      connection: parseQueueUrl(redis.url).connection,
      profile: {
        ...profile,
        dnsPort: dead,
        timeouts: { ...profile.timeouts, dnsQueryMs: 200 },
      },
      prefix: 'broken',
      log: (l) => lines.push(l),
    });
    const bq = new CheckQueue({ queue: redis.url, prefix: 'broken' });
    try {
      await bq.add([{ id: 'infra.1', data: job('infra') }], { attempts: 2, backoffMs: 100 });
      const r = await resultOf(bq, 'infra.1');
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/^The check could not run: /);
      expect(r.started).toBe(2);
      expect(lines.some((l) => /job infra\.1 failed \(attempt 1\)/.test(l))).toBe(true);
    } finally {
      await bq.close();
      await w.close();
    }
  });

  it('close() lets the running check finish and write its result', async () => {
    const slow = await startLab(scenario, { delayMs: 100 });
    const w = await startWorker({
      connection: parseQueueUrl(redis.url).connection,
      profile: { ...slow.profile, extraPublicSuffixes: ['test'], publicResolvers: [] },
      prefix: 'closing',
    });
    const cq = new CheckQueue({ queue: redis.url, prefix: 'closing' });
    try {
      const id = jobIdFor('closing', 'h0.z0.test');
      await cq.add([{ id, data: job('closing') }]);
      const until = Date.now() + 10_000;
      while ((await cq.queue.getActiveCount()) === 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      expect(await cq.results.get(id)).toBeUndefined();
      await w.close();
      expect((await cq.results.get(id))?.status).toBe('done');
    } finally {
      await cq.close();
      await slow.stop();
    }
  });
});

describe('a Redis password', () => {
  let redis: RedisServer;
  const secret = 'hunter2-Very-Secret';
  beforeAll(async () => {
    redis = await startRedis({ password: secret });
  });
  afterAll(() => redis?.destroy());

  it('works from the URL or the environment form, and never shows in logs when it is wrong', async () => {
    const url = `redis://:${encodeURIComponent(secret)}@127.0.0.1:${redis.port}`;
    const target = parseQueueUrl(url);
    expect(target.display).toBe(`redis://:***@127.0.0.1:${redis.port}`);
    const ok = await startWorker({ connection: target.connection, secrets: target.secrets });
    await ok.ready();
    await ok.close();
    const fromEnv = parseQueueUrl(`redis://127.0.0.1:${redis.port}`, { password: secret });
    expect(fromEnv.connection.password).toBe(secret);
    expect(fromEnv.display).not.toContain(secret);

    const wrong = parseQueueUrl(`redis://:wrong-${secret}@127.0.0.1:${redis.port}`);
    const lines: string[] = [];
    const bad = await startWorker({
      connection: wrong.connection,
      secrets: wrong.secrets,
      log: (l) => lines.push(l),
    });
    const until = Date.now() + 10_000;
    while (lines.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await bad.close(true);
    expect(lines.join('\n')).toMatch(/WRONGPASS|invalid|auth/i);
    expect(lines.join('\n')).not.toContain(secret);
  });
});
