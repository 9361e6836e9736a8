/** What `acme-preflight hook <kind>` does; src/cli/commands/hook.ts loads this lazily. */
import type { HookCliArgs } from '../../config/args.js';
import type { CommandContext } from '../context.js';
import type { DnsProvider } from '../../../providers/types.js';
import { UsageError } from '../../errors.js';
import { EXIT } from '../../report/report.js';
import { progressPrinter } from '../dns01-run.js';
import { hookSettings, registryProvider, type HookSettings, type ProviderFactory } from './settings.js';
import { placeTxt, removeTxt } from '../../solve/place-txt.js';
import { errorLines, removeToken, resolverAddresses, verifyToken, writeToken } from '../../solve/webroot.js';
import { certbotVars, formatAuthState, parseAuthState } from './certbot.js';
import { parseLegoCall } from './lego.js';
import { IterativeResolver } from '../../dns/iterative.js';
import type { PollSchedule } from '../../solve/schedule.js';
import { escapeControls as esc } from '../../report/escape.js';
import { setTimeout } from 'node:timers/promises';

export interface HookDeps {
  createProvider?: ProviderFactory;
  cwd?: string;
}

/** HTTP-01 tries: a web server may take a moment to see a new file (network filesystems, caches). */
const HTTP_TRIES = 3;
const HTTP_RETRY_MS = 1000;

export async function runHook(args: HookCliArgs, ctx: CommandContext, deps: HookDeps = {}): Promise<number> {
  const env = ctx.io.env;
  const s = hookSettings(args, env, deps.cwd);
  const provider = async (): Promise<DnsProvider> => {
    if (!s.providerCode)
      throw new UsageError(
        'DNS-01 needs a DNS provider: --provider, provider: in the config file, or ACME_PREFLIGHT_PROVIDER',
      );
    return (deps.createProvider ?? registryProvider)(s.providerCode, env, ctx.io);
  };
  const rest = [...(args.args ?? []), ...(args['--'] ?? [])].map(String);
  switch (args.kind) {
    case 'certbot-auth':
      return certbotAuth(ctx, s, provider);
    case 'certbot-cleanup':
      return certbotCleanup(ctx, s, provider);
    case 'lego': {
      const call = parseLegoCall(rest, env);
      const p = await provider();
      if (call.action === 'present') {
        // lego's own settings say how long it waits; an explicit --propagation-timeout still wins.
        const timeoutMs = s.timeoutExplicit ? s.timeoutMs : (call.timeoutMs ?? s.timeoutMs);
        const schedule = call.pollIntervalMs
          ? { initialMs: call.pollIntervalMs, factor: 1, maxMs: call.pollIntervalMs }
          : undefined;
        return dnsPresent(ctx, { ...s, timeoutMs }, p, call.fqdn, call.value, schedule);
      }
      return dnsCleanup(ctx, s, p, call.fqdn, call.value);
    }
  }
}

async function dnsPresent(
  ctx: CommandContext,
  s: HookSettings,
  provider: DnsProvider,
  name: string,
  value: string,
  schedule?: PollSchedule,
): Promise<number> {
  const r = await placeTxt(provider, name, value, {
    profile: s.profile,
    store: s.store,
    timeoutMs: s.timeoutMs,
    schedule,
    onEvent: progressPrinter(ctx.io, s.timeoutMs),
    accountUri: s.accountUri,
    signal: ctx.signals.signal,
  });
  if (!r.ok) {
    ctx.io.err(`acme-preflight: ${esc(String(r.reason))}\n`);
    return EXIT.fail;
  }
  return EXIT.ok;
}

