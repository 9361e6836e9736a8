/** acmeDryRun's failure path (a directory that does not answer, on loopback) and its text rendering. */
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { noSignals, SignalOwner } from '../../src/cli/signals.js';
import type { AddressInfo } from 'node:net';
import { acmeDryRun, formatDryRun, type DryRunResult } from '../../src/acme/dry-run.js';
import { withProfile } from '../../src/profile.js';
import { checkDryRun } from '../../src/cli/acme-dry-run.js';
import type { CheckRun } from '../../src/cli/check-run.js';
import type { Report } from '../../src/report/report.js';

describe('acmeDryRun', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // An "ACME server" that answers every request with a problem document.
    server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/problem+json' });
      res.end(
        JSON.stringify({ type: 'urn:ietf:params:acme:error:malformed', detail: 'down for maintenance' }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/directory`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reports a CA that cannot make the order as an error, with nothing solved', async () => {
    const r = await acmeDryRun(['www.example.test'], {
      directoryUrl: url,
      webroot: '/nonexistent',
      profile: withProfile({ publicResolvers: [], rootHints: [{ name: 'r', address: '127.0.0.1' }] }),
    });
    expect(r.ok).toBe(false);
    expect(r.directoryUrl).toBe(url);
    expect(r.identifiers).toEqual([]);
    expect(r.error?.detail).toMatch(/400|maintenance/);
    expect(formatDryRun(r)).toContain('the CA refused the order');
  });

  it('renders our verdict beside the CA verdict per identifier', () => {
    const r: DryRunResult = {
      directoryUrl: 'https://ca.test/dir',
      orderUrl: 'https://ca.test/order/1',
      ok: false,
      identifiers: [
        { identifier: 'a.test', challenge: 'dns-01', placed: true, ca: 'valid', finalStatus: 'deactivated' },
        {
          identifier: 'b.test',
          challenge: 'http-01',
          placed: false,
          placeError: 'b.test does not serve the token\nmore',
          ca: 'invalid',
          problem: { type: 'unauthorized', detail: '404' },
          finalStatus: 'invalid',
        },
      ],
    };
    const text = formatDryRun(r);
    expect(text).toContain(
      'a.test: ours: dns-01 in place and visible; CA: valid; authorization now deactivated',
    );
    expect(text).toContain(
      'b.test: ours: not ready: b.test does not serve the token; CA: invalid (unauthorized: 404); authorization now invalid',
    );
    expect(text).toContain('would NOT issue');
  });

  it('needs a provider or a webroot', async () => {
    await expect(acmeDryRun(['a.test'], { directoryUrl: url })).rejects.toThrow(TypeError);
  });

  describe('check --acme-dry-run wiring', () => {
    const ctx = {
      io: { out: () => undefined, err: () => undefined, isTTY: false, env: {} },
      setExit: () => undefined,
      signals: new SignalOwner(noSignals),
    };
    const local = (exitCode: number): CheckRun => ({ report: '', result: {} as Report, exitCode });
    const args = () => ({
      names: ['www.example.test'],
      format: 'text' as const,
      webroot: tmpdir(),
      config: '/dev/null',
      'acme-directory': url,
      'root-hints': ['127.0.0.1'],
      resolver: ['none'],
    });

    it('is skipped (no request) when the local checks failed', async () => {
      const d = await checkDryRun({ ...args(), 'acme-directory': 'http://127.0.0.1:1/never' }, ctx, local(1));
      expect(d.exitCode).toBe(1);
      expect(d.result).toBeUndefined();
      expect(d.text).toContain('skipped');
    });

    it('exits 1 with the CA refusal when the local checks passed', async () => {
      const d = await checkDryRun(args(), ctx, local(0));
      expect(d.exitCode).toBe(1);
      expect(d.result?.error).toBeDefined();
      expect(d.text).toContain(url);
    });

    it('needs a provider or a webroot', async () => {
      await expect(checkDryRun({ ...args(), webroot: undefined }, ctx, local(0))).rejects.toThrow(
        /--provider/,
      );
    });
  });
});
