/**
 * Combines the primary's report and the remote perspectives' reports into the CA's verdict per name, with a
 * perspective-by-family matrix and the likely cause where perspectives disagree. Pure: reports in, report out.
 */
import { ACME_ERROR, verdictOf, type Evidence, type Finding } from '../report/finding.js';
import { buildReport, type IdentifierReport, type Report } from '../report/report.js';
import { CATALOGUE_FAMILIES, finding } from '../report/catalogue.js';
import type {
  FamilyCell,
  IdentifierPerspectives,
  PerspectiveInfo,
  PerspectiveView,
  Problem,
  QuorumSummary,
} from '../report/perspectives.js';
import { caMinimumRemotes, caVerdict, type PerspectiveResult, type RemoteNameOutcome } from './quorum.js';

/** What one perspective gathered and judged, or why it could not. */
export interface PerspectiveRun extends PerspectiveInfo {
  report?: Report;
}

/** The matrix shows the CA's operations only: not order policy, these findings, or the tool's extra checks. */
const NOT_COLUMNS = new Set([
  'general',
  'identifiers',
  'perspectives',
  'acme',
  'delegation',
  'propagation',
  'certificate',
]);
const FAMILY_OF = new Map<string, string>();
for (const [family, codes] of CATALOGUE_FAMILIES) for (const c of codes) FAMILY_OF.set(c.code, family);
export const familyOf = (code: string): string => FAMILY_OF.get(code) ?? 'general';

const problemOf = (f: Finding): Problem => ({
  type: (f.acmeProblem ?? `${ACME_ERROR}serverInternal`).slice(ACME_ERROR.length),
  detail: f.caMessage ?? f.detail,
  code: f.code,
});

/** The CA's two operations as this perspective's findings predict them (first error in the CA's order). */
export function resultOf(id: IdentifierReport): PerspectiveResult {
  const errors = id.findings.filter((f) => f.severity === 'error' && familyOf(f.code) !== 'perspectives');
  const caa = errors.find((f) => familyOf(f.code) === 'caa');
  const dcv = errors.find((f) => familyOf(f.code) !== 'caa');
  const result: PerspectiveResult = { dcv: dcv ? problemOf(dcv) : null };
  if (id.type === 'dns') result.caa = caa ? problemOf(caa) : null;
  return result;
}

function matrixRow(id: IdentifierReport): Record<string, FamilyCell> {
  const byFamily = new Map<string, Finding[]>();
  for (const f of id.findings) {
    const fam = familyOf(f.code);
    if (NOT_COLUMNS.has(fam)) continue;
    byFamily.set(fam, [...(byFamily.get(fam) ?? []), f]);
  }
  const row: Record<string, FamilyCell> = {};
  for (const [fam, fs] of byFamily) {
    const verdict = verdictOf(fs);
    const worst = fs.find((f) => f.severity === 'error') ?? fs.find((f) => f.severity === 'warning');
    row[fam] =
      worst && verdict !== 'pass' ? { verdict, cause: `${worst.code}: ${worst.title}` } : { verdict };
  }
  return row;
}

/** DNS questions and the answers seen, per perspective: "A www.example.com" -> {"NOERROR (aa) A 192.0.2.1"}. */
function dnsAnswers(findings: readonly Finding[]): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const f of findings) {
    for (const e of f.evidence) {
      if (!e.query || !/^(A|AAAA|CAA|TXT|CNAME) \S+$/.test(e.query)) continue;
      const set = m.get(e.query) ?? new Set<string>();
      set.add(e.answer);
      m.set(e.query, set);
    }
  }
  return m;
}

const sameSet = (a: Set<string>, b: Set<string>): boolean =>
  a.size === b.size && [...a].every((x) => b.has(x));

export type LikelyCause = 'dns-differs' | 'blocked' | 'answer-differs';

export interface CauseAnalysis {
  cause: LikelyCause;
  /** What differs, naming the question, the perspectives and what each saw. */
  detail: string;
  evidence: Evidence[];
  remediation: string;
}

const FIX_BLOCKED =
  "Let every source address reach port 80 (and 443 for TLS-ALPN-01) under /.well-known/acme-challenge/: remove the firewall, security-group, geo-blocking or WAF rule that drops these networks (the CA does not publish its perspectives' addresses and they change), or move to DNS-01, which needs no inbound connection.";
const FIX_DNS =
  'Serve the same DNS answers everywhere: every GeoDNS region, split-horizon view and anycast node must carry the same A/AAAA, TXT and CAA records for this name.';
const FIX_ANSWER =
  'Serve the same HTTP/TLS answer from every edge: check the CDN or load balancer POPs, WAF and geo rules in front of the server so /.well-known/acme-challenge/ reaches the same content everywhere, or move to DNS-01.';

