/**
 * Servers of a zone that answer a CAA question differently: the CA's decision with each answer, so the
 * verdict does not depend on which server replied first (issue 15). Pure.
 */
import type { Identifier } from '../../identifiers.js';
import type { Finding, FindingCode } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import { evaluateCaa, type CaaInput, type CaaLookup, type CaaVariant } from './evaluate.js';
import { caaRecordText, judgeCaa, type JudgeCaaOptions } from './judge.js';

/** Findings that say CAA lets the CA issue: misleading beside an answer that would not. */
const FINE: ReadonlySet<FindingCode> = new Set(['CAA_AUTHORIZED', 'CAA_NO_RELEVANT_RECORDS', 'CAA_NONE']);

interface Outcome {
  variant: CaaVariant;
  /** The CA's error with this answer, if it fails. */
  failure?: Finding;
  /** What it means, in words. */
  meaning: string;
}

const answerText = (name: string, v: CaaVariant): string =>
  v.status !== 'NOERROR'
    ? v.status
    : v.records.length === 0
      ? 'no CAA records (NODATA)'
      : v.records.map((r) => caaRecordText(name, r)).join(', ');

function outcomeOf(
  input: CaaInput,
  at: number,
  v: CaaVariant,
  id: Identifier,
  opts: JudgeCaaOptions,
): Outcome {
  const set: CaaLookup = { ...input.sets[at]!, status: v.status, records: v.records };
  delete set.variants;
  const sets = input.sets.map((s, i) => (i === at ? set : s));
  const judged = judgeCaa(evaluateCaa({ ...input, sets }), id, opts);
  const failure = judged.find((f) => f.severity === 'error');
  if (failure)
    return { variant: v, failure, meaning: `the CA refuses: "${failure.caMessage ?? failure.title}"` };
  const fine = judged.find((f) => FINE.has(f.code as FindingCode)) ?? judged[0];
  return { variant: v, meaning: `CAA lets the CA issue (${fine ? fine.title : 'no restriction'})` };
}

/** One finding per CAA name of the climb whose servers disagree in a way that changes the decision. */
export function judgeCaaDisagreement(input: CaaInput, id: Identifier, opts: JudgeCaaOptions): Finding[] {
  const out: Finding[] = [];
  input.sets.forEach((s, at) => {
    if (!s.variants || s.variants.length < 2) return;
    const outcomes = s.variants.map((v) => outcomeOf(input, at, v, id, opts));
    const denied = outcomes.filter((o) => o.failure);
    if (denied.length === 0 || new Set(outcomes.map((o) => o.meaning)).size < 2) return;
    const allowed = outcomes.filter((o) => !o.failure);
    const servers = (o: Outcome): string => o.variant.servers.join(', ');
    out.push(
      finding('CAA_SERVERS_DISAGREE', id.value, {
        title: `The nameservers disagree about CAA ${s.name}, and the CA's decision depends on which it asks`,
        detail:
          `The authoritative servers answer CAA ${s.name} differently: ` +
          outcomes.map((o) => `${servers(o)} ${answerText(s.name, o.variant)}, so ${o.meaning}`).join('; ') +
          `. Every perspective's resolver picks a server, so with several perspectives one of them likely gets a refusing answer.`,
        evidence: outcomes.map((o) => ({
          source: servers(o),
          query: `CAA ${s.name}`,
          answer: answerText(s.name, o.variant),
        })),
        remediation:
          `Make every nameserver of ${s.name} serve the same CAA set` +
          (allowed.length > 0
            ? `, the one ${allowed.map(servers).join(' and ')} serve${allowed.length > 1 || allowed[0]!.variant.servers.length > 1 ? '' : 's'}`
            : '') +
          ` (with several DNS providers, update each; with a secondary, check its zone transfer); ` +
          `or fix the set: ${denied[0]!.failure!.remediation}`,
        ...(denied[0]!.failure!.caMessage ? { caMessage: denied[0]!.failure!.caMessage } : {}),
      }),
    );
  });
  return out;
}

/** The CA's CAA findings, with any disagreement that changes the decision, for one identifier. */
export function judgeCaaWithServers(input: CaaInput, id: Identifier, opts: JudgeCaaOptions): Finding[] {
  const judged = judgeCaa(evaluateCaa(input), id, opts);
  const split = judgeCaaDisagreement(input, id, opts);
  if (split.length === 0) return judged;
  return [...judged.filter((f) => !FINE.has(f.code as FindingCode)), ...split];
}