async function dnsCleanup(
  ctx: CommandContext,
  s: HookSettings,
  provider: DnsProvider,
  name: string,
  value: string,
  extra: Parameters<typeof removeTxt>[3]['extra'] = [],
): Promise<number> {
  const r = await removeTxt(provider, name, value, {
    profile: s.profile,
    store: s.store,
    extra,
    accountUri: s.accountUri,
  });
  for (const h of r.removed) ctx.io.err(`Removed ${esc(h.fqdn)} TXT ${esc(JSON.stringify(h.value))}\n`);
  for (const f of r.failed)
    ctx.io.err(
      `acme-preflight: could not remove ${esc(f.handle.fqdn)} TXT ${esc(JSON.stringify(f.handle.value))}: ${esc(f.error)}\n`,
    );
  if (r.removed.length + r.failed.length === 0)
    ctx.io.err(
      `acme-preflight: no record of ${esc(name)} TXT ${esc(JSON.stringify(value))} created by this tool; nothing removed\n`,
    );
  return r.failed.length === 0 ? EXIT.ok : EXIT.fail;
}

async function certbotAuth(
  ctx: CommandContext,
  s: HookSettings,
  provider: () => Promise<DnsProvider>,
): Promise<number> {
  const v = certbotVars(ctx.io.env);
  if (v.token !== undefined) {
    if (!s.webroot) throw new UsageError('HTTP-01 needs --webroot (the directory your web server serves)');
    await writeToken(s.webroot, v.token, v.validation);
    // Printed first, so cleanup can remove the file even if the check below fails.
    ctx.io.out(
      formatAuthState({ acmePreflight: 1, challenge: 'http-01', webroot: s.webroot, token: v.token }),
    );
    const signal = ctx.signals.signal;
    // One resolver for every try: the file may take a moment to appear, the name's addresses do not.
    const resolver = new IterativeResolver(s.profile);
    const addresses = resolverAddresses(s.profile, resolver);
    let check: Awaited<ReturnType<typeof verifyToken>>;
    try {
      check = await verifyToken(v.domain, v.token, v.validation, s.profile, addresses);
      for (let i = 1; i < HTTP_TRIES && !check.ok && !signal.aborted; i++) {
        await setTimeout(HTTP_RETRY_MS, undefined, { signal }).catch(() => undefined);
        if (!signal.aborted) check = await verifyToken(v.domain, v.token, v.validation, s.profile, addresses);
      }
    } finally {
      resolver.client.close?.();
    }
    if (signal.aborted) {
      // Interrupted before certbot was told it is in place: remove it here.
      await removeToken(s.webroot, v.token);
      throw signal.reason;
    }
    if (!check.ok) {
      ctx.io.err(
        `acme-preflight: ${esc(v.domain)} does not serve the token as the CA will fetch it:\n${errorLines(check.findings)}\n`,
      );
      return EXIT.fail;
    }
    ctx.io.err(`acme-preflight: ${esc(v.domain)} serves the HTTP-01 token from every address\n`);
    return EXIT.ok;
  }
  const p = await provider();
  const r = await placeTxt(p, v.domain, v.validation, {
    profile: s.profile,
    store: s.store,
    timeoutMs: s.timeoutMs,
    onEvent: progressPrinter(ctx.io, s.timeoutMs),
    accountUri: s.accountUri,
    signal: ctx.signals.signal,
  });
  ctx.io.out(
    formatAuthState({
      acmePreflight: 1,
      challenge: s.accountUri !== undefined ? 'dns-account-01' : 'dns-01',
      handle: r.result.handle,
    }),
  );
  if (!r.ok) {
    ctx.io.err(`acme-preflight: ${esc(String(r.reason))}\n`);
    return EXIT.fail;
  }
  return EXIT.ok;
}

async function certbotCleanup(
  ctx: CommandContext,
  s: HookSettings,
  provider: () => Promise<DnsProvider>,
): Promise<number> {
  const v = certbotVars(ctx.io.env);
  const state = parseAuthState(v.authOutput);
  if (v.token !== undefined) {
    const webroot = state?.webroot ?? s.webroot;
    if (!webroot) throw new UsageError('HTTP-01 cleanup needs --webroot');
    const file = await removeToken(webroot, v.token);
    ctx.io.err(`Removed ${esc(file)}\n`);
    return EXIT.ok;
  }
  return dnsCleanup(ctx, s, await provider(), v.domain, v.validation, state?.handle ? [state.handle] : []);
}
