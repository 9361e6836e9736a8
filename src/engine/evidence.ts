/**
 * Gather and judge as two steps (DESIGN.md "What flows through it"): a perspective gathers an evidence
 * bundle for an identifier, possibly in another process or on another machine; judging it is pure.
 */
import { finding } from '../report/catalogue.js';
import type { Finding } from '../report/finding.js';
import type { Identifier } from '../identifiers.js';
import type { CheckFamily, EngineContext, JudgeContext } from './context.js';
import { withoutBogusSuccess, withoutUnreachableSuccess } from './bogus.js';
import { oneErrorPerCause } from './causes.js';

/** What one family's gatherer returned, or why it could not: plain data either way. */
export type GatherOutcome<E = unknown> = { evidence: E } | { error: { name: string; message: string } };

/** Evidence of every applicable family for one identifier, keyed by family name. JSON-serialisable. */
export type EvidenceBundle = Record<string, GatherOutcome>;

const errorOf = (e: unknown): { name: string; message: string } =>
  e instanceof Error ? { name: e.name, message: e.message } : { name: 'error', message: String(e) };

/** The families that apply to this identifier under these settings, in registry order. */
export function applicableFamilies(
  families: readonly CheckFamily[],
  id: Identifier,
  settings: EngineContext['settings'],
): CheckFamily[] {
  return families.filter((f) => !settings.skip.has(f.name) && f.applies(id, settings));
}

/** The error name a gatherer still running at its deadline is recorded with (judged as CHECK_DEADLINE). */
export const DEADLINE_ERROR = 'DeadlineExceeded';

/**
 * Runs every applicable family's gatherer in parallel; one that throws is recorded, never fatal. With a
 * deadline, a gatherer still running when it passes is recorded as not finished, and the others kept.
 */
export async function gatherIdentifier(
  ctx: EngineContext,
  id: Identifier,
  families: readonly CheckFamily[],
  deadline?: { ms: number; flag: string },
): Promise<EvidenceBundle> {
  const chosen = applicableFamilies(families, id, ctx.settings);
  let timer: NodeJS.Timeout | undefined;
  const late =
    deadline &&
    new Promise<GatherOutcome>((resolve) => {
      const ms = Math.max(0, deadline.ms);
      timer = setTimeout(
        () =>
          resolve({
            error: {
              name: DEADLINE_ERROR,
              message: `still gathering after ${Math.round(ms / 1000)} s (${deadline.flag})`,
            },
          }),
        ms,
      );
    });
  const outcomes = await Promise.all(
    chosen.map(async (f): Promise<GatherOutcome> => {
      const gathered = (async (): Promise<GatherOutcome> => {
        try {
          return { evidence: await f.gather(ctx, id) };
        } catch (e) {
          return { error: errorOf(e) };
        }
      })();
      return late ? Promise.race([gathered, late]) : gathered;
    }),
  );
  clearTimeout(timer);
  const bundle: EvidenceBundle = {};
  chosen.forEach((f, i) => (bundle[f.name] = outcomes[i]!));
  return bundle;
}

/** A family that could not gather or judge becomes a finding saying what did not run. */
function incomplete(family: string, id: Identifier, error: { name: string; message: string }): Finding {
  if (error.name === DEADLINE_ERROR)
    return finding('CHECK_DEADLINE', id.value, {
      title: `The ${family} checks of ${id.value} did not finish in time`,
      detail: `${family}: ${error.message}. Servers that do not answer keep the CA's validation waiting too, until it gives up.`,
      evidence: [{ source: 'acme-preflight', query: family, answer: error.message }],
      remediation: `Find the nameservers or web servers of ${id.value} that do not answer (--format json lists every exchange) and fix them or remove them from the delegation and the DNS records.`,
    });
  return finding('CHECK_INCOMPLETE', id.value, {
    title: `The ${family} checks could not run for ${id.value}`,
    detail: `${family}: ${error.message}`,
    evidence: [{ source: 'acme-preflight', answer: error.name }],
    remediation: 'Run again; if it persists, report it with this output.',
  });
}

/**
 * Pure: the findings for one identifier from its evidence bundle, in registry order (the first error is
 * the CA's first error). Families without an entry in the bundle did not apply and give no findings.
 */
export function judgeIdentifier(
  bundle: EvidenceBundle,
  jctx: JudgeContext,
  families: readonly CheckFamily[],
): Finding[] {
  const out: Finding[] = [];
  for (const f of families) {
    const got = Object.prototype.hasOwnProperty.call(bundle, f.name) ? bundle[f.name] : undefined;
    if (!got) continue;
    if ('error' in got) {
      out.push(incomplete(f.name, jctx.id, got.error));
      continue;
    }
    try {
      out.push(...f.judge(got.evidence, jctx));
    } catch (e) {
      out.push(incomplete(f.name, jctx.id, errorOf(e)));
    }
  }
  return oneErrorPerCause(withoutUnreachableSuccess(withoutBogusSuccess(out, bundle)));
}
