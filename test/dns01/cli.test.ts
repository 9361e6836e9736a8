/** `acme-preflight dns01 ...` in-process against the lab. */
import { startLab, type Lab } from '../../src/lab/index.js';
import { cli, labFlags } from '../cli/helpers.js';
import { progressPrinter } from '../../src/cli/dns01-run.js';

const V = 'e4poW-EBoq21JA9OrAOs8Izzml-1iB5kE5hWbN2FDkM';

const dns01 = (argv: string[], env: Record<string, string> = {}) => cli(argv, env);

describe('dns01 command', () => {
  let lab: Lab;
  let net: string[];
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/dns01-lab.yaml');
    net = labFlags(lab);
  });
  afterAll(() => lab.stop());

  it('verify: exit 0 when the CA would find the value', async () => {
    const r = await dns01(['dns01', 'verify', 'good.dns01.test', '--expect', V, ...net]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('DNS01_TXT_FOUND');
  });

  it('verify --format json: exit 1 with the diagnosis and the CA message', async () => {
    const r = await dns01([
      'dns01',
      'verify',
      'quoted.dns01.test',
      '--expect',
      V,
      ...net,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      verdict: string;
      identifiers: { findings: { code: string; caMessage?: string }[] }[];
    };
    expect(report.verdict).toBe('fail');
    expect(report.identifiers[0]!.findings[0]!.code).toBe('DNS01_TXT_QUOTED');
    expect(report.identifiers[0]!.findings[0]!.caMessage).toContain('Incorrect TXT record');
  });

  it('usage errors exit 2', async () => {
    expect((await dns01(['dns01', 'verify', 'good.dns01.test', ...net])).code).toBe(2);
    expect((await dns01(['dns01', 'present', 'good.dns01.test', 'v', ...net])).code).toBe(2);
    const unknown = await dns01(['dns01', 'cleanup', 'good.dns01.test', '--provider', 'nope', ...net]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown DNS provider "nope"');
    expect((await dns01(['dns01', 'remove', 'good.dns01.test', ...net])).code).toBe(2);
  });

  // One DNS-01 value in 64 starts with '-'; yargs took it for short flags (an `h` among them: help, exit 0).
  const DASH = '-h' + V.slice(2);
  it('present: a value that starts with "-" is the value, not flags', async () => {
    for (const argv of [
      ['dns01', 'present', 'good.dns01.test', DASH, '--provider', 'nope', ...net],
      ['dns01', 'present', 'good.dns01.test', '--provider', 'nope', ...net, '--', DASH],
    ]) {
      const r = await dns01(argv);
      expect(r.code).toBe(2);
      // Past the value check: the provider is what is wrong.
      expect(r.stderr).toContain('unknown DNS provider "nope"');
      expect(r.stdout).not.toContain('Positionals');
    }
    const extra = await dns01(['dns01', 'present', 'good.dns01.test', 'v', ...net, '--', DASH]);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unexpected arguments');
  });

  it('verify --expect: a value that starts with "-" is compared, not parsed', async () => {
    const r = await dns01(['dns01', 'verify', 'good.dns01.test', '--expect', DASH, ...net]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('Positionals');
    const ok = await dns01(['dns01', 'verify', 'good.dns01.test', '--expect', V, ...net]);
    expect(ok.code).toBe(0);
  });
});

describe('progress display', () => {
  const target = {
    server: { name: 'ns1.x.test', address: '127.0.0.1', port: 53 },
    kind: 'authoritative' as const,
    queries: 1,
  };
  const events = [
    { type: 'zone' as const, zone: 'x.test', targets: [target] },
    { type: 'round' as const, round: 0, asking: 1, pending: 1, elapsedMs: 3 },
    { type: 'seen' as const, target: { ...target, firstSeenMs: 12 }, elapsedMs: 12, seen: 1, total: 1 },
  ];
  const run = (isTTY: boolean): string => {
    let err = '';
    const print = progressPrinter({ out: () => undefined, err: (t) => void (err += t), isTTY, env: {} });
    for (const e of events) print(e);
    return err;
  };

  // The terminal's status line: test/cli/status.test.ts.
  it('prints plain lines otherwise', () => {
    const plain = run(false);
    expect(plain).not.toContain('\r');
    expect(plain.split('\n')).toEqual([
      'Watching 1 server of x.test: ns1.x.test 127.0.0.1:53',
      'ns1.x.test 127.0.0.1:53 serves it after 12 ms (1/1)',
      '',
    ]);
  });
});