/** Why a remote fails where the primary passes, from their evidence: DNS first, then the problem's type. */
export function likelyCause(
  primary: PerspectiveView,
  failing: PerspectiveView,
  problem: Problem,
): CauseAnalysis {
  const mine = dnsAnswers(primary.findings ?? []);
  const theirs = dnsAnswers(failing.findings ?? []);
  for (const [query, seen] of theirs) {
    const ours = mine.get(query);
    if (!ours || sameSet(ours, seen)) continue;
    const fmt = (s: Set<string>): string => [...s].join('; ');
    return {
      cause: 'dns-differs',
      detail: `The DNS answer differs by perspective: ${query} is ${fmt(ours)} from ${primary.perspective}, ${fmt(seen)} from ${failing.perspective}.`,
      evidence: [
        { source: `perspective ${primary.perspective}`, query, answer: fmt(ours) },
        { source: `perspective ${failing.perspective}`, query, answer: fmt(seen) },
      ],
      remediation: FIX_DNS,
    };
  }
  const ev: Evidence[] = [{ source: `perspective ${failing.perspective}`, answer: problem.detail }];
  if (problem.type === 'connection') {
    return {
      cause: 'blocked',
      detail: `${failing.perspective} could not connect where ${primary.perspective} could, with the same DNS answers: its source range is likely blocked (firewall, security group, geo-blocking or WAF).`,
      evidence: ev,
      remediation: FIX_BLOCKED,
    };
  }
  if (problem.type === 'dns' || problem.type === 'caa') {
    return {
      cause: 'dns-differs',
      detail: `${failing.perspective} sees a DNS problem that ${primary.perspective} does not: the name's DNS answers differ by where they are asked from.`,
      evidence: ev,
      remediation: FIX_DNS,
    };
  }
  return {
    cause: 'answer-differs',
    detail: `${failing.perspective} connected with the same DNS answers but got a different HTTP/TLS answer than ${primary.perspective}.`,
    evidence: ev,
    remediation: FIX_ANSWER,
  };
}

function viewOf(run: PerspectiveRun, name: string): PerspectiveView {
  const base = { perspective: run.name, rir: run.rir, role: run.role };
  const id = run.report?.identifiers.find((i) => i.identifier === name);
  if (!id) {
    const why = run.unavailable ?? `the perspective's answer has no result for ${name}`;
    return { ...base, status: 'unavailable', unavailable: why };
  }
  const r = resultOf(id);
  return {
    ...base,
    status: 'answered',
    verdict: id.verdict,
    dcv: r.dcv,
    ...(r.caa !== undefined ? { caa: r.caa } : {}),
    families: matrixRow(id),
    findings: id.findings,
  };
}

function columns(views: readonly PerspectiveView[]): string[] {
  const seen = new Set(views.flatMap((v) => Object.keys(v.families ?? {})));
  return CATALOGUE_FAMILIES.map(([f]) => f).filter((f) => seen.has(f));
}

const remoteOutcome = (v: PerspectiveView): RemoteNameOutcome =>
  v.status === 'answered'
    ? {
        perspective: v.perspective,
        rir: v.rir,
        result: { dcv: v.dcv ?? null, ...(v.caa !== undefined ? { caa: v.caa } : {}) },
      }
    : { perspective: v.perspective, unavailable: v.unavailable };

const names = (xs: readonly string[]): string => xs.join(', ');

