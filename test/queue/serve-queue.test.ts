/** serve with a queue store: the API answers as it does in-process, while a worker elsewhere runs the check. */
import type { AddressInfo } from 'node:net';
import { startLab, type Lab } from '../../src/lab/index.js';
import { CheckQueue, parseQueueUrl, startWorker, type QueueWorker } from '../../src/queue/index.js';
import { buildServer } from '../../src/serve/app.js';
import { QueueChecks } from '../../src/serve/queue-checks.js';
import { cli } from '../cli/helpers.js';
import { request, waitEnded } from '../serve/helpers.js';
import { startRedis, type RedisServer } from './redis.js';
import { join } from 'node:path';

const DEMO = join(process.cwd(), 'fixtures', 'scenarios', 'demo.yaml');

describe('serve --queue', () => {
  let redis: RedisServer;
  let lab: Lab;
  let worker: QueueWorker;
  beforeAll(async () => {
    redis = await startRedis();
    lab = await startLab(DEMO);
    worker = await startWorker({
      connection: parseQueueUrl(redis.url).connection,
      profile: { ...lab.profile, publicResolvers: [] },
    });
    await worker.ready();
  });
  afterAll(async () => {
    await worker?.close();
    await lab?.stop();
    await redis?.destroy();
  });

  it('gives the same API answers as in-process checks', async () => {
    const profile = { ...lab.profile, publicResolvers: [] };
    const queued = await buildServer({
      profile,
      lab: true,
      store: new QueueChecks({
        queue: new CheckQueue({ queue: redis.url }),
        limits: { queueDepth: 50, workTimeoutMs: 30_000 },
        resultTtlMs: 60_000,
      }),
    });
    const local = await buildServer({ profile, lab: true });
    const urls: string[] = [];
    for (const app of [queued, local]) {
      await app.listen({ host: '127.0.0.1', port: 0 });
      urls.push(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    }
    try {
      const body = { names: ['ok.example-lab', 'missing.example-lab'] };
      const answers = [];
      for (const url of urls) {
        const r = await request(`${url}/v1/checks`, { body });
        expect(r.status).toBe(202);
        const end = await waitEnded(url, r.json<{ id: string }>().id);
        const events = await request(`${url}/v1/checks/${end.id}/events`);
        expect(events.body).toMatch(/event: end\ndata: .*"status":"done"/);
        answers.push({
          status: end.status,
          progress: end.progress.done,
          verdict: end.report!.verdict,
          ids: end.report!.identifiers.map((i) => [i.identifier, i.verdict, i.findings.map((f) => f.code)]),
        });
      }
      expect(answers[0]).toEqual(answers[1]);
      expect(answers[0]!.verdict).toBe('fail');
      const bad = await request(`${urls[0]}/v1/checks`, { body: { names: ['not a name'] } });
      expect(bad.status).toBe(400);
    } finally {
      await queued.close();
      await local.close();
    }
  });

  it('refuses a non-Redis URL and never prints the password', async () => {
    const ftp = await cli(['serve', '--port', '0', '--queue', 'ftp://u:pw@127.0.0.1/']);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toMatch(/must be a redis:\/\/ or rediss:\/\/ URL/);
    const w = await cli(['worker', '--queue', 'redis://u:s3cret-pass@127.0.0.1:1/x']);
    expect(w.code).toBe(2);
    expect(w.stderr).toMatch(/database must be a number/);
    expect(w.stderr + w.stdout).not.toContain('s3cret-pass');
  });
});
