/** Builds the agent's configuration from flags and environment and serves until the first SIGINT/SIGTERM. */
import { readFileSync } from 'node:fs';
import { profileFromArgs } from '../config/profile.js';
import { agentTokens } from '../config/perspectives.js';
import { UsageError } from '../errors.js';
import { RIRS } from '../engine/wire.js';
import type { AgentLimits } from '../agent/server.js';
import type { AgentArgs } from './commands/agent.js';
import type { CommandContext } from './context.js';

const file = (path: string, flag: string): Buffer => {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`--${flag} ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
};

function wholeNumber(v: number | undefined, flag: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}`);
  return v;
}

export function listenAddress(spec: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(spec);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 0 || port > 65535)
    throw new UsageError(`--listen ${spec}: give HOST:PORT, e.g. 0.0.0.0:8443 or [::]:8443`);
  return { host: (m[1] ?? m[2])!, port };
}

export function agentLimits(args: AgentArgs): Partial<AgentLimits> {
  const limits: Partial<AgentLimits> = {};
  const set = <K extends keyof AgentLimits>(k: K, v: number | undefined): void => {
    if (v !== undefined) limits[k] = v;
  };
  set('names', wholeNumber(args['max-names'], 'max-names', 1, 100));
  set('bodyBytes', wholeNumber(args['max-body'], 'max-body', 1024, 1024 * 1024));
  const t = wholeNumber(args['time-limit'], 'time-limit', 1, 600);
  set('requestMs', t === undefined ? undefined : t * 1000);
  set('concurrency', wholeNumber(args['max-concurrent'], 'max-concurrent', 1, 64));
  set('perTokenPerMinute', wholeNumber(args['rate-limit'], 'rate-limit', 1, 100_000));
  return limits;
}

export async function runAgent(args: AgentArgs, ctx: CommandContext): Promise<void> {
  const rir = args.rir.toUpperCase();
  if (!(RIRS as readonly string[]).includes(rir))
    throw new UsageError(`--rir ${args.rir}: one of ${RIRS.join(', ')}`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(args.name))
    throw new UsageError(`--name ${args.name}: letters, digits, . _ - (at most 63)`);
  if (!args['tls-cert'] !== !args['tls-key']) throw new UsageError('--tls-cert and --tls-key go together');
  if (args['client-ca'] && !args['tls-cert'])
    throw new UsageError('--client-ca needs --tls-cert and --tls-key');
  const listen = listenAddress(args.listen);
  const tokens = agentTokens(ctx.io.env, args['tokens-file']);
  const tls = args['tls-cert']
    ? {
        cert: file(args['tls-cert'], 'tls-cert'),
        key: file(args['tls-key']!, 'tls-key'),
        ...(args['client-ca'] ? { clientCa: file(args['client-ca'], 'client-ca') } : {}),
      }
    : undefined;
  const { startAgent } = await import('../agent/server.js');
  const agent = await startAgent(
    {
      perspective: args.name,
      rir,
      tokens,
      profile: profileFromArgs(args),
      limits: agentLimits(args),
      ...(tls ? { tls } : {}),
      ...(args['access-log'] ? { log: (l: string) => ctx.io.err(`${l}\n`) } : {}),
    },
    listen,
  );
  ctx.io.err(
    `acme-preflight agent: perspective ${args.name} (${rir}) on ${agent.url}${tls?.clientCa ? ' (mTLS)' : ''}, ${tokens.length} token(s)\n`,
  );
  await ctx.signals.stopped();
  await agent.close();
}
