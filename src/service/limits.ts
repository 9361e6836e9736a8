/**
 * Limits and hardening shared by the long-running HTTP services (`serve`, and the perspective `agent`):
 * one place that says how big a request may be, how much work runs at once, and what a client may ask.
 */
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { NetworkProfile } from '../profile.js';

export interface ServiceLimits {
  /** Largest request body accepted, in bytes (larger: 413). */
  bodyBytes: number;
  /** Names in one request (more: 400). */
  namesPerRequest: number;
  /** Requests of any kind per client address per minute (more: 429). */
  requestsPerMinute: number;
  /** Units of work (checks) running at once. */
  concurrency: number;
  /** Work waiting for a slot; beyond it a new request is refused with 503. */
  queueDepth: number;
  /** Time one unit of work may take before it is reported as timed out. */
  workTimeoutMs: number;
}

/** Fastify options that bound a slow or oversized client: body size, header and idle timeouts. */
export function serviceServerOptions(
  limits: Pick<ServiceLimits, 'bodyBytes'>,
  opts: { trustProxy?: boolean } = {},
): FastifyServerOptions {
  return {
    bodyLimit: limits.bodyBytes,
    // A client that trickles its request is cut off; keep-alive connections do not pin sockets forever.
    requestTimeout: 15_000,
    connectionTimeout: 30_000,
    keepAliveTimeout: 5_000,
    routerOptions: { maxParamLength: 200 },
    // Unknown fields are refused, not silently dropped; types are never coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    trustProxy: opts.trustProxy ?? false,
    logger: false,
    // Errors are answered by our handler; a report never carries a stack trace.
    return503OnClosing: true,
  };
}

/** Registers the per-client request budget for every route (a route may add a tighter one). */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  const { default: rateLimit } = await import('@fastify/rate-limit');
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    // Bounded memory: the in-memory store is an LRU of client keys.
    cache: 10_000,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'too_many_requests',
      message: `Rate limit: at most ${ctx.max} requests per minute from one client; retry in ${Math.ceil(ctx.ttl / 1000)} s.`,
    }),
  });
}

/**
 * The CA's reserved-address rules for a service: whatever profile it was started with, a request is never
 * checked against private, loopback or other reserved ranges, so a public instance cannot be turned into a
 * proxy into the network it runs in. Only an operator's explicit lab switch keeps the profile's allow list.
 */
export function servicePolicy(profile: NetworkProfile, opts: { lab: boolean }): NetworkProfile {
  if (opts.lab) return profile;
  return { ...profile, allowAddresses: [], extraPublicSuffixes: [] };
}

/** A bounded gate: `concurrency` tasks run, `queueDepth` wait, anything more is refused at once. */
export class WorkGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly concurrency: number,
    private readonly queueDepth: number,
  ) {}

  get running(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiting.length;
  }

  /** Starts the task now or later; undefined when the gate is full (the caller answers 503). */
  tryRun<T>(task: () => Promise<T>): Promise<T> | undefined {
    if (this.active < this.concurrency) return this.start(task);
    if (this.waiting.length >= this.queueDepth) return undefined;
    return new Promise<void>((r) => this.waiting.push(r)).then(() => this.start(task));
  }

  private start<T>(task: () => Promise<T>): Promise<T> {
    this.active++;
    const release = (): void => {
      this.active--;
      this.waiting.shift()?.();
    };
    let p: Promise<T>;
    try {
      p = task();
    } catch (e) {
      release();
      return Promise.reject(e);
    }
    return p.finally(release);
  }
}
