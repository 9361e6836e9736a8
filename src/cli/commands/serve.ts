import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { networkOptions, type NetworkArgs } from '../options.js';

export interface ServeArgs extends NetworkArgs {
  host: string;
  port: number;
  lab?: boolean;
  'names-per-check'?: number;
  'checks-per-minute'?: number;
  'requests-per-minute'?: number;
  'max-checks'?: number;
  'max-waiting'?: number;
  'check-timeout'?: number;
  'result-ttl'?: number;
  'max-body'?: number;
  'trust-proxy'?: boolean;
  queue?: string;
}

/** Limit flags: name, what it bounds, and the smallest and largest value accepted. */
const LIMITS = {
  'names-per-check': ['Names in one check (default 20; the CA allows 100 per order)', 1, 100],
  'checks-per-minute': ['Checks one client address may start per minute (default 10)', 1, 10_000],
  'requests-per-minute': ['Requests of any kind per client address per minute (default 300)', 1, 100_000],
  'max-checks': ['Checks running at once in this process (default 4)', 1, 256],
  'max-waiting': ['Checks waiting for a slot; more are refused with 503 (default 50)', 0, 10_000],
  'check-timeout': ['Seconds one check may take (default 60)', 1, 600],
  'result-ttl': ['Seconds a result is kept; then its permalink answers 404 (default 3600)', 1, 7 * 86400],
  'max-body': ['Largest request body in bytes (default 16384)', 256, 1024 * 1024],
} as const;

export function serveCommand(
  ctx: CommandContext,
  deps: { until?: () => Promise<void> } = {},
): CommandModule<object, ServeArgs> {
  return {
    command: 'serve',
    describe: 'Serve the web page and the HTTP API (POST /v1/checks) until Ctrl-C',
    builder: (y) => {
      let b = networkOptions(
        y
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to listen on' })
          .option('port', { type: 'number', default: 8080, describe: 'Port to listen on' })
          .option('lab', {
            type: 'boolean',
            describe:
              'LABS ONLY: honour --allow-address, letting checks reach reserved (private, loopback) ranges. Never on a public instance.',
          })
          .option('trust-proxy', {
            type: 'boolean',
            describe: 'Take the client address from X-Forwarded-For (only behind your own reverse proxy)',
          }),
      );
      for (const [flag, [describe]] of Object.entries(LIMITS))
        b = b.option(flag, { type: 'number', group: 'Limits:', describe }) as typeof b;
      return b;
    },
    handler: async (args) => {
      const [{ UsageError }, { profileFromArgs }, { servicePolicy }, { buildServer }] = await Promise.all([
        import('../../errors.js'),
        import('../../config/profile.js'),
        import('../../service/limits.js'),
        import('../../serve/app.js'),
      ]);
      if (args['allow-address']?.length && !args.lab)
        throw new UsageError(
          'serve never lets a check reach reserved addresses; --allow-address needs --lab (labs only, never public)',
        );
      for (const [flag, [, min, max]] of Object.entries(LIMITS)) {
        const v = args[flag as keyof typeof LIMITS];
        if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max))
          throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}`);
      }
      if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
        throw new UsageError('--port must be a port number from 0 to 65535');
      const profile = servicePolicy(profileFromArgs(args), { lab: args.lab ?? false });
      const limits = {
        ...(args['names-per-check'] !== undefined ? { namesPerRequest: args['names-per-check'] } : {}),
        ...(args['checks-per-minute'] !== undefined ? { checksPerMinute: args['checks-per-minute'] } : {}),
        ...(args['requests-per-minute'] !== undefined
          ? { requestsPerMinute: args['requests-per-minute'] }
          : {}),
        ...(args['max-checks'] !== undefined ? { concurrency: args['max-checks'] } : {}),
        ...(args['max-waiting'] !== undefined ? { queueDepth: args['max-waiting'] } : {}),
        ...(args['check-timeout'] !== undefined ? { workTimeoutMs: args['check-timeout'] * 1000 } : {}),
        ...(args['result-ttl'] !== undefined ? { resultTtlMs: args['result-ttl'] * 1000 } : {}),
        ...(args['max-body'] !== undefined ? { bodyBytes: args['max-body'] } : {}),
      };
      const app = await buildServer({ profile, lab: args.lab, limits, trustProxy: args['trust-proxy'] });
      let address: string;
      try {
        address = await app.listen({ host: args.host, port: args.port });
      } catch (e) {
        await app.close();
        throw new UsageError(
          `cannot listen on ${args.host}:${args.port}: ${(e as NodeJS.ErrnoException).code ?? e}`,
        );
      }
      ctx.io.out(
        `Serving acme-preflight on ${address}/ (API: ${address}/v1/checks)${args.lab ? ' [lab mode]' : ''}\n`,
      );
      await (deps.until ?? (() => ctx.signals.stopped()))();
      await app.close();
    },
  };
}
