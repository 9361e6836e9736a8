/**
 * `serve --queue`: checks go to BullMQ in Redis and workers anywhere run them; the API reads the stored
 * results, so its answers are those of in-process checks (LocalChecks). One job per check, id = check id.
 */
import { parseIdentifiers } from '../engine/preflight.js';
import { CheckQueue, type CheckJobData, type CheckResult } from '../queue/index.js';
import type { ServiceLimits } from '../service/limits.js';
import {
  BusyError,
  emptyProgress,
  newCheckId,
  type CheckEvent,
  type CheckRequest,
  type CheckStore,
  type CheckView,
} from './checks.js';

export interface QueueChecksOptions {
  queue: CheckQueue;
  limits: Pick<ServiceLimits, 'queueDepth' | 'workTimeoutMs'>;
  resultTtlMs: number;
}

/** How often a watched check is read again, in case its end event was missed (Redis restarted). */
const WATCH_POLL_MS = 1000;

export class QueueChecks implements CheckStore {
  private readonly watchers = new Map<string, Set<(e: CheckEvent) => void>>();
  private readonly unsubscribe: () => void;
  private readonly poller: NodeJS.Timeout;

  constructor(private readonly opts: QueueChecksOptions) {
    this.unsubscribe = opts.queue.subscribe((e) => {
      const ls = this.watchers.get(e.jobId);
      if (!ls) return;
      if (e.type === 'progress') for (const l of ls) l({ type: 'progress', progress: e.progress });
      else void this.endIfDone(e.jobId);
    });
    this.poller = setInterval(() => {
      for (const id of this.watchers.keys()) void this.endIfDone(id);
    }, WATCH_POLL_MS);
    this.poller.unref();
  }

  async submit(request: CheckRequest): Promise<CheckView> {
    // A name that cannot be an identifier is the client's error, before anything is queued.
    const total = new Set(parseIdentifiers(request.names).map((i) => i.value)).size;
    if ((await this.opts.queue.counts()).queued >= this.opts.limits.queueDepth) throw new BusyError();
    const id = newCheckId();
    const createdAt = new Date().toISOString();
    const data: CheckJobData = {
      requestId: id,
      ...request,
      evidence: 'all',
      timeoutMs: this.opts.limits.workTimeoutMs,
      resultTtlS: Math.max(1, Math.round(this.opts.resultTtlMs / 1000)),
      createdAt,
    };
    await this.opts.queue.add([{ id, data }]);
    return { id, status: 'queued', request, progress: emptyProgress(total), createdAt };
  }

  async get(id: string): Promise<CheckView | undefined> {
    const result = await this.opts.queue.results.get(id);
    if (result) return viewOf(result);
    const job = await this.opts.queue.state(id);
    if (!job) return undefined;
    const { data } = job;
    const request = requestOf(data);
    const total = new Set(data.names).size;
    return {
      id,
      status: job.state === 'active' ? 'running' : 'queued',
      request,
      progress: job.progress ?? emptyProgress(total),
      createdAt: data.createdAt,
    };
  }

  watch(id: string, listener: (e: CheckEvent) => void): () => void {
    let ls = this.watchers.get(id);
    if (!ls) this.watchers.set(id, (ls = new Set()));
    ls.add(listener);
    return () => {
      ls.delete(listener);
      if (ls.size === 0) this.watchers.delete(id);
    };
  }

  load(): Promise<{ running: number; queued: number }> {
    return this.opts.queue.counts();
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    this.unsubscribe();
    this.watchers.clear();
    await this.opts.queue.close();
  }

  private async endIfDone(id: string): Promise<void> {
    const result = await this.opts.queue.results.get(id).catch(() => undefined);
    const ls = this.watchers.get(id);
    if (!result || !ls) return;
    this.watchers.delete(id);
    const view = viewOf(result);
    for (const l of ls) l({ type: 'end', view });
  }
}

const requestOf = (d: Partial<CheckJobData>): CheckRequest => ({
  names: d.names ?? [],
  challenge: d.challenge ?? 'http-01',
  ...(d.ca ? { ca: d.ca } : {}),
  ...(d.accountUri ? { accountUri: d.accountUri } : {}),
  ...(d.skip?.length ? { skip: d.skip } : {}),
});

function viewOf(r: CheckResult): CheckView {
  return {
    id: r.jobId,
    status: r.status,
    request: requestOf(r),
    progress: r.progress,
    ...(r.report ? { report: r.report } : {}),
    ...(r.error ? { error: r.error } : {}),
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    expiresAt: r.expiresAt,
  };
}
