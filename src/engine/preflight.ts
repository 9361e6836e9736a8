/** The library's main entry: identifiers in, a report out. */
import { performance } from 'node:perf_hooks';
import { defaultProfile, type NetworkProfile } from '../profile.js';
import {
  bySeverity,
  needsAccountUri,
  verdictOf,
  type Challenge,
  type Finding,
  type Verdict,
} from '../report/finding.js';
import { buildReport, type IdentifierReport, type Report } from '../report/report.js';
import { VERSION } from '../version.js';
import { UsageError } from '../errors.js';
import type { Identifier } from '../identifiers.js';
import { NAME_DEADLINE_MS, RUN_DEADLINE_MS } from '../dns/limits.js';
import { settleWithin } from '../net/deadline.js';
import { parseIdentifier, identifierPolicyFindings, ORDER_IDENTIFIER } from '../checks/identifiers.js';
import type { CheckFamily, CheckSettings } from './context.js';
import { createEngineContext, judgeContext } from './create-context.js';
import { gatherIdentifier, judgeIdentifier } from './evidence.js';
import { CHECK_FAMILIES } from './registry.js';
import { createDns01Family, type Dns01FamilyOptions } from './families/dns01.js';
import type { EngineContext } from './context.js';
import { ensureDnsReachable, type RootProber } from './root-probe.js';
import { judgeVantage } from '../checks/vantage.js';
import { judgeResolution } from '../checks/resolution/index.js';
import { localAddresses } from '../net/local.js';

export interface PreflightOptions {
  challenge?: Challenge;
  profile?: NetworkProfile;
  /** CAA issuer domain of the CA (default letsencrypt.org). */
  ca?: string;
  accountUri?: string;
  now?: Date;
  /** Check families to leave out, e.g. ['propagation']. */
  skip?: string[];
  webroot?: string;
  /** DNS-01 with a provider: place a test record, watch every authoritative server, remove it. */
  dns01?: Dns01FamilyOptions;
  /** Replaces the registry (tests). */
  families?: CheckFamily[];
  /** Called as each name's findings are complete (services show live progress). */
  onProgress?: (event: PreflightProgress) => void;
  /** Names not yet started when this aborts are not checked, and preflight rejects with the signal's reason. */
  signal?: AbortSignal;
  /** This machine's addresses (default: its interfaces); a name resolving to one is not proven reachable. */
  localAddresses?: readonly string[];
  /** Ranges whose addresses count as remote even on this machine (default: the profile's allowAddresses). */
  remoteRanges?: readonly string[];
  /** How the DNS root is probed before any name (default: every run asks; services pass rememberedProbe()). */
  probeRoot?: RootProber;
}

export interface PreflightProgress {
  /** The name just finished, as checked. */
  identifier: string;
  verdict: Verdict;
  /** Names finished so far, and the names to check (each unique name once). */
  done: number;
  total: number;
}

export const DEFAULT_ISSUER_DOMAIN = 'letsencrypt.org';

/** Identifiers checked at once: enough to keep every query of a 100-name order in flight, bounded for huge lists. */
export const IDENTIFIERS_IN_FLIGHT = 128;

/** Parses every name first so a typo is a usage error before any query is sent. */
export function parseIdentifiers(names: readonly string[]): Identifier[] {
  if (names.length === 0) throw new UsageError('give at least one name to check');
  return names.map((n) => {
    const r = parseIdentifier(n);
    if (!r.ok) throw new UsageError(r.message);
    return r.identifier;
  });
}

/** What a streamed run keeps of each finding's evidence (preflightStream). */
export type EvidenceKept = 'all' | 'problems' | 'none';

export interface PreflightStreamOptions extends PreflightOptions {
  /**
   * Evidence kept on the findings of each report: 'all' (as preflight() keeps it), 'problems' (default:
   * errors and warnings keep theirs, info findings drop it, as the short text output shows them), or 'none'.
   */
  evidence?: EvidenceKept;
}

/** One name's report from preflightStream(): the IdentifierReport of preflight()'s report, and its place. */
export interface StreamedReport extends IdentifierReport {
  /** Position of the name among the unique names given (a repeated name is checked once). */
  index: number;
}

interface Run {
  ctx: EngineContext;
  unique: Identifier[];
  orderFindings: Finding[];
  settings: CheckSettings;
  started: number;
  /** Checks the names as an async iterator, in the order they finish; return() stops the remaining work. */
  check(keep: EvidenceKept): AsyncGenerator<StreamedReport, void, undefined>;
}

