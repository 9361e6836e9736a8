import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { networkOptions, type NetworkArgs } from '../options.js';

export interface WorkerArgs extends NetworkArgs {
  queue: string;
  'queue-prefix'?: string;
  'stalled-after'?: number;
  lab?: boolean;
}

/** `acme-preflight worker`: runs the checks `serve --queue` and enqueueChecks() put on Redis. */
export function workerCommand(
  ctx: CommandContext,
  deps: { until?: () => Promise<void> } = {},
): CommandModule<object, WorkerArgs> {
  return {
    command: 'worker',
    describe: 'Run queued checks (BullMQ on Redis) from serve --queue or enqueueChecks(), until Ctrl-C',
    builder: (y) =>
      networkOptions(
        y
          .option('queue', {
            type: 'string',
            demandOption: true,
            describe:
              'Redis holding the queue: redis://[user:password@]host[:port][/db] or rediss:// (password also from ACME_PREFLIGHT_REDIS_PASSWORD)',
          })
          .option('queue-prefix', {
            type: 'string',
            describe: 'Redis key prefix of the queue, as given to serve (default acme-preflight)',
          })
          .option('stalled-after', {
            type: 'number',
            describe:
              'Seconds without a heartbeat after which a dead worker’s check is given to another worker (default 30)',
          })
          .option('lab', {
            type: 'boolean',
            describe:
              'LABS ONLY: honour --allow-address, letting checks reach reserved (private, loopback) ranges. Never on a queue others can fill.',
          }),
      )
        // Here --concurrency is checks at once; each check keeps the default DNS concurrency.
        .option('concurrency', {
          type: 'number',
          describe: 'Checks this worker runs at once (default 4)',
        }),
    handler: async (args) => {
      const { runWorker } = await import('../worker-run.js');
      await runWorker(args, ctx, deps.until);
    },
  };
}
