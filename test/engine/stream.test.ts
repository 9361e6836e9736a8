/**
 * preflightStream(): name by name over the in-process lab, each unique name once, as names finish; a
 * reader that breaks off stops the rest of the work; evidence not asked for is gone from each report.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import {
  IDENTIFIERS_IN_FLIGHT,
  preflight,
  preflightStream,
  type PreflightOptions,
  type StreamedReport,
} from '../../src/engine/preflight.js';
import { CHECK_FAMILIES } from '../../src/engine/registry.js';
import type { CheckFamily } from '../../src/engine/context.js';
import { benchScenario } from '../bench/scenario.js';

const { scenario, names } = benchScenario(3, 100);
let lab: Lab;
const options = (): PreflightOptions => ({
  profile: { ...lab.profile, extraPublicSuffixes: ['test'], publicResolvers: [] },
  challenge: 'dns-01',
});
const sentToLab = (): number => [...lab.queries.values()].reduce((a, b) => a + b, 0);

beforeAll(async () => {
  lab = await startLab(scenario, { delayMs: 5 });
});
afterAll(async () => {
  await lab?.stop();
});

describe('preflightStream', () => {
  it('yields every unique name once, as each finishes, with the verdicts preflight() gives', async () => {
    // A repeated name is checked once; an address the CA refuses outright finishes first, though given third.
    const input = [names[0]!, names[1]!, '10.0.0.1', ...names.slice(2), names[0]!];
    const got: StreamedReport[] = [];
    let doneAtFirst = -1;
    let done = 0;
    for await (const r of preflightStream(input, {
      ...options(),
      evidence: 'all',
      onProgress: (e) => (done = e.done),
    })) {
      if (got.length === 0) doneAtFirst = done;
      got.push(r);
    }
    const unique = [names[0]!, names[1]!, '10.0.0.1', ...names.slice(2)];
    expect(got.map((r) => r.identifier).sort()).toEqual([...unique].sort());
    for (const r of got) expect(unique[r.index]).toBe(r.identifier);
    // Streamed: the first report was in the reader's hands while most names were still being checked.
    expect(doneAtFirst).toBeLessThan(unique.length / 2);
    expect(got[0]!.identifier).toBe('10.0.0.1');
    expect(got[0]!.verdict).toBe('fail');

    const whole = await preflight(input, options());
    // Under load a lab reply can be late and add a warning about that server to one run, not the other.
    const codes = (fs: { code: string; severity: string }[]): string[] =>
      fs.filter((f) => f.severity !== 'warning').map((f) => f.code);
    const byName = new Map(got.map((r) => [r.identifier, r]));
    for (const i of whole.identifiers) {
      expect(byName.get(i.identifier)?.verdict).toBe(i.verdict);
      expect(codes(byName.get(i.identifier)!.findings)).toEqual(codes(i.findings));
    }
    expect(whole.identifiers.map((i) => i.identifier)).toEqual(unique);
  }, 60_000);

  it('stops the remaining work when the reader breaks off', async () => {
    let started = 0;
    const counting: CheckFamily = {
      name: 'counting',
      applies: () => true,
      gather: () => Promise.resolve(++started),
      judge: () => [],
    };
    let progressed = 0;
    lab.resetCounts();
    let first: StreamedReport | undefined;
    for await (const r of preflightStream(names, {
      ...options(),
      families: [...CHECK_FAMILIES, counting],
      onProgress: () => progressed++,
    })) {
      first = r;
      break;
    }
    expect(first?.verdict).toBeDefined();
    const startedAtBreak = started;
    const progressedAtBreak = progressed;
    // Datagrams already on the wire at the break reach the lab (in this process) a moment later.
    await new Promise((r) => setTimeout(r, 150));
    const sentAtBreak = sentToLab();
    await new Promise((r) => setTimeout(r, 300));
    // No name starts after the break, none in flight reports, and no further query goes out for them.
    expect(startedAtBreak).toBeLessThanOrEqual(IDENTIFIERS_IN_FLIGHT + 1);
    expect(started).toBe(startedAtBreak);
    expect(progressed).toBe(progressedAtBreak);
    expect(sentToLab()).toBe(sentAtBreak);

    // The same names read to the end take many more queries: the break saved real work.
    lab.resetCounts();
    for await (const r of preflightStream(names, options())) void r;
    expect(sentToLab()).toBeGreaterThan(2 * sentAtBreak);
  }, 60_000);

  it('drops the evidence of passing findings unless asked for it', async () => {
    const some = names.slice(0, 5);
    const collect = async (evidence?: 'all' | 'problems' | 'none'): Promise<StreamedReport[]> => {
      const out: StreamedReport[] = [];
      for await (const r of preflightStream(some, { ...options(), ...(evidence ? { evidence } : {}) }))
        out.push(r);
      return out;
    };
    const findings = (rs: StreamedReport[]) => rs.flatMap((r) => r.findings);
    const byDefault = findings(await collect());
    const info = byDefault.filter((f) => f.severity === 'info');
    const problems = byDefault.filter((f) => f.severity !== 'info');
    expect(info.length).toBeGreaterThan(0);
    expect(problems.length).toBeGreaterThan(0);
    for (const f of info) expect(f.evidence).toEqual([]);
    for (const f of problems) expect(f.evidence.length).toBeGreaterThan(0);

    const all = findings(await collect('all'));
    expect(all.filter((f) => f.severity === 'info').every((f) => f.evidence.length > 0)).toBe(true);
    expect(findings(await collect('none')).every((f) => f.evidence.length === 0)).toBe(true);
  }, 60_000);

  it('rejects with the signal reason when aborted mid-run', async () => {
    const ac = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const r of preflightStream(names, { ...options(), signal: ac.signal })) {
          seen.push(r.identifier);
          ac.abort(new Error('stopped by the caller'));
        }
      })(),
    ).rejects.toThrow('stopped by the caller');
    expect(seen.length).toBe(1);
  }, 60_000);
});
