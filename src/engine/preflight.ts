/** The library's main entry: identifiers in, a report out. */
import { performance } from 'node:perf_hooks';
import { defaultProfile, type NetworkProfile } from '../profile.js';
import { needsAccountUri, verdictOf, type Challenge, type Finding, type Verdict } from '../report/finding.js';
import { buildReport, type Report } from '../report/report.js';
import { VERSION } from '../version.js';
import { UsageError } from '../errors.js';
import type { Identifier } from '../identifiers.js';
import { Limiter } from '../dns/client.js';
import { NAME_DEADLINE_MS, RUN_DEADLINE_MS } from '../dns/limits.js';
import { parseIdentifier, identifierPolicyFindings, ORDER_IDENTIFIER } from '../checks/identifiers.js';
import type { CheckFamily, CheckSettings } from './context.js';
import { createEngineContext, judgeContext } from './create-context.js';
import { gatherIdentifier, judgeIdentifier } from './evidence.js';
import { CHECK_FAMILIES } from './registry.js';
import { createDns01Family, type Dns01FamilyOptions } from './families/dns01.js';
import type { EngineContext } from './context.js';
import { NetworkBlockedError, probeRoot } from './root-probe.js';
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

export async function preflight(names: readonly string[], options: PreflightOptions = {}): Promise<Report> {
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
  const runEnds = started + (profile.timeouts.runDeadlineMs ?? RUN_DEADLINE_MS);

  const policy = identifierPolicyFindings(identifiers, settings.challenge, {
    extraPublicSuffixes: profile.extraPublicSuffixes,
    allowAddresses: profile.allowAddresses,
  });
  const orderFindings = policy.filter((f) => f.identifier === ORDER_IDENTIFIER);
  // A network that blocks or intercepts DNS is no fault of the names: stop before judging any (exit 3).
  if (identifiers.some((i) => i.type === 'dns')) {
    const root = await probeRoot(profile, ctx.client);
    if (!root.ok) throw new NetworkBlockedError(root.message, root.kind);
  }
  const dns01 = options.dns01;
  const registry = dns01
    ? CHECK_FAMILIES.map((f) => (f.name === 'dns-01' ? createDns01Family(dns01) : f))
    : CHECK_FAMILIES;
  const families = options.families ?? registry;

  // A repeated name is reported once by the policy and checked once.
  const unique = [...new Map(identifiers.map((i) => [i.value, i])).values()];
  const limiter = new Limiter(IDENTIFIERS_IN_FLIGHT);
  const local = options.localAddresses ?? localAddresses();
  const remoteRanges = options.remoteRanges ?? profile.allowAddresses;
  const { onProgress, signal } = options;
  signal?.throwIfAborted();
  let done = 0;
  const checkOne = async (id: Identifier): Promise<{ id: Identifier; findings: Finding[] }> => {
    signal?.throwIfAborted();
    const own = policy.filter((f) => f.identifier === id.value);
    // A name the CA would reject outright is not looked up: the CA would not get that far either.
    if (own.some((f) => f.severity === 'error')) return { id, findings: own };
    // The name's deadline, or the run's if that comes first: the report then says what did not finish.
    const left = Math.min(nameDeadlineMs, runEnds - performance.now());
    const which = nameDeadlineMs <= runEnds - started ? '--name-deadline' : '--run-deadline';
    const bundle = await gatherIdentifier(ctx, id, families, { ms: left, flag: which });
    const vantage = await vantageFindings(ctx, id, settings.challenge, local, remoteRanges);
    return {
      id,
      findings: [
        ...own,
        ...judgeIdentifier(bundle, judgeContext(id, settings, profile), families),
        ...vantage,
      ],
    };
  };
  const perIdentifier = await Promise.all(
    unique.map((id) =>
      limiter.run(async () => {
        const r = await checkOne(id);
        done++;
        onProgress?.({ identifier: id.value, verdict: verdictOf(r.findings), done, total: unique.length });
        return r;
      }),
    ),
  );
  // Queries nobody waits for any more (hedged ones, those past a deadline) end now, not at their timeout.
  ctx.client.close?.();
  signal?.throwIfAborted();

  return buildReport({
    version: VERSION,
    ca: settings.issuerDomain,
    identifiers: perIdentifier.map(({ id, findings }) => ({
      identifier: id.value,
      input: id.input,
      type: id.type,
      challenge: settings.challenge,
      findings,
    })),
    orderFindings,
    durationMs: performance.now() - started,
    dnsQueries: ctx.client.sent,
  });
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
