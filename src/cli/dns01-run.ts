/** What `acme-preflight dns01 ...` does; the yargs module (src/cli/commands/dns01.ts) loads this lazily. */
import { performance } from 'node:perf_hooks';
import type { CommandContext } from './context.js';
import type { Dns01Args } from '../config/args.js';
import type { DnsProvider } from '../../providers/types.js';
import { registryProvider } from './provider.js';
import { UsageError } from '../errors.js';
import { EXIT, buildReport } from '../report/report.js';
import { VERSION } from '../version.js';
import { profileFromArgs } from '../config/profile.js';
import { renderReport } from './render.js';
import { CachingDnsClient } from '../dns/client.js';
import { IterativeResolver } from '../dns/iterative.js';
import { endpointLabel } from '../dns/types.js';
import { DEFAULT_ISSUER_DOMAIN } from '../engine/preflight.js';
import { cleanup, present, verify, type Dns01Options, type OnCreated } from '../solve/dns01.js';
import { statusLine, type StatusLine, type StatusWait } from './status.js';
import { RecordStore, defaultStatePath } from '../solve/store.js';
import {
  DEFAULT_PROPAGATION_TIMEOUT_MS,
  describeTargets,
  type PropagationEvent,
} from '../solve/propagation.js';
import { escapeControls as esc } from '../report/escape.js';

/**
 * Propagation progress on stderr: a line per zone and per server that starts serving the value, the result,
 * and between them a live status line (on a terminal, after 2 s) with the count, elapsed time and limit.
 */
export function progressPrinter(
  io: CommandContext['io'],
  limitMs?: number,
  status: StatusLine = statusLine(io),
): (e: PropagationEvent) => void {
  let total = 0;
  let zone = '';
  let wait: StatusWait | undefined;
  const awaited = (seen: number): string =>
    `Waiting for ${total} server${total === 1 ? '' : 's'} of ${zone} to serve it (${seen}/${total})`;
  const line = (text: string): void => {
    status.clear();
    io.err(text);
  };
  return (e) => {
    switch (e.type) {
      case 'zone':
        total = e.targets.length;
        zone = e.zone;
        line(
          `Watching ${total} server${total === 1 ? '' : 's'} of ${esc(e.zone)}: ${esc(e.targets.map((t) => endpointLabel(t.server)).join(', '))}\n`,
        );
        wait = status.begin(awaited(0), limitMs);
        break;
      case 'round':
        wait?.update(awaited(total - e.pending));
        break;
      case 'seen':
        wait?.update(awaited(e.seen));
        line(
          `${esc(endpointLabel(e.target.server))} serves it after ${e.elapsedMs} ms (${e.seen}/${e.total})\n`,
        );
        break;
      case 'done':
        wait?.end();
        if (e.result.complete) line(`Visible everywhere after ${e.result.completedMs} ms\n`);
        else
          line(
            `Not visible everywhere: ${esc(e.result.error ?? '') || `gave up after ${e.result.elapsedMs} ms`}\n`,
          );
        break;
    }
  };
}

async function loadProvider(code: string | undefined, ctx: CommandContext): Promise<DnsProvider> {
  if (!code) throw new UsageError('--provider is required for present and cleanup');
  return registryProvider(code, ctx.io.env, ctx.io);
}

const json = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';

