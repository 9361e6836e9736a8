/**
 * Checks as jobs: what the API submits, what a client reads back. `LocalChecks` runs them in this process
 * under the service limits; a queue-backed store (BullMQ, for fleets) implements the same `CheckStore`.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { parseIdentifiers, preflight, type PreflightProgress } from '../engine/preflight.js';
import { rememberedProbe } from '../engine/root-probe.js';
import type { NetworkProfile } from '../profile.js';
import type { Challenge, Verdict } from '../report/finding.js';
import type { Report } from '../report/report.js';
import { WorkGate, type ServiceLimits } from '../service/limits.js';

export interface CheckRequest {
  names: string[];
  challenge: Challenge;
  /** CAA issuer domain. */
  ca?: string;
  accountUri?: string;
  /** Check families to leave out. */
  skip?: string[];
}

export type CheckStatus = 'queued' | 'running' | 'done' | 'failed';

export interface CheckProgress {
  done: number;
  total: number;
  /** Names finished so far, in the order they finished. */
  finished: { identifier: string; verdict: Verdict }[];
}

export interface CheckView {
  id: string;
  status: CheckStatus;
  request: CheckRequest;
  progress: CheckProgress;
  report?: Report;
  /** Why a failed check has no report (timed out, could not run). */
  error?: string;
  createdAt: string;
  finishedAt?: string;
  /** When the result is forgotten. */
  expiresAt?: string;
}

export type CheckEvent = { type: 'progress'; progress: CheckProgress } | { type: 'end'; view: CheckView };

export class BusyError extends Error {
  constructor(message = 'The server is busy: too many checks are waiting; try again in a minute.') {
    super(message);
    this.name = 'BusyError';
  }
}

export interface CheckStore {
  submit(request: CheckRequest): Promise<CheckView>;
  get(id: string): Promise<CheckView | undefined>;
  /** Live events of one check; returns the unsubscribe function. */
  watch(id: string, listener: (e: CheckEvent) => void): () => void;
  /** Checks running and waiting right now (this process, or the whole queue). */
  load(): Promise<{ running: number; queued: number }>;
  close(): Promise<void>;
}

export interface LocalChecksOptions {
  profile: NetworkProfile;
  limits: Pick<ServiceLimits, 'concurrency' | 'queueDepth' | 'workTimeoutMs'>;
  /** How long a finished result is kept. */
  resultTtlMs: number;
  /** Finished results kept at most (oldest forgotten first), so memory stays bounded. */
  maxResults?: number;
  now?: () => number;
}

/** An id nobody can guess: the permalink is the only key to a result. */
export const newCheckId = (): string => randomBytes(16).toString('base64url');
export const CHECK_ID = /^[A-Za-z0-9_-]{22}$/;

export const emptyProgress = (total: number): CheckProgress => ({ done: 0, total, finished: [] });

export class LocalChecks implements CheckStore {
  private readonly checks = new Map<string, CheckView>();
  private readonly events = new EventEmitter();
  private readonly gate: WorkGate;
  private readonly sweeper: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly aborts = new Set<AbortController>();
  /** Checks all day from one network: a passed root probe holds across them. */
  private readonly probe = rememberedProbe();

  constructor(private readonly opts: LocalChecksOptions) {
    this.gate = new WorkGate(opts.limits.concurrency, opts.limits.queueDepth);
    this.now = opts.now ?? Date.now;
    this.events.setMaxListeners(0);
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, Math.max(1000, opts.resultTtlMs / 2)));
    this.sweeper.unref();
  }

  async submit(request: CheckRequest): Promise<CheckView> {
    // A name that cannot be an identifier is the client's error (UsageError), before any work is queued.
    const total = new Set(parseIdentifiers(request.names).map((i) => i.value)).size;
    const id = newCheckId();
    const view: CheckView = {
      id,
      status: 'queued',
      request,
      progress: emptyProgress(total),
      createdAt: new Date(this.now()).toISOString(),
    };
    const started = this.gate.tryRun(() => this.run(view));
    if (!started) throw new BusyError();
    this.checks.set(id, view);
    started.catch(() => undefined);
    return structuredClone(view);
  }

  async get(id: string): Promise<CheckView | undefined> {
    this.sweep();
    const v = this.checks.get(id);
    return v && structuredClone(v);
  }

  watch(id: string, listener: (e: CheckEvent) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  async load(): Promise<{ running: number; queued: number }> {
    return { running: this.gate.running, queued: this.gate.queued };
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const a of this.aborts) a.abort(new Error('the server is shutting down'));
  }

  private async run(view: CheckView): Promise<void> {
    const abort = new AbortController();
    this.aborts.add(abort);
    view.status = 'running';
    const limit = this.opts.limits.workTimeoutMs;
    // The deadline answers the client; the slot is held until the engine has really stopped.
    const timer = setTimeout(() => {
      this.finish(view, { error: `The check timed out after ${Math.round(limit / 1000)} s.` });
      abort.abort(new Error('timed out'));
    }, limit);
    try {
      const report = await preflight(view.request.names, {
        profile: this.opts.profile,
        challenge: view.request.challenge,
        ca: view.request.ca,
        accountUri: view.request.accountUri,
        skip: view.request.skip,
        signal: abort.signal,
        probeRoot: this.probe,
        onProgress: (p) => this.progress(view, p),
      });
      this.finish(view, { report });
    } catch (e) {
      this.finish(view, { error: `The check could not run: ${e instanceof Error ? e.message : String(e)}` });
    } finally {
      clearTimeout(timer);
      this.aborts.delete(abort);
    }
  }

  private progress(view: CheckView, p: PreflightProgress): void {
    if (view.status !== 'running') return;
    view.progress.done = p.done;
    view.progress.total = p.total;
    view.progress.finished.push({ identifier: p.identifier, verdict: p.verdict });
    this.events.emit(view.id, { type: 'progress', progress: structuredClone(view.progress) });
  }

  /** Written once: a result (or the timeout) that arrives second is dropped. */
  private finish(view: CheckView, result: { report?: Report; error?: string }): void {
    if (view.status === 'done' || view.status === 'failed') return;
    const now = this.now();
    view.status = result.report ? 'done' : 'failed';
    if (result.report) view.report = result.report;
    if (result.error) view.error = result.error;
    view.finishedAt = new Date(now).toISOString();
    view.expiresAt = new Date(now + this.opts.resultTtlMs).toISOString();
    this.events.emit(view.id, { type: 'end', view: structuredClone(view) });
    this.evictOverflow();
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, v] of this.checks) {
      if (v.expiresAt && Date.parse(v.expiresAt) <= now) this.checks.delete(id);
    }
  }

  private evictOverflow(): void {
    const max = this.opts.maxResults ?? 1000;
    let finished = [...this.checks.values()].filter((v) => v.finishedAt);
    if (finished.length <= max) return;
    finished = finished.sort((a, b) => Date.parse(a.finishedAt!) - Date.parse(b.finishedAt!));
    for (const v of finished.slice(0, finished.length - max)) this.checks.delete(v.id);
  }
}
