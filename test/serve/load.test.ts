/** Load on real sockets: the limits hold for 1,000 requests from one client and 50 concurrent checks. */
import { join } from 'node:path';
import { maxRunningUntilIdle, request, serveLab, waitEnded, type Served } from './helpers.js';

const DEMO = join(process.cwd(), 'fixtures', 'scenarios', 'demo.yaml');

/** Runs tasks with at most `width` in flight. */
async function pool<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

describe('serve under load', () => {
  let s: Served;
  beforeAll(async () => {
    s = await serveLab(DEMO, {
      limits: { requestsPerMinute: 300, checksPerMinute: 5, concurrency: 4, queueDepth: 50 },
    });
  });
  afterAll(() => s.stop());

  it('1,000 requests from one client: exactly the budget is served, the rest get 429, others are unaffected', async () => {
    const rssBefore = process.memoryUsage().rss;
    const replies = await pool(1000, 50, (i) =>
      i % 4 === 0
        ? request(`${s.url}/v1/checks`, { body: { names: ['ok.example-lab'] }, from: '127.0.0.30' })
        : request(`${s.url}/`, { from: '127.0.0.30' }),
    );
    const count = (pred: (r: (typeof replies)[number]) => boolean) => replies.filter(pred).length;
    const overRequests = count((r) => r.status === 429 && /requests per minute/.test(r.body));
    const overChecks = count((r) => r.status === 429 && /checks per minute/.test(r.body));
    expect(overRequests).toBe(700);
    // Of the check requests inside the request budget, only the per-client check budget started work.
    expect(count((r) => r.status === 202)).toBe(5);
    expect(overChecks).toBeGreaterThan(0);
    expect(count((r) => r.status === 200) + 5 + overChecks).toBe(300);
    expect(count((r) => ![200, 202, 429].includes(r.status))).toBe(0);
    const other = await request(`${s.url}/`, { from: '127.0.0.31' });
    expect(other.status).toBe(200);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(150 * 1024 * 1024);
  });

  it('50 concurrent checks from 50 clients: all accepted, never more than 4 running, all complete', async () => {
    const names = ['ok.example-lab', 'caa.example-lab', 'missing.example-lab', 'internal.example-lab'];
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(`${s.url}/v1/checks`, {
          body: { names: [names[i % names.length]!] },
          from: `127.0.1.${100 + i}`,
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(new Array(50).fill(202));
    const ids = replies.map((r) => r.json<{ id: string }>().id);
    const maxRunning = await maxRunningUntilIdle(s.url);
    expect(maxRunning).toBeGreaterThan(1);
    expect(maxRunning).toBeLessThanOrEqual(4);
    const ended = await Promise.all(ids.map((id) => waitEnded(s.url, id)));
    expect(ended.every((v) => v.status === 'done')).toBe(true);
    // The same name gives the same verdict in every check.
    const verdicts = new Map<string, Set<string>>();
    ended.forEach((v, i) => {
      const n = names[i % names.length]!;
      verdicts.set(n, (verdicts.get(n) ?? new Set()).add(v.report!.verdict));
    });
    expect([...verdicts.values()].every((set) => set.size === 1)).toBe(true);
  });
});
