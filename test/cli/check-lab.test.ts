import { startLab, type Lab } from '../../src/lab/index.js';
import { cli, labFlags } from './helpers.js';

describe('check against a separately started lab, configured only by flags', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/basic.yaml', import.meta.url).pathname);
  });
  afterAll(() => lab.stop());

  const flags = () => labFlags(lab);

  it('a healthy name passes (exit 0) and the JSON names its addresses', async () => {
    const r = await cli(['check', 'www.good.test', '--format', 'json', ...flags()]);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    expect(report.identifiers[0].identifier).toBe('www.good.test');
    expect(report.identifiers[0].verdict).not.toBe('fail');
    const resolved = report.identifiers[0].findings.find((f: { code: string }) => f.code === 'DNS_RESOLVED');
    expect(resolved.title).toContain('127.0.0.10');
    expect(r.code).toBe(0);
  });

  it('a missing name fails with exit 1 and the CA message', async () => {
    const r = await cli(['check', 'nope.good.test', ...flags()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('DNS_NXDOMAIN');
    expect(r.stdout).toContain('DNS problem: NXDOMAIN looking up A for nope.good.test');
  });

  it('normalises case, trailing dot and shows the input', async () => {
    const r = await cli(['check', 'WWW.Good.Test.', '--format', 'json', ...flags()]);
    const report = JSON.parse(r.stdout);
    expect(report.identifiers[0].identifier).toBe('www.good.test');
    expect(report.identifiers[0].input).toBe('WWW.Good.Test.');
  });

  it("a healthy name's text report fits on one screen and says what is not proven without --webroot", async () => {
    const r = await cli(['check', 'www.good.test', ...flags()]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(r.stdout).toMatch(
      /HTTP01_OK: Reachable; serving the real token file is not proven \(use --webroot\)/,
    );
    expect(r.stdout).not.toContain('CA would say');
  });
});
