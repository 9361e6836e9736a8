/** What `acme-preflight persist-record` does; the yargs module loads this lazily. */
import { UsageError } from '../errors.js';
import { EXIT } from '../report/report.js';
import { escapeControls as esc } from '../report/escape.js';
import { issuerDomainFor } from '../config/ca.js';
import { profileFromArgs } from '../config/profile.js';
import { CachingDnsClient } from '../dns/client.js';
import { IterativeResolver } from '../dns/iterative.js';
import { describeTargets, DEFAULT_PROPAGATION_TIMEOUT_MS } from '../solve/propagation.js';
import { progressPrinter } from './dns01-run.js';
import { applyPersistRecord, persistRecords, type AppliedPersistRecord } from '../solve/persist-record.js';
import type { CommandContext } from './context.js';
import type { PersistRecordArgs } from './commands/persist-record.js';

/** --persist-until: a date (midnight UTC), an ISO 8601 time, or Unix seconds. */
export function parsePersistUntil(v: string): number {
  const s = v.trim();
  if (/^-?\d+$/.test(s)) return Number(s);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s;
  const ms = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms))
    throw new UsageError(`--persist-until ${v}: give YYYY-MM-DD, an ISO 8601 time or Unix seconds`);
  return Math.floor(ms / 1000);
}

const STANDING =
  'This is a standing record: it authorises the account until it is deleted (or persistUntil passes). acme-preflight never removes it, and `dns01 cleanup` leaves it alone.';

export async function runPersistRecord(args: PersistRecordArgs, ctx: CommandContext): Promise<number> {
  const accountUri = args['account-uri'];
  if (!accountUri)
    throw new UsageError('persist-record needs --account-uri URL (the ACME account the record authorises)');
  if (args.apply && !args.provider)
    throw new UsageError('--apply needs --provider CODE (see `acme-preflight providers`)');
  const timeout = args['propagation-timeout'];
  if (timeout !== undefined && !(timeout > 0 && timeout <= 3600))
    throw new UsageError('--propagation-timeout must be between 0 and 3600 seconds');
  const issuerDomain = issuerDomainFor(args.ca) ?? 'letsencrypt.org';
  const records = persistRecords(args.names.map(String), {
    accountUri,
    wildcard: args.wildcard,
    persistUntil: args['persist-until'] !== undefined ? parsePersistUntil(args['persist-until']) : undefined,
    issuerDomain,
  });

  if (!args.apply) {
    if (args.format === 'json') ctx.io.out(JSON.stringify({ schemaVersion: 1, records }, null, 2) + '\n');
    else
      for (const r of records)
        ctx.io.out(
          `${r.zoneLine}\nvalue: ${r.value}\n${args.provider ? 'Add --apply to create it through the provider.\n' : ''}`,
        );
    return EXIT.ok;
  }

  const { createProvider } = await import('../../providers/registry.js');
  const { ProviderConfigError } = await import('../../providers/types.js');
  let provider;
  try {
    provider = await createProvider(args.provider!, ctx.io.env, {
      output: { write: (t: string) => ctx.io.err(t) },
    });
  } catch (e) {
    if (e instanceof ProviderConfigError) throw new UsageError(e.message);
    throw e;
  }
  const profile = profileFromArgs(args);
  const resolver = new IterativeResolver(profile, new CachingDnsClient(profile));
  const results: AppliedPersistRecord[] = [];
  for (const record of records) {
    if (args.format === 'text') ctx.io.out(`${record.zoneLine}\nvalue: ${record.value}\n`);
    const r = await applyPersistRecord(provider, record, {
      profile,
      resolver,
      accountUri,
      issuerDomain,
      timeoutMs: timeout !== undefined ? timeout * 1000 : DEFAULT_PROPAGATION_TIMEOUT_MS,
      onEvent:
        args.format === 'text'
          ? progressPrinter(ctx.io, timeout !== undefined ? timeout * 1000 : DEFAULT_PROPAGATION_TIMEOUT_MS)
          : undefined,
    });
    results.push(r);
    if (args.format === 'text') ctx.io.out(describeApplied(r, provider.name));
  }
  if (args.format === 'json')
    ctx.io.out(
      JSON.stringify(
        {
          schemaVersion: 1,
          standing: true,
          results: results.map((r) => ({
            ...r,
            judgement: r.judgement && {
              valid: r.judgement.valid,
              problem: r.judgement.problem,
              findings: r.judgement.findings,
            },
          })),
        },
        null,
        2,
      ) + '\n',
    );
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.fail;
}

function describeApplied(r: AppliedPersistRecord, provider: string): string {
  const lines: string[] = [];
  const at =
    r.effective !== r.record.name ? `${r.effective} (${r.record.name} is a CNAME to it)` : r.effective;
  if (r.error && !r.propagation) return `Could not create ${esc(at)} through ${provider}: ${esc(r.error)}\n`;
  lines.push(
    r.created
      ? `Created ${esc(at)} TXT ${JSON.stringify(r.record.value)} through ${provider}.`
      : `${esc(at)} already serves this value on every authoritative server; nothing created.`,
  );
  lines.push(STANDING);
  if (r.propagation) {
    lines.push(
      r.propagation.complete
        ? `Served by every authoritative server of ${esc(r.propagation.zone ?? 'the zone')} (${r.propagation.targets.length}):`
        : `Not served everywhere: ${esc(r.error ?? '')}`,
    );
    lines.push(...describeTargets(r.propagation).map((l) => `  ${esc(l)}`));
  }
  if (r.judgement) {
    const j = r.judgement;
    lines.push(
      j.valid
        ? `The CA would accept it for ${r.record.identifiers.join(', ')}.`
        : `The CA would refuse it: ${j.problem?.type}: ${esc(j.problem?.detail ?? '')}`,
    );
    for (const f of j.findings)
      if (f.severity !== 'info') lines.push(`  ${f.severity}: ${f.code}: ${esc(f.detail)}`);
  }
  return lines.join('\n') + '\n';
}