/** The options every action shares, checked: a bad flag or state file fails before any provider call. */
function dns01Options(args: Dns01Args, ctx: CommandContext) {
  const profile = profileFromArgs(args);
  const client = new CachingDnsClient(profile);
  const resolver = new IterativeResolver(profile, client);
  const timeout = args['propagation-timeout'];
  if (timeout !== undefined && !(timeout > 0 && timeout <= 3600))
    throw new UsageError('--propagation-timeout must be between 0 and 3600 seconds');
  const statePath = args['state-file'] ?? defaultStatePath(ctx.io.env);
  const challenge = args.challenge ?? 'dns-01';
  const accountUri = challenge === 'dns-account-01' ? args['account-uri'] : undefined;
  if (challenge === 'dns-account-01' && !accountUri)
    throw new UsageError(
      '--challenge dns-account-01 needs --account-uri URL (the record name depends on it)',
    );
  const opts: Dns01Options = {
    profile,
    resolver,
    // A broken state file is a usage error before the provider is asked anything.
    store: args.action === 'verify' ? new RecordStore(statePath) : new RecordStore(statePath).check(),
    timeoutMs: timeout !== undefined ? timeout * 1000 : DEFAULT_PROPAGATION_TIMEOUT_MS,
    includeResolvers: args['public-resolvers'],
    onEvent:
      args.format === 'text'
        ? progressPrinter(ctx.io, timeout !== undefined ? timeout * 1000 : DEFAULT_PROPAGATION_TIMEOUT_MS)
        : undefined,
    signal: ctx.signals.signal,
    ...(accountUri !== undefined ? { accountUri } : {}),
  };
  return { opts, client, challenge };
}

export async function runDns01(args: Dns01Args, ctx: CommandContext): Promise<number> {
  const { opts, client, challenge } = dns01Options(args, ctx);
  const started = performance.now();

  switch (args.action) {
    case 'verify': {
      const expect = args.expect ?? args.value;
      if (!expect) throw new UsageError('verify needs the expected value: --expect VALUE');
      const r = await verify(args.name, expect, opts);
      const report = buildReport({
        version: VERSION,
        ca: DEFAULT_ISSUER_DOMAIN,
        identifiers: [
          {
            identifier: r.identifier,
            input: args.name,
            type: 'dns',
            challenge,
            findings: r.judgement.findings,
          },
        ],
        orderFindings: [],
        durationMs: performance.now() - started,
        dnsQueries: client.sent,
      });
      ctx.io.out(renderReport(report, args, ctx.io));
      return r.ok ? EXIT.ok : EXIT.fail;
    }
    case 'present': {
      if (!args.value) throw new UsageError('present needs the TXT value: dns01 present <name> <value>');
      const provider = await loadProvider(args.provider, ctx);
      const text = args.format !== 'json';
      // Printed when the record exists, before the wait's lines: the output follows what happens.
      const onCreated: OnCreated = (c) =>
        ctx.io.out(
          `Created ${esc(c.effective)} TXT ${esc(JSON.stringify(args.value))} through ${provider.name}${c.effective !== c.fqdn ? ` (${esc(c.fqdn)} is a CNAME to it)` : ''}\n`,
        );
      const r = await present(provider, args.name, args.value, {
        ...opts,
        wait: args.wait !== false,
        ...(text ? { onCreated } : {}),
      });
      const ok = !r.propagation || r.propagation.complete;
      if (!text) ctx.io.out(json({ schemaVersion: 1, action: 'present', ok, ...r }));
      else if (r.propagation)
        ctx.io.out(
          describeTargets(r.propagation)
            .map((l) => `  ${esc(l)}\n`)
            .join(''),
        );
      return ok ? EXIT.ok : EXIT.fail;
    }
    case 'cleanup': {
      const provider = await loadProvider(args.provider, ctx);
      const r = await cleanup(provider, args.name, { ...opts, stale: args.stale });
      if (args.format === 'json')
        ctx.io.out(json({ schemaVersion: 1, action: 'cleanup', ok: r.failed.length === 0, ...r }));
      else ctx.io.out(cleanupText(r));
      return r.failed.length === 0 ? EXIT.ok : EXIT.fail;
    }
  }
}

function cleanupText(r: Awaited<ReturnType<typeof cleanup>>): string {
  const lines = [
    ...r.removed.map((h) => `Removed ${esc(h.fqdn)} TXT ${esc(JSON.stringify(h.value))}`),
    ...r.failed.map(
      (f) =>
        `Could not remove ${esc(f.handle.fqdn)} TXT ${esc(JSON.stringify(f.handle.value))}: ${esc(f.error)}`,
    ),
    ...r.unmanaged.map(
      (v) => `Left alone (not created by this tool's state file): TXT ${esc(JSON.stringify(v))}`,
    ),
  ];
  return (lines.length ? lines : ['Nothing to remove']).join('\n') + '\n';
}
