/**
 * `acme-preflight agent`: a remote perspective. It runs only the CA's operations for the names asked (iterative
 * DNS from the root, the HTTP-01 fetch, TLS-ALPN-01 and TLS handshakes, CAA) under its own network profile,
 * which no request can change, and answers with what it saw and judged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { NetworkProfile } from '../profile.js';
import { CHALLENGE_TYPES, type Challenge } from '../report/finding.js';
import { gatherNames, type GatheredNames } from '../engine/gathered.js';
import { NetworkBlockedError, rememberedProbe, type RootProber } from '../engine/root-probe.js';
import {
  AGENT_API_VERSION,
  GATHER_PATH,
  HEALTH_PATH,
  MAX_NAME_LENGTH,
  MAX_NAMES_PER_REQUEST,
  type GatherRequest,
  type GatherResponse,
  type HealthResponse,
} from '../engine/wire.js';
import { UsageError } from '../errors.js';
import { VERSION } from '../version.js';

export interface AgentLimits {
  /** Request body, bytes. */
  bodyBytes: number;
  /** Names in one request (never above the CA's 100 per order). */
  names: number;
  /** Work for one request, ms; the answer is 504 after it. */
  requestMs: number;
  /** Requests doing work at once; more get 503 at once. */
  concurrency: number;
  /** Requests per token per minute. */
  perTokenPerMinute: number;
  /** Receiving one request (headers and body), ms: a slow client is cut off after it. */
  receiveMs: number;
}

export const DEFAULT_AGENT_LIMITS: AgentLimits = {
  bodyBytes: 16 * 1024,
  names: MAX_NAMES_PER_REQUEST,
  requestMs: 60_000,
  concurrency: 4,
  perTokenPerMinute: 60,
  receiveMs: 10_000,
};

export interface AgentTls {
  key: string | Buffer;
  cert: string | Buffer;
  /** With a client CA, only clients with a certificate it signed are served (mTLS). */
  clientCa?: string | Buffer;
}

export interface AgentConfig {
  perspective: string;
  rir: string;
  /** Bearer tokens accepted; at least one. Never logged or echoed. */
  tokens: string[];
  /** The agent's own network: the operator's, never the client's. */
  profile: NetworkProfile;
  limits?: Partial<AgentLimits>;
  tls?: AgentTls;
  /** Request log lines (method, path, status, time; never headers). Default: none. */
  log?: (line: string) => void;
}

/** What the agent runs for a request: the CA's gatherers only, no judging (the primary judges). */
export type AgentGather = (req: GatherRequest, profile: NetworkProfile) => Promise<GatheredNames>;

/** The families that are the CA's operations; the rest (delegation, propagation, live certificate) are not. */
export const NOT_CA_OPERATIONS = ['delegation', 'propagation', 'certificate'];

/** The agent's gathering, with this root probe before each request's names. */
export const gatherWith =
  (probe?: RootProber): AgentGather =>
  (req, profile) =>
    gatherNames(
      req.names,
      { challenge: req.challenge, ca: req.ca, accountUri: req.accountUri, skip: NOT_CA_OPERATIONS },
      // The CA asks its own resolver, not public ones: no comparison traffic from the agent.
      { ...profile, publicResolvers: [] },
      probe,
    );

/** Probes the root on every request (tests); a running agent remembers a pass (buildAgent). */
export const defaultGather: AgentGather = gatherWith();

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** Constant time over the token and over the list: every token is compared, equal-length digests. */
export function tokenMatcher(tokens: readonly string[]): (given: string) => number {
  const digests = tokens.map(digest);
  return (given) => {
    const d = digest(given);
    let found = -1;
    digests.forEach((t, i) => {
      if (timingSafeEqual(t, d) && found < 0) found = i;
    });
    return found;
  };
}

// Every method the CA validates from remote perspectives, the account-bound DNS challenges included.
const CHALLENGES: readonly Challenge[] = CHALLENGE_TYPES;

function gatherSchema(maxNames: number) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['names', 'challenge', 'ca'],
    properties: {
      names: {
        type: 'array',
        minItems: 1,
        maxItems: maxNames,
        items: { type: 'string', minLength: 1, maxLength: MAX_NAME_LENGTH },
      },
      challenge: { type: 'string', enum: CHALLENGES },
      ca: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' },
      accountUri: { type: 'string', maxLength: 1024, pattern: '^https://' },
    },
  } as const;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Index of the token that authenticated the request (rate limits are per token). */
    tokenIndex?: number;
  }
}

