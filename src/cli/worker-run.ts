/** `acme-preflight worker`: connects to the queue, runs checks until SIGINT/SIGTERM, then stops cleanly. */
import { profileFromArgs } from '../config/profile.js';
import { UsageError } from '../errors.js';
import { DEFAULT_PREFIX, parseQueueUrl, startWorker } from '../queue/index.js';
import { servicePolicy } from '../service/limits.js';
import type { WorkerArgs } from './commands/worker.js';
import type { CommandContext } from './context.js';

/** `--queue-prefix`: Redis key characters only, so one fleet's keys cannot spill into another's. */
export function queuePrefix(value: string | undefined): string {
  if (value === undefined) return DEFAULT_PREFIX;
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value))
    throw new UsageError('--queue-prefix must be 1 to 64 letters, digits, _ . or -');
  return value;
}

function whole(v: number | undefined, flag: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}`);
  return v;
}

export async function runWorker(
  args: WorkerArgs,
  ctx: CommandContext,
  until: () => Promise<unknown> = () => ctx.signals.stopped(),
): Promise<void> {
  if (args['allow-address']?.length && !args.lab)
    throw new UsageError(
      'worker never lets a check reach reserved addresses; --allow-address needs --lab (labs only)',
    );
  const target = parseQueueUrl(args.queue, { password: ctx.io.env.ACME_PREFLIGHT_REDIS_PASSWORD });
  const concurrency = whole(args.concurrency, 'concurrency', 1, 256) ?? 4;
  const stalled = whole(args['stalled-after'], 'stalled-after', 1, 3600);
  // --concurrency is the worker's, not the DNS client's.
  const profile = servicePolicy(profileFromArgs({ ...args, concurrency: undefined }), {
    lab: args.lab ?? false,
  });
  const worker = await startWorker({
    connection: target.connection,
    concurrency,
    profile,
    prefix: queuePrefix(args['queue-prefix']),
    ...(stalled ? { stalledAfterMs: stalled * 1000 } : {}),
    secrets: target.secrets,
    log: (line) => ctx.io.err(`acme-preflight worker: ${line}\n`),
  });
  const stopped = until();
  await Promise.race([worker.ready(), stopped]);
  ctx.io.out(
    `Worker ${worker.id} taking checks from ${target.display} (${concurrency} at once)${args.lab ? ' [lab mode]' : ''}\n`,
  );
  await stopped;
  ctx.io.err('acme-preflight worker: stopping after the running checks (signal again to leave them)\n');
  // A second signal ends the process at once (the signal owner): the running checks' locks lapse and
  // other workers take them.
  await worker.close();
}