/** The findings the quorum adds to a name: the CA's problem, failing perspectives and their causes, caveats. */
function quorumFindings(id: IdentifierReport, p: IdentifierPerspectives, now: Date): Finding[] {
  const out: Finding[] = [];
  const primary = p.views.find((v) => v.role === 'primary')!;
  const remotes = p.views.filter((v) => v.role === 'remote');
  const answered = remotes.filter((v) => v.status === 'answered');
  for (const v of remotes.filter((r) => r.status === 'unavailable')) {
    out.push(
      finding('MPIC_PERSPECTIVE_UNAVAILABLE', id.identifier, {
        title: `Perspective ${v.perspective} could not be asked`,
        detail: `${v.perspective}: ${v.unavailable ?? 'no answer'}. This is acme-preflight's own limitation, not a problem of ${id.identifier}: the quorum below is computed over the ${answered.length} perspective(s) that answered.`,
        evidence: [{ source: `perspective ${v.perspective}`, answer: v.unavailable ?? 'no answer' }],
        remediation: `Check that the agent at ${v.perspective} runs and that its token is right (GET /healthz answers without one), or remove it from --perspective.`,
      }),
    );
  }
  // The primary failing is the CA's verdict already (the primary's own findings say why); remotes are not asked.
  if (primary.dcv) return out;
  const failing = answered.filter((v) => v.dcv || v.caa);
  const causes = failing.map((v) => ({ v, c: likelyCause(primary, v, (v.dcv ?? v.caa)!) }));
  const causeText = causes.map(({ v, c }) => `${v.perspective} (${v.rir}): ${c.detail}`).join(' ');
  const fix = [...new Set(causes.map(({ c }) => c.remediation))].join(' ');
  const evidence = causes.flatMap(({ c }) => c.evidence);
  const q = p.ca;
  const summary = (s?: QuorumSummary): string =>
    s
      ? `${s.quorumResult} remote(s) pass, ${s.allowedFailures} failure(s) allowed, passing RIRs: ${names(s.passedRirs) || 'none'}`
      : '';
  if (!q.ok && q.problem && (q.stage === 'remote-dcv' || q.stage === 'remote-caa')) {
    const s = q.stage === 'remote-dcv' ? q.dcv : q.caa;
    const rirs = q.problem.detail.includes('distinct RIRs');
    const f = finding(rirs ? 'MPIC_RIR_DIVERSITY' : 'MPIC_QUORUM_FAILED', id.identifier, {
      detail:
        `${q.stage === 'remote-dcv' ? 'Validation' : 'CAA'} from the remote perspectives: ${summary(s)}. ` +
        (failing.length ? `Failing: ${names(failing.map((v) => v.perspective))}. ${causeText}` : '') +
        (rirs ? ` The passing perspectives lie in ${names(s?.passedRirs ?? []) || 'no RIR'} only.` : ''),
      caMessage: q.problem.detail,
      evidence: evidence.length ? evidence : [{ source: 'quorum', answer: summary(s) }],
      remediation:
        rirs && !failing.length
          ? 'Add a perspective in another RIR (the CA validates from several); if one already fails there, fix it as its cause says.'
          : fix || 'Make every perspective pass.',
    });
    f.acmeProblem = ACME_ERROR + q.problem.type;
    out.push(f);
  } else if (failing.length) {
    out.push(
      finding('MPIC_PERSPECTIVE_FAILS', id.identifier, {
        detail: `${names(failing.map((v) => v.perspective))} fail(s), within the failures the CA allows (${summary(q.dcv)}). ${causeText}`,
        evidence,
        remediation: fix,
      }),
    );
  }
  if (q.ok && !q.indeterminate) {
    out.push(
      finding('MPIC_CORROBORATED', id.identifier, {
        detail: `DCV: ${summary(q.dcv)}${q.caa ? `; CAA: ${summary(q.caa)}` : ''}.`,
        evidence: [{ source: 'quorum', answer: q.dcv?.quorumResult ?? '' }],
        remediation: 'None needed.',
      }),
    );
  }
  const need = caMinimumRemotes(now);
  if (answered.length < need) {
    out.push(
      finding('MPIC_FEWER_THAN_CA', id.identifier, {
        detail: `${answered.length} remote perspective(s) answered; the CA uses at least ${need}, so a failure seen by few networks can stay hidden.`,
        evidence: [{ source: 'quorum', answer: `${answered.length} answered` }],
        remediation:
          'Run acme-preflight agent in more networks (different providers and regions, at least two RIRs) and add each with --perspective.',
      }),
    );
  }
  return out;
}

/** Per name: every perspective's view, the quorum, and the findings it adds; the report's verdicts follow. */
export function combinePerspectives(
  primary: PerspectiveRun & { report: Report },
  remotes: readonly PerspectiveRun[],
): Report {
  const base = primary.report;
  const now = new Date(base.generatedAt);
  const identifiers = base.identifiers.map((id) => {
    const views = [primary, ...remotes].map((run) => viewOf(run, id.identifier));
    const pv = views[0]!;
    const verdict = caVerdict(
      { dcv: pv.dcv ?? null, ...(pv.caa !== undefined ? { caa: pv.caa } : {}) },
      views.slice(1).map(remoteOutcome),
    );
    const perspectives: IdentifierPerspectives = {
      families: columns(views),
      views,
      ca: {
        ok: verdict.ok,
        stage: verdict.stage,
        ...(verdict.problem ? { problem: verdict.problem } : {}),
        ...(verdict.dcv ? { dcv: verdict.dcv.summary } : {}),
        ...(verdict.caa ? { caa: verdict.caa.summary } : {}),
        ...(verdict.indeterminate ? { indeterminate: true } : {}),
      },
    };
    const findings = [...id.findings, ...quorumFindings(id, perspectives, now)];
    return { ...id, findings, perspectives };
  });
  const report = buildReport({
    version: base.tool.version,
    ca: base.ca,
    identifiers,
    orderFindings: base.orderFindings,
    durationMs: base.stats.durationMs,
    dnsQueries: base.stats.dnsQueries,
    now,
  });
  return {
    ...report,
    perspectives: [primary, ...remotes].map(({ name, rir, role, unavailable }) => ({
      name,
      ...(rir ? { rir } : {}),
      role,
      ...(unavailable ? { unavailable } : {}),
    })),
  };
}
