/**
 * A perspective's evidence for a list of names, as plain data: what an agent gathers in its network and the
 * primary judges with the same pure judges it uses for its own evidence.
 */
import { performance } from 'node:perf_hooks';
import type { NetworkProfile } from '../profile.js';
import type { Challenge } from '../report/finding.js';
import { buildReport, type Report } from '../report/report.js';
import { identifierPolicyFindings, ORDER_IDENTIFIER } from '../checks/identifiers.js';
import { Limiter } from '../dns/client.js';
import { VERSION } from '../version.js';
import type { CheckSettings } from './context.js';
import { createEngineContext, judgeContext } from './create-context.js';
import { gatherIdentifier, judgeIdentifier, type EvidenceBundle } from './evidence.js';
import { CHECK_FAMILIES } from './registry.js';
import { DEFAULT_ISSUER_DOMAIN, IDENTIFIERS_IN_FLIGHT, parseIdentifiers } from './preflight.js';
import { ensureDnsReachable, type RootProber } from './root-probe.js';

export interface GatheredIdentifier {
  /** As checked (A-label, wildcard kept). */
  identifier: string;
  /** Evidence per family; empty for a name the CA's policy rejects before any lookup. */
  bundle: EvidenceBundle;
}

export interface GatheredNames {
  names: GatheredIdentifier[];
  dnsQueries: number;
  durationMs: number;
}

export interface GatherSettings {
  challenge: Challenge;
  ca?: string;
  accountUri?: string;
  /** Families not to gather. */
  skip?: readonly string[];
}

const settingsOf = (s: GatherSettings, now: Date): CheckSettings => ({
  challenge: s.challenge,
  issuerDomain: s.ca ?? DEFAULT_ISSUER_DOMAIN,
  accountUri: s.accountUri,
  now,
  skip: new Set(s.skip ?? []),
});

/** I/O only: every applicable family's gatherer for every name, from this network. */
export async function gatherNames(
  names: readonly string[],
  s: GatherSettings,
  profile: NetworkProfile,
  /** How the DNS root is probed first (default: asked every time). */
  probe?: RootProber,
): Promise<GatheredNames> {
  const started = performance.now();
  const identifiers = parseIdentifiers(names);
  const settings = settingsOf(s, new Date());
  const ctx = createEngineContext(profile, settings);
  const hasDnsNames = identifiers.some((i) => i.type === 'dns');
  await ensureDnsReachable(hasDnsNames, profile, ctx.client, probe);
  const policy = identifierPolicyFindings(identifiers, settings.challenge, {
    extraPublicSuffixes: profile.extraPublicSuffixes,
    allowAddresses: profile.allowAddresses,
  });
  const unique = [...new Map(identifiers.map((i) => [i.value, i])).values()];
  const rejected = new Set(policy.filter((f) => f.severity === 'error').map((f) => f.identifier));
  const limiter = new Limiter(IDENTIFIERS_IN_FLIGHT);
  const gathered = await Promise.all(
    unique.map((id) =>
      limiter.run(async (): Promise<GatheredIdentifier> => {
        // The CA would not look up a name its policy rejects; neither does a perspective.
        return {
          identifier: id.value,
          bundle: rejected.has(id.value) ? {} : await gatherIdentifier(ctx, id, CHECK_FAMILIES),
        };
      }),
    ),
  );
  return { names: gathered, dnsQueries: ctx.client.sent, durationMs: performance.now() - started };
}

/**
 * Pure: a perspective's report from its evidence, judged as the primary judges its own (same judges, same
 * settings, the primary's policy). A name the perspective has no evidence for is left out.
 */
export function judgeGathered(
  names: readonly string[],
  gathered: GatheredNames,
  s: GatherSettings,
  profile: NetworkProfile,
  now: Date,
): Report {
  const identifiers = parseIdentifiers(names);
  const settings = settingsOf(s, now);
  const policy = identifierPolicyFindings(identifiers, settings.challenge, {
    extraPublicSuffixes: profile.extraPublicSuffixes,
    allowAddresses: profile.allowAddresses,
  });
  const byName = new Map(gathered.names.map((g) => [g.identifier, g.bundle]));
  const policyOf = new Map<string, typeof policy>();
  for (const f of policy) policyOf.set(f.identifier, [...(policyOf.get(f.identifier) ?? []), f]);
  const unique = [...new Map(identifiers.map((i) => [i.value, i])).values()];
  const judged = unique.flatMap((id) => {
    const bundle = byName.get(id.value);
    if (!bundle) return [];
    const own = policyOf.get(id.value) ?? [];
    const findings = own.some((f) => f.severity === 'error')
      ? own
      : [...own, ...judgeIdentifier(bundle, judgeContext(id, settings, profile), CHECK_FAMILIES)];
    return [
      { identifier: id.value, input: id.input, type: id.type, challenge: settings.challenge, findings },
    ];
  });
  return buildReport({
    version: VERSION,
    ca: settings.issuerDomain,
    identifiers: judged,
    orderFindings: policy.filter((f) => f.identifier === ORDER_IDENTIFIER),
    durationMs: gathered.durationMs,
    dnsQueries: gathered.dnsQueries,
    now,
  });
}
