/** The library's main entry: identifiers in, a report out. */
import { performance } from 'node:perf_hooks';
import { defaultProfile, type NetworkProfile } from '../profile.js';
import type { Challenge, Finding } from '../report/finding.js';
import { buildReport, type Report } from '../report/report.js';
import { finding } from '../report/catalogue.js';
import { VERSION } from '../version.js';
import { UsageError } from '../errors.js';
import type { Identifier } from '../identifiers.js';
import type { Lookup } from '../dns/api.js';
import { CachingDnsClient, Limiter } from '../dns/client.js';
import { IterativeResolver } from '../dns/iterative.js';
import { ResolverPool } from '../dns/pool.js';
import { parseIdentifier, identifierPolicyFindings, ORDER_IDENTIFIER } from '../checks/identifiers.js';
import type { CheckFamily, CheckSettings, EngineContext } from './context.js';
import { CHECK_FAMILIES } from './registry.js';
import { createDns01Family, type Dns01FamilyOptions } from './families/dns01.js';

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
  const settings: CheckSettings = {
    challenge: options.challenge ?? 'http-01',
    issuerDomain: options.ca ?? DEFAULT_ISSUER_DOMAIN,
    accountUri: options.accountUri,
    now: options.now ?? new Date(),
    skip: new Set(options.skip ?? []),
    webroot: options.webroot,
  };
  const client = new CachingDnsClient(profile);
  const resolver = new IterativeResolver(profile, client);
  const pool = new ResolverPool(profile, client);
  const lookups = new Map<string, Promise<{ a: Lookup; aaaa: Lookup }>>();
  const ctx: EngineContext = {
    profile,
    settings,
    resolver,
    client,
    askResolvers: (name, type, opts) => pool.ask(name, type, opts),
    addressLookups(name) {
      let p = lookups.get(name);
      if (!p) {
        p = Promise.all([resolver.resolve(name, 'A'), resolver.resolve(name, 'AAAA')]).then(([a, aaaa]) => ({
          a,
          aaaa,
        }));
        lookups.set(name, p);
      }
      return p;
    },
  };

  const policy = identifierPolicyFindings(identifiers, settings.challenge, {
    extraPublicSuffixes: profile.extraPublicSuffixes,
    allowAddresses: profile.allowAddresses,
  });
  const orderFindings = policy.filter((f) => f.identifier === ORDER_IDENTIFIER);
  const dns01 = options.dns01;
  const registry = dns01
    ? CHECK_FAMILIES.map((f) => (f.name === 'dns-01' ? createDns01Family(dns01) : f))
    : CHECK_FAMILIES;
  const families = (options.families ?? registry).filter((f) => !settings.skip.has(f.name));

  // A repeated name is reported once by the policy and checked once.
  const unique = [...new Map(identifiers.map((i) => [i.value, i])).values()];
  const limiter = new Limiter(IDENTIFIERS_IN_FLIGHT);
  const perIdentifier = await Promise.all(
    unique.map((id) =>
      limiter.run(async () => {
        const own = policy.filter((f) => f.identifier === id.value);
        // A name the CA would reject outright is not looked up: the CA would not get that far either.
        if (own.some((f) => f.severity === 'error')) return { id, findings: own };
        const results = await Promise.all(
          families.filter((f) => f.applies(id, settings)).map((f) => runFamily(f, ctx, id)),
        );
        return { id, findings: [...own, ...results.flat()] };
      }),
    ),
  );

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
    dnsQueries: client.sent,
  });
}

/** A family that throws must not take the report down: it becomes a finding saying what did not run. */
async function runFamily(family: CheckFamily, ctx: EngineContext, id: Identifier): Promise<Finding[]> {
  try {
    return await family.run(ctx, id);
  } catch (e) {
    return [
      finding('CHECK_INCOMPLETE', id.value, {
        title: `The ${family.name} checks could not run for ${id.value}`,
        detail: `${family.name}: ${e instanceof Error ? e.message : String(e)}`,
        evidence: [{ source: 'acme-preflight', answer: e instanceof Error ? e.name : 'error' }],
        remediation: 'Run again; if it persists, report it with this output.',
      }),
    ];
  }
}