/** Parses, probes the root and prepares the families: everything before the first name is looked up. */
async function startRun(
  names: readonly string[],
  options: PreflightOptions,
  defaultRunDeadlineMs: number,
): Promise<Run> {
  const started = performance.now();
  const identifiers = parseIdentifiers(names);
  const profile = options.profile ?? defaultProfile();
  const challenge = options.challenge ?? 'http-01';
  if (needsAccountUri(challenge) && !options.accountUri)
    throw new UsageError(`${challenge} needs the ACME account URL (accountUri; --account-uri in the CLI)`);
  const settings: CheckSettings = {
    challenge,
    issuerDomain: options.ca ?? DEFAULT_ISSUER_DOMAIN,
    accountUri: options.accountUri,
    now: options.now ?? new Date(),
    skip: new Set(options.skip ?? []),
    webroot: options.webroot,
  };
  const ctx = createEngineContext(profile, settings);
  const nameDeadlineMs = profile.timeouts.nameDeadlineMs ?? NAME_DEADLINE_MS;
  const runDeadlineMs = profile.timeouts.runDeadlineMs ?? defaultRunDeadlineMs;
  const runEnds = started + runDeadlineMs;

  const policy = identifierPolicyFindings(identifiers, settings.challenge, {
    extraPublicSuffixes: profile.extraPublicSuffixes,
    allowAddresses: profile.allowAddresses,
  });
  // Grouped once: a filter per name over every name's findings was quadratic on large lists.
  const policyOf = new Map<string, Finding[]>();
  const orderFindings: Finding[] = [];
  for (const f of policy) {
    if (f.identifier === ORDER_IDENTIFIER) orderFindings.push(f);
    else {
      const list = policyOf.get(f.identifier);
      if (list) list.push(f);
      else policyOf.set(f.identifier, [f]);
    }
  }
  // A network that blocks or intercepts DNS is no fault of the names: stop before judging any (exit 3).
  const hasDnsNames = identifiers.some((i) => i.type === 'dns');
  await ensureDnsReachable(hasDnsNames, profile, ctx.client, options.probeRoot);
  const dns01 = options.dns01;
  const registry = dns01
    ? CHECK_FAMILIES.map((f) =>
        f.name === 'dns-01' ? createDns01Family({ ...dns01, signal: options.signal }) : f,
      )
    : CHECK_FAMILIES;
  const families = options.families ?? registry;

  // A repeated name is reported once by the policy and checked once.
  const unique = [...new Map(identifiers.map((i) => [i.value, i])).values()];
  const local = options.localAddresses ?? localAddresses();
  const remoteRanges = options.remoteRanges ?? profile.allowAddresses;
  const { onProgress, signal } = options;
  const jpolicy = judgeContext(unique[0]!, settings, profile).policy;

  const checkOne = async (id: Identifier): Promise<Finding[]> => {
    const own = policyOf.get(id.value) ?? [];
    // A name the CA would reject outright is not looked up: the CA would not get that far either.
    if (own.some((f) => f.severity === 'error')) return own;
    // The name's deadline, or the run's if that comes first: the report then says what did not finish.
    const left = Math.min(nameDeadlineMs, runEnds - performance.now());
    const ends = performance.now() + left;
    const flag = left < nameDeadlineMs ? '--run-deadline' : '--name-deadline';
    const bundle = await gatherIdentifier(ctx, id, families, { ms: left, flag });
    // The vantage check waits on the same address lookups: past the deadline, CHECK_DEADLINE already says so.
    const vantage = await settleWithin(
      vantageFindings(ctx, id, settings.challenge, local, remoteRanges),
      ends - performance.now(),
      [],
    );
    // The bundle (every exchange of every lookup) is dropped here: only the findings outlive the name.
    return [...own, ...judgeIdentifier(bundle, { id, settings, policy: jpolicy }, families), ...vantage];
  };

  async function* check(keep: EvidenceKept): AsyncGenerator<StreamedReport, void, undefined> {
    signal?.throwIfAborted();
    const finished: StreamedReport[] = [];
    let failed: { error: unknown } | undefined;
    let wake: (() => void) | undefined;
    let next = 0;
    let active = 0;
    let done = 0;
    let stopped = false;
    const notify = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    // At most IDENTIFIERS_IN_FLIGHT names at once, and no more finished reports held than that: a name
    // starts only when one has finished and been taken, so a slow reader slows the run, not its memory.
    const fill = (): void => {
      while (!stopped && !failed && active < IDENTIFIERS_IN_FLIGHT && next < unique.length) {
        if (active + finished.length >= IDENTIFIERS_IN_FLIGHT) return;
        if (signal?.aborted) return;
        const index = next++;
        const id = unique[index]!;
        active++;
        checkOne(id).then(
          (found) => {
            active--;
            if (stopped) return notify();
            done++;
            const findings = keepEvidence(found, keep);
            const verdict = verdictOf(findings);
            onProgress?.({ identifier: id.value, verdict, done, total: unique.length });
            finished.push({
              identifier: id.value,
              input: id.input,
              type: id.type,
              challenge: settings.challenge,
              findings: [...findings].sort(bySeverity),
              verdict,
              index,
            });
            notify();
          },
          (error: unknown) => {
            active--;
            failed ??= { error };
            notify();
          },
        );
      }
    };
    const onAbort = (): void => notify();
    // Aborted: the names in flight stop (their queries end now) and finish their cleanup (a test
    // record, a token file) before preflight rejects.
    const settle = async (): Promise<void> => {
      stopped = true;
      ctx.client.close?.();
      while (active > 0) await new Promise<void>((resolve) => (wake = resolve));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      fill();
      while (done < unique.length || finished.length > 0) {
        if (signal?.aborted) await settle();
        signal?.throwIfAborted();
        if (failed) throw failed.error;
        const r = finished.shift();
        if (r) {
          fill();
          yield r;
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      // Finished, broken off by the reader, or failed: queries nobody waits for any more (hedged ones,
      // those past a deadline, those of names not needed) end now, not at their timeout.
      stopped = true;
      signal?.removeEventListener('abort', onAbort);
      ctx.client.close?.();
    }
    signal?.throwIfAborted();
  }

  return { ctx, unique, orderFindings, settings, started, check };
}

/** Drops the evidence the caller did not ask for; the finding itself is kept whole. */
function keepEvidence(findings: Finding[], keep: EvidenceKept): Finding[] {
  if (keep === 'all') return findings;
  return findings.map((f) =>
    keep === 'none' || f.severity === 'info' ? (f.evidence.length ? { ...f, evidence: [] } : f) : f,
  );
}

export async function preflight(names: readonly string[], options: PreflightOptions = {}): Promise<Report> {
  const run = await startRun(names, options, RUN_DEADLINE_MS);
  const byIndex: IdentifierReport[] = new Array<IdentifierReport>(run.unique.length);
  for await (const { index, ...r } of run.check('all')) byIndex[index] = r;
  return buildReport({
    version: VERSION,
    ca: run.settings.issuerDomain,
    identifiers: byIndex,
    orderFindings: run.orderFindings,
    durationMs: performance.now() - run.started,
    dnsQueries: run.ctx.client.sent,
  });
}

/**
 * Name by name: each name's report as soon as its checks are done (in the order they finish, each unique
 * name once), with its evidence dropped unless asked for, so a platform checking 100,000 names holds only
 * the names in flight. Names are separate checks here, not one order: the order's own limits (100 names)
 * are not reported. Breaking out of the loop (or `signal`) stops the names not yet checked. No run
 * deadline unless the profile sets one (each name still has its own).
 */
export async function* preflightStream(
  names: readonly string[],
  options: PreflightStreamOptions = {},
): AsyncGenerator<StreamedReport, void, undefined> {
  const run = await startRun(names, options, Number.POSITIVE_INFINITY);
  yield* run.check(options.evidence ?? 'problems');
}

/** HTTP-01 and TLS-ALPN-01 connect to the name's addresses: from this machine to itself proves nothing. */
async function vantageFindings(
  ctx: EngineContext,
  id: Identifier,
  challenge: Challenge,
  local: readonly string[],
  remote: readonly string[],
): Promise<Finding[]> {
  if (challenge === 'dns-01') return [];
  if (id.type === 'ip') return judgeVantage(id.value, [id.base], local, remote);
  const { usable } = judgeResolution(id.base, await ctx.addressLookups(id.base), ctx.profile.allowAddresses);
  return judgeVantage(id.value, [...usable.v6, ...usable.v4], local, remote);
}
