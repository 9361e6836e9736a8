/** `acme-preflight serve` as a user starts it (in-process), and the flags it refuses. */
import { join } from 'node:path';
import { serveCommand } from '../../src/cli/commands/serve.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { cli, labFlags, runModule } from '../cli/helpers.js';
import { request, waitEnded } from './helpers.js';

const DEMO = join(process.cwd(), 'fixtures', 'scenarios', 'demo.yaml');

describe('serve command', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(DEMO);
  });
  afterAll(() => lab.stop());

  it('serves the page and the API until stopped, with the limits from its flags', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let printed!: (s: string) => void;
    const url = new Promise<string>((r) => (printed = r));
    const run = runModule(
      (ctx) =>
        serveCommand(
          { ...ctx, io: { ...ctx.io, out: (t) => (ctx.io.out(t), printed(t)) } },
          { until: () => stopped },
        ) as never,
      ['serve', '--port', '0', '--lab', ...labFlags(lab), '--names-per-check', '2'],
    );
    const line = await Promise.race([url, run.then((r) => Promise.reject(new Error(r.stderr)))]);
    const base = /on (http:\/\/\S+?)\/ /.exec(line)![1]!;
    const page = await request(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.body).toContain('Lab mode');
    const tooMany = await request(`${base}/v1/checks`, {
      body: { names: ['a.ok.example-lab', 'b.ok.example-lab', 'c.ok.example-lab'] },
    });
    expect(tooMany.status).toBe(400);
    const ok = await request(`${base}/v1/checks`, { body: { names: ['ok.example-lab'] } });
    expect(ok.status).toBe(202);
    const end = await waitEnded(base, ok.json<{ id: string }>().id);
    expect(end.report!.verdict).toBe('pass');
    stop();
    const r = await run;
    expect(r.code).toBe(0);
  });

  it('refuses --allow-address without --lab, and bad limits, as usage errors', async () => {
    const noLab = await cli(['serve', '--port', '0', '--allow-address', '127.0.0.0/8']);
    expect(noLab.code).toBe(2);
    expect(noLab.stderr).toMatch(/--allow-address needs --lab/);
    const bad = await cli(['serve', '--port', '0', '--names-per-check', '1000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--names-per-check must be a whole number from 1 to 100/);
  });
});
