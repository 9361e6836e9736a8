/**
 * check --perspective against real agents on loopback, each with its own network profile: one whose HTTP port
 * is closed stands for a perspective whose source range a firewall drops.
 */
import { startLab, type Lab } from '../../src/lab/index.js';
import { startAgent, type RunningAgent } from '../../src/agent/server.js';
import type { NetworkProfile } from '../../src/profile.js';
import { cli, labFlags } from '../cli/helpers.js';

const TOKEN = 'test-token-0123456789abcdef';
const CLOSED_PORT = 9; // discard: nothing listens on loopback in the test environment

describe('check --perspective with agents', () => {
  let lab: Lab;
  const agents: RunningAgent[] = [];
  const start = async (name: string, rir: string, profile?: Partial<NetworkProfile>): Promise<string> => {
    const a = await startAgent(
      {
        perspective: name,
        rir,
        tokens: [TOKEN],
        profile: { ...lab.profile, publicResolvers: [], ...profile },
      },
      { host: '127.0.0.1', port: 0 },
    );
    agents.push(a);
    return `${name}=${a.url}`;
  };
  let ok: string[];
  let blocked: string[];
  let sameRir: string[];

  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/perspectives.yaml', import.meta.url).pathname);
    ok = [await start('arin-1', 'ARIN'), await start('ripe-1', 'RIPE'), await start('apnic-1', 'APNIC')];
    blocked = [
      await start('blocked-1', 'LACNIC', { httpPort: CLOSED_PORT }),
      await start('blocked-2', 'AFRINIC', { httpPort: CLOSED_PORT }),
    ];
    sameRir = [await start('arin-2', 'ARIN'), await start('arin-3', 'ARIN')];
  });
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
    await lab.stop();
  });

  const check = (perspectives: string[], ...extra: string[]) =>
    cli(
      [
        'check',
        'www.good.test',
        ...labFlags(lab),
        ...perspectives.flatMap((p) => ['--perspective', p]),
        ...extra,
      ],
      { ACME_PREFLIGHT_PERSPECTIVE_TOKEN: TOKEN },
    );
  const json = async (perspectives: string[]) => {
    const r = await check(perspectives, '--format', 'json');
    return { r, report: JSON.parse(r.stdout) };
  };
  const codes = (report: { identifiers: { findings: { code: string }[] }[] }): string[] =>
    report.identifiers[0]!.findings.map((f) => f.code);

  it('all perspectives pass: corroborated, schema 2, every view with its evidence', async () => {
    const { r, report } = await json(ok);
    expect(r.code).toBe(0);
    expect(report.schemaVersion).toBe(2);
    expect(codes(report)).toContain('MPIC_CORROBORATED');
    // 3 remotes where the CA uses 5 (from 2026-12-15): said, not hidden.
    expect(codes(report)).toContain('MPIC_FEWER_THAN_CA');
    const p = report.identifiers[0].perspectives;
    expect(p.views.map((v: { perspective: string }) => v.perspective)).toEqual([
      'primary',
      'arin-1',
      'ripe-1',
      'apnic-1',
    ]);
    expect(p.views[2]).toMatchObject({ rir: 'RIPE', status: 'answered', dcv: null, caa: null });
    expect(p.views[2].findings.some((f: { evidence: unknown[] }) => f.evidence.length > 0)).toBe(true);
    expect(p.ca).toMatchObject({ ok: true, stage: 'issued' });
    expect(report.perspectives).toHaveLength(4);
  });

  it('one of four blocked: passes (one failure allowed), with a warning naming it and the cause', async () => {
    const { r, report } = await json([...ok, blocked[0]!]);
    expect(r.code).toBe(0);
    const warn = report.identifiers[0].findings.find(
      (f: { code: string }) => f.code === 'MPIC_PERSPECTIVE_FAILS',
    );
    expect(warn.detail).toContain('blocked-1');
    expect(warn.detail).toMatch(/source range is likely blocked/);
    expect(warn.remediation).toMatch(/DNS-01/);
  });

  it('two blocked: fails with the remote problem prefixed, type unchanged; the single run says pass', async () => {
    const { r, report } = await json([...ok, ...blocked]);
    expect(r.code).toBe(1);
    const f = report.identifiers[0].findings.find((x: { code: string }) => x.code === 'MPIC_QUORUM_FAILED');
    expect(f.acmeProblem).toBe('urn:ietf:params:acme:error:connection');
    expect(f.caMessage).toMatch(/^During secondary validation: .*Connection refused/);
    expect(report.identifiers[0].perspectives.ca.dcv.quorumResult).toBe('3/5');
    const single = await cli(['check', 'www.good.test', ...labFlags(lab)]);
    expect(single.code).toBe(0);
  });

  it('passing remotes in one RIR: fails with the RIR message', async () => {
    const { r, report } = await json([ok[0]!, ...sameRir]);
    expect(r.code).toBe(1);
    const f = report.identifiers[0].findings.find((x: { code: string }) => x.code === 'MPIC_RIR_DIVERSITY');
    expect(f.caMessage).toBe(
      'During secondary validation: validation could not be corroborated by enough distinct RIRs',
    );
    expect(f.acmeProblem).toBe('urn:ietf:params:acme:error:unauthorized');
  });

  it("an agent that is down is the tool's limitation: quorum over the others, with the caveat", async () => {
    const { r, report } = await json([...ok, `gone=http://127.0.0.1:${CLOSED_PORT}`]);
    expect(r.code).toBe(0);
    const f = report.identifiers[0].findings.find(
      (x: { code: string }) => x.code === 'MPIC_PERSPECTIVE_UNAVAILABLE',
    );
    expect(f.detail).toMatch(/gone: agent http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
    expect(f.detail).toContain('3 perspective(s) that answered');
    expect(report.identifiers[0].perspectives.ca.dcv.counted).toBe(3);
  });

  it('a wrong token: unavailable, and the token is printed nowhere', async () => {
    const r = await cli(
      ['check', 'www.good.test', ...labFlags(lab), '--perspective', ok[0]!, '--perspective', ok[1]!],
      {
        ACME_PREFLIGHT_PERSPECTIVE_TOKEN: 'wrong-token-wrong-token-0000',
        ACME_PREFLIGHT_PERSPECTIVE_TOKEN_ARIN_1: TOKEN,
      },
    );
    expect(r.stdout).toMatch(/ripe-1: agent .*HTTP 401: unauthorized/);
    expect(r.stdout + r.stderr).not.toContain('wrong-token-wrong-token');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('a perspective answering under another name is a misconfiguration', async () => {
    const url = ok[0]!.split('=')[1]!;
    const { report } = await json([`other=${url}`, ok[1]!]);
    const f = report.identifiers[0].findings.find(
      (x: { code: string }) => x.code === 'MPIC_PERSPECTIVE_UNAVAILABLE',
    );
    expect(f.detail).toMatch(/answers as perspective "arin-1", not "other"/);
  });

  it('the text report shows the matrix, the quorum and what the CA would say', async () => {
    const r = await check([...ok, ...blocked]);
    expect(r.stdout).toMatch(/perspective\s+RIR\s+.*CA sees/);
    expect(r.stdout).toMatch(/blocked-1\s+LACNIC\s+.*fail connection/);
    expect(r.stdout).toMatch(/CA quorum: fail at remote-dcv \(3\/5 remotes pass/);
    expect(r.stdout).toContain('CA would say: During secondary validation:');
  });

  it('Markdown carries the matrix too, escaped', async () => {
    const r = await check([...ok, blocked[0]!], '--format', 'markdown');
    expect(r.stdout).toContain('perspectives');
    expect(r.stdout).toMatch(/\| blocked\\-1 \| LACNIC \|/);
  });

  it('usage errors: a bad spec, a token in the URL', async () => {
    expect((await check(['nourl'])).code).toBe(2);
    const r = await check(['x=http://user:secret@127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ACME_PREFLIGHT_PERSPECTIVE_TOKEN_X');
    expect(r.stderr).not.toContain('secret');
  });
});
