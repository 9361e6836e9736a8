/**
 * Judges the DNS-01 test-record flow (`check --challenge dns-01 --provider P`). Pure: the evidence is what
 * the solve layer saw while placing, watching and removing a test value; every finding is built here.
 */
import type { Lookup } from '../../dns/api.js';
import type { DnsResponse, ServerEndpoint } from '../../dns/types.js';
import { endpointLabel } from '../../dns/types.js';
import { outcomeEvidence } from '../../dns/evidence.js';
import { finding } from '../../report/catalogue.js';
import type { Finding } from '../../report/finding.js';
import { goQuote } from './value.js';
import { lookupFailure } from './judge.js';

/** One server watched for the test value (plain data). */
export interface WatchedTarget {
  server: ServerEndpoint;
  kind: 'authoritative' | 'resolver';
  /** ms since placement when an answer with the value arrived. */
  firstSeenMs?: number;
  queries: number;
  lastAnswer?: string;
}

/** How far watching the test value got (the solve layer's PropagationResult). */
export interface WatchedPropagation {
  zone?: string;
  targets: WatchedTarget[];
  complete: boolean;
  completedMs?: number;
  elapsedMs: number;
  error?: string;
  /** Stopped by a signal. */
  aborted?: boolean;
}

/** Where the flow stopped, and what was seen there. */
export type TestRecordStage =
  | { kind: 'lookup-failed'; name: string; lookup: Lookup }
  | { kind: 'provider-zone-failed'; error: string }
  | { kind: 'wrong-provider'; zone: string; theirs: string[]; world: string[]; referral?: DnsResponse }
  | { kind: 'create-failed'; value: string; error: string }
  | {
      kind: 'watched';
      value: string;
      propagation?: WatchedPropagation;
      /** Watching threw (not a timeout: that is an incomplete propagation). */
      watchError?: string;
      cleanupError?: string;
    };

export interface TestRecordEvidence {
  identifier: string;
  /** The provider's name, as the findings cite it. */
  provider: string;
  /** `_acme-challenge.<name>`, and where the record really goes (the CNAME target, if any). */
  fqdn: string;
  effective: string;
  stage: TestRecordStage;
}

function wrongProvider(
  ev: TestRecordEvidence,
  s: Extract<TestRecordStage, { kind: 'wrong-provider' }>,
): Finding {
  const { identifier, provider, effective } = ev;
  return finding('DNS01_WRONG_PROVIDER', identifier, {
    detail: `${provider} expects ${s.zone} to be served by ${s.theirs.join(', ')}, but the delegation names ${s.world.join(', ')}: records created through ${provider} are invisible to the CA.`,
    evidence: [
      { source: provider, query: `nameservers for ${effective}`, answer: s.theirs.join(', ') },
      s.referral
        ? outcomeEvidence({ ok: true, response: s.referral })
        : { source: 'delegation', query: `NS ${s.zone}`, answer: s.world.join(', ') },
    ],
    remediation: `Use the provider that serves ${s.zone} (${s.world.join(', ')}), or change the delegation of ${s.zone} at the registrar to ${s.theirs.join(', ')}.`,
  });
}

function propagationFinding(
  ev: TestRecordEvidence,
  record: string,
  value: string,
  p: WatchedPropagation,
): Finding {
  const { identifier, provider, effective } = ev;
  const evidence = p.targets.map((t) => ({
    source: endpointLabel(t.server),
    query: `TXT ${effective}`,
    answer:
      t.firstSeenMs !== undefined
        ? `serves ${goQuote(value)} after ${t.firstSeenMs} ms`
        : `not yet: ${t.lastAnswer ?? 'no answer'}`,
    address: t.server.address,
  }));
  const missing = p.targets.filter((t) => t.firstSeenMs === undefined);
  if (p.complete) {
    return finding('DNS01_TEST_RECORD_VISIBLE', identifier, {
      detail: `A test value placed through ${provider} at ${effective} was served by all ${p.targets.length} servers of ${p.zone} after ${p.completedMs} ms (${p.targets.map((t) => `${t.server.name ?? t.server.address} ${t.firstSeenMs} ms`).join(', ')}).`,
      evidence,
      remediation: `Nothing to do; let your ACME client wait at least ${Math.ceil((p.completedMs ?? 0) / 1000) + 1} s after creating the record before asking the CA to validate.`,
    });
  }
  return finding('DNS01_PROPAGATION_TIMEOUT', identifier, {
    detail: `${p.error ?? `After ${p.elapsedMs} ms, ${missing.map((t) => endpointLabel(t.server)).join(', ')} still did not serve ${record}.`}`,
    evidence,
    remediation: `Check that ${missing.map((t) => t.server.name ?? t.server.address).join(', ') || 'every server'} receive${missing.length === 1 ? 's' : ''} zone updates (NOTIFY/AXFR from the primary), or raise the propagation wait of your ACME client.`,
  });
}

export function judgeTestRecord(ev: TestRecordEvidence): Finding[] {
  const { identifier, provider, effective, stage: s } = ev;
  switch (s.kind) {
    case 'lookup-failed':
      return lookupFailure(identifier, s.name, s.lookup).findings;
    case 'provider-zone-failed':
      return [
        finding('DNS01_PROVIDER_FAILED', identifier, {
          detail: `${provider} could not look up the zone of ${effective}: ${s.error}`,
          evidence: [{ source: provider, query: `zone of ${effective}`, answer: s.error }],
          remediation: `Check the ${provider} credentials and that they may read and edit the zone holding ${effective}.`,
        }),
      ];
    case 'wrong-provider':
      return [wrongProvider(ev, s)];
    case 'create-failed': {
      const record = `${effective} TXT ${goQuote(s.value)}`;
      return [
        finding('DNS01_PROVIDER_FAILED', identifier, {
          detail: `${provider} could not create ${record}: ${s.error}`,
          evidence: [{ source: provider, query: `create ${record}`, answer: s.error }],
          remediation: `Check the ${provider} credentials and that they may edit the zone holding ${effective}.`,
        }),
      ];
    }
    case 'watched': {
      const record = `${effective} TXT ${goQuote(s.value)}`;
      const findings: Finding[] = [];
      if (s.watchError !== undefined || !s.propagation) {
        const why = s.watchError ?? 'no result';
        findings.push(
          finding('DNS01_PROPAGATION_TIMEOUT', identifier, {
            title: 'The propagation check could not finish',
            detail: `Watching ${record} failed: ${why}`,
            evidence: [{ source: 'acme-preflight', answer: why }],
            remediation: 'Run the check again; if it persists, report it with this output.',
          }),
        );
      } else findings.push(propagationFinding(ev, record, s.value, s.propagation));
      if (s.cleanupError !== undefined) {
        findings.push(
          finding('DNS01_CLEANUP_FAILED', identifier, {
            detail: `Removing ${record} through ${provider} failed: ${s.cleanupError}`,
            evidence: [{ source: provider, query: `delete ${record}`, answer: s.cleanupError }],
            remediation: `Run \`acme-preflight dns01 cleanup ${identifier} --stale --provider ${provider}\`, or delete ${record} by hand.`,
          }),
        );
      }
      return findings;
    }
  }
}
