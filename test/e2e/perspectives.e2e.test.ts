/**
 * Multi-perspective proof with real networks: a hub namespace (BIND with views by client range, nginx, an
 * nftables firewall per source range) and one namespace per perspective with its own /24 and an agent
 * (test/e2e/perspectives/up.sh). Verdicts must follow the CA's quorum exactly; where the CA would refuse,
 * the single-perspective run is shown to predict a pass.
 */
import { execFileSync, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = new URL('.', import.meta.url).pathname;
const root = join(here, '../..');
const W = mkdtempSync(join(tmpdir(), 'acmepf-persp-'));
let env: Record<string, string> = {};

const LAB = ['--root-hints', '10.99.0.53', '--allow-address', '10.99.0.0/16', '--public-suffix', 'test'];
const FLAGS = [...LAB, '--resolver', 'none', '--timeout', '1', '--skip', 'delegation', 'certificate'];
const P = (n: number) => ['--perspective', `p${n}=http://10.99.${n}.2:8443`];
const FOUR = [...P(1), ...P(2), ...P(3), ...P(4)];

interface Finding {
  code: string;
  severity: string;
  acmeProblem?: string;
  caMessage?: string;
  detail: string;
}
interface IdReport {
  identifier: string;
  verdict: string;
  findings: Finding[];
  perspectives?: { ca: { ok: boolean; stage: string; problem?: { type: string; detail: string } } };
}

async function check(
  names: string[],
  perspectives: string[],
): Promise<{ code: number; ids: Map<string, IdReport> }> {
  const args = [
    'netns',
    'exec',
    env.PF_PRIMARY_NS!,
    'node',
    join(root, 'dist/src/cli/main.js'),
    'check',
    ...names,
  ];
  const full = [...args, ...FLAGS, ...perspectives, '--format', 'json'];
  let stdout = '';
  let code = 0;
  try {
    ({ stdout } = await run('ip', full, {
      env: { ...process.env, ACME_PREFLIGHT_PERSPECTIVE_TOKEN: env.PF_TOKEN },
    }));
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    code = err.code;
    stdout = err.stdout;
    if (code !== 1) throw new Error(`check exited ${code}: ${err.stderr}`);
  }
  const report = JSON.parse(stdout) as { identifiers: IdReport[] };
  return { code, ids: new Map(report.identifiers.map((i) => [i.identifier, i])) };
}

const NAMES = [
  'open.mp.test',
  'one-blocked.mp.test',
  'two-blocked.mp.test',
  'ripe-blocked.mp.test',
  'geo.mp.test',
  'caa.mp.test',
  'primary-blocked.mp.test',
];
let four: Map<string, IdReport>;
let oneRir: Map<string, IdReport>;
let withDown: Map<string, IdReport>;
let single: Map<string, IdReport>;

beforeAll(async () => {
  execFileSync(join(here, 'perspectives/up.sh'), [W], { stdio: 'inherit' });
  env = Object.fromEntries(
    readFileSync(join(W, 'world.env'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
  // All at once: the dropped connections each wait the CA's 10 s dial timeout, in parallel.
  const [a, b, c, d] = await Promise.all([
    check(NAMES, FOUR),
    check(['ripe-blocked.mp.test'], [...P(1), ...P(2), ...P(4)]),
    check(['open.mp.test', 'one-blocked.mp.test'], [...FOUR, '--perspective', 'p5=http://10.99.5.2:8443']),
    check(NAMES, []),
  ]);
  four = a.ids;
  oneRir = b.ids;
  withDown = c.ids;
  single = d.ids;
}, 120_000);

afterAll(() => {
  execFileSync(join(here, 'perspectives/down.sh'), [W], { stdio: 'inherit' });
});

const codes = (r?: IdReport) => r?.findings.map((f) => f.code) ?? [];
const first = (r: IdReport | undefined, code: string) => r?.findings.find((f) => f.code === code);

describe('multi-perspective corroboration over real networks', () => {
  test('every perspective reaches the site: corroborated', () => {
    expect(four.get('open.mp.test')?.verdict).toBe('pass');
    expect(codes(four.get('open.mp.test'))).toContain('MPIC_CORROBORATED');
  });

  test("(a) a firewall drops one perspective's range: passes, one failure allowed, the range named", () => {
    const r = four.get('one-blocked.mp.test');
    expect(r?.verdict).not.toBe('fail');
    expect(r?.perspectives?.ca.ok).toBe(true);
    expect(first(r, 'MPIC_PERSPECTIVE_FAILS')?.detail).toMatch(/p4 .*source range is likely blocked/);
  });

  test('(b) it drops two: fails with the remote connection problem, prefixed; one perspective says pass', () => {
    const r = four.get('two-blocked.mp.test');
    expect(r?.verdict).toBe('fail');
    const f = first(r, 'MPIC_QUORUM_FAILED');
    expect(f?.acmeProblem).toBe('urn:ietf:params:acme:error:connection');
    expect(f?.caMessage).toMatch(
      /^During secondary validation: 10\.99\.0\.82: .*Timeout during connect \(likely firewall problem\)$/,
    );
    expect(single.get('two-blocked.mp.test')?.verdict).not.toBe('fail');
  });

  test('(c) the passing remotes lie in one RIR: fails with the RIR message; one perspective says pass', () => {
    const r = oneRir.get('ripe-blocked.mp.test');
    expect(r?.verdict).toBe('fail');
    const f = first(r, 'MPIC_RIR_DIVERSITY');
    expect(f?.caMessage).toBe(
      'During secondary validation: validation could not be corroborated by enough distinct RIRs',
    );
    expect(f?.acmeProblem).toBe('urn:ietf:params:acme:error:unauthorized');
    expect(single.get('ripe-blocked.mp.test')?.verdict).not.toBe('fail');
    // With RIPE blocked but APNIC in the set, the same name passes.
    expect(four.get('ripe-blocked.mp.test')?.perspectives?.ca.ok).toBe(true);
  });

  test("(d) BIND answers one perspective's range with another address: the DNS difference is named", () => {
    const r = four.get('geo.mp.test');
    expect(r?.perspectives?.ca.ok).toBe(true); // one failure allowed
    expect(first(r, 'MPIC_PERSPECTIVE_FAILS')?.detail).toMatch(
      /DNS answer differs.*A geo\.mp\.test.*10\.99\.0\.80.*10\.99\.0\.89 from p3/,
    );
  });

  test('(e) CAA differs for two perspectives: fails as caa, prefixed; one perspective says pass', () => {
    const r = four.get('caa.mp.test');
    expect(r?.verdict).toBe('fail');
    expect(r?.perspectives?.ca.stage).toBe('remote-caa');
    const f = first(r, 'MPIC_QUORUM_FAILED');
    expect(f?.acmeProblem).toBe('urn:ietf:params:acme:error:caa');
    expect(f?.caMessage).toBe(
      'During secondary validation: While processing CAA for caa.mp.test: CAA record for caa.mp.test prevents issuance',
    );
    expect(f?.detail).toMatch(/DNS answer differs.*CAA caa\.mp\.test/);
    expect(single.get('caa.mp.test')?.verdict).not.toBe('fail');
  });

  test('(f) the primary itself fails: its own problem, unprefixed, whatever the remotes say', () => {
    const r = four.get('primary-blocked.mp.test');
    expect(r?.verdict).toBe('fail');
    expect(r?.perspectives?.ca).toMatchObject({ ok: false, stage: 'primary-dcv' });
    expect(r?.perspectives?.ca.problem?.detail).toMatch(/^10\.99\.0\.86: .*Timeout during connect/);
    expect(codes(r)).not.toContain('MPIC_QUORUM_FAILED');
  });

  test("(g) an agent is down: the tool's limitation, quorum over those that answered", () => {
    const open = withDown.get('open.mp.test');
    expect(open?.verdict).toBe('warn'); // the caveat is a warning, never a failure of the site
    expect(open?.perspectives?.ca.ok).toBe(true);
    expect(first(open, 'MPIC_PERSPECTIVE_UNAVAILABLE')?.detail).toMatch(
      /p5: agent http:\/\/10\.99\.5\.2:8443/,
    );
    // 4 answered: one failure allowed, so p4 blocked still passes.
    expect(withDown.get('one-blocked.mp.test')?.perspectives?.ca.ok).toBe(true);
  });
});