/** Builds the agent's HTTP app (not listening). */
export async function buildAgent(
  cfg: AgentConfig,
  // One agent answers request after request from one network: a passed root probe holds for a minute.
  gather: AgentGather = gatherWith(rememberedProbe()),
): Promise<FastifyInstance> {
  if (cfg.tokens.length === 0) throw new UsageError('the agent needs at least one token');
  const limits = { ...DEFAULT_AGENT_LIMITS, ...cfg.limits };
  limits.names = Math.min(limits.names, MAX_NAMES_PER_REQUEST);
  const match = tokenMatcher(cfg.tokens);
  const https = cfg.tls
    ? {
        key: cfg.tls.key,
        cert: cfg.tls.cert,
        minVersion: 'TLSv1.2' as const,
        ...(cfg.tls.clientCa ? { ca: cfg.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
      }
    : null;
  // Node checks request deadlines every connectionsCheckingInterval (30 s by default): too coarse for a slow client.
  const serverOptions = {
    requestTimeout: limits.receiveMs,
    headersTimeout: limits.receiveMs,
    connectionsCheckingInterval: Math.min(1000, limits.receiveMs),
    keepAliveTimeout: 5_000,
  };
  const app = Fastify({
    serverFactory: (handler) =>
      https
        ? createHttpsServer({ ...https, ...serverOptions }, handler)
        : createHttpServer(serverOptions, handler),
    logger: false,
    bodyLimit: limits.bodyBytes,
    forceCloseConnections: true,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
  }) as unknown as FastifyInstance;
  const identity = {
    perspective: cfg.perspective,
    rir: cfg.rir,
    agentVersion: VERSION,
    apiVersion: AGENT_API_VERSION,
  };

  app.addHook('onResponse', async (req, reply) => {
    cfg.log?.(
      `${req.method} ${req.routeOptions.url ?? '-'} ${reply.statusCode} ${Math.round(reply.elapsedTime)}ms`,
    );
  });

  // Before the body is read: an unauthenticated request does no work.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.url === HEALTH_PATH) return;
    const m = /^Bearer ([\x21-\x7e]{1,4096})$/.exec(req.headers.authorization ?? '');
    const index = m ? match(m[1]!) : -1;
    if (index < 0) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .header('connection', 'close')
        .send({ error: 'unauthorized', ...identity });
    }
    req.tokenIndex = index;
  });

  await app.register(rateLimit, {
    global: false,
    hook: 'preParsing',
    keyGenerator: (req) => `token-${req.tokenIndex ?? 'none'}`,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: 'rate limited',
      message: `more than ${ctx.max} requests per minute with this token`,
      ...identity,
    }),
  });

  app.get(HEALTH_PATH, async (): Promise<HealthResponse> => ({ status: 'ok', ...identity }));

  let busy = 0;
  app.post<{ Body: GatherRequest }>(
    GATHER_PATH,
    {
      schema: { body: gatherSchema(limits.names) },
      config: { rateLimit: { max: limits.perTokenPerMinute, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      if (busy >= limits.concurrency) {
        return reply
          .code(503)
          .header('retry-after', '1')
          .send({ error: 'busy', ...identity });
      }
      busy++;
      const work = gather(req.body, cfg.profile);
      // The slot is held until the work really ends (every probe has its own deadline), not at the 504.
      void work.then(
        () => busy--,
        () => busy--,
      );
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>(
        (resolve) => (timer = setTimeout(() => resolve('late'), limits.requestMs)),
      );
      try {
        const evidence = await Promise.race([work, late]);
        if (evidence === 'late') {
          return reply
            .code(504)
            .send({ error: `no answer within ${limits.requestMs / 1000} s`, ...identity });
        }
        const body: GatherResponse = { ...identity, evidence };
        return body;
      } catch (e) {
        if (e instanceof UsageError) return reply.code(400).send({ error: e.message, ...identity });
        if (e instanceof NetworkBlockedError) return reply.code(503).send({ error: e.message, ...identity });
        return reply.code(500).send({ error: 'the check could not run', ...identity });
      } finally {
        clearTimeout(timer);
      }
    },
  );

  // Validation and parse errors say what was wrong, never a stack.
  app.setErrorHandler((err: { statusCode?: number; validation?: unknown; message: string }, _req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    const message = status < 500 ? err.message.slice(0, 300) : 'internal error';
    return reply.code(status).send({ error: message, ...identity });
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not found', ...identity }));
  return app;
}

export interface RunningAgent {
  url: string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function startAgent(
  cfg: AgentConfig,
  listen: { host: string; port: number },
  gather?: AgentGather,
): Promise<RunningAgent> {
  const app = await buildAgent(cfg, gather);
  await app.listen({ host: listen.host, port: listen.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : listen.port;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return { url: `${cfg.tls ? 'https' : 'http'}://${host}:${port}`, app, close: () => app.close() };
}
