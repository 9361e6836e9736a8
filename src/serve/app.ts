/** `acme-preflight serve`: the HTTP API and the web page on one Fastify server. */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { UsageError } from '../errors.js';
import { issuerDomainFor } from '../config/ca.js';
import { FAMILY_NAMES } from '../engine/registry.js';
import type { NetworkProfile } from '../profile.js';
import type { Challenge } from '../report/finding.js';
import { SECURITY_HEADERS } from '../service/headers.js';
import { registerRateLimit, serviceServerOptions, type ServiceLimits } from '../service/limits.js';
import { APP_JS, STYLE_CSS } from './assets.js';
import {
  BusyError,
  CHECK_ID,
  LocalChecks,
  type CheckRequest,
  type CheckStore,
  type CheckView,
} from './checks.js';
import { checkPage, formPage, messagePage, type PageContext } from './page.js';

export interface ServeLimits extends ServiceLimits {
  /** Checks one client may start per minute (429 beyond). */
  checksPerMinute: number;
  /** How long a finished result is kept (its permalink then answers 404). */
  resultTtlMs: number;
  /** Live-progress streams open at once. */
  eventStreams: number;
}

export const DEFAULT_SERVE_LIMITS: ServeLimits = {
  bodyBytes: 16 * 1024,
  namesPerRequest: 20,
  requestsPerMinute: 300,
  checksPerMinute: 10,
  concurrency: 4,
  queueDepth: 50,
  workTimeoutMs: 60_000,
  resultTtlMs: 60 * 60_000,
  eventStreams: 500,
};

export interface ServeOptions {
  /** The network checks use; callers pass it through servicePolicy() first. */
  profile: NetworkProfile;
  /** The operator allowed reserved ranges (labs only): the page says so. */
  lab?: boolean;
  limits?: Partial<ServeLimits>;
  /** Where checks run: in this process by default, or a queue (serve --queue). */
  store?: CheckStore;
  trustProxy?: boolean;
}

const CHALLENGES: Challenge[] = ['http-01', 'dns-01', 'tls-alpn-01'];
const NAME_MAX = 300;

const checkBodySchema = (limits: ServeLimits) => ({
  type: 'object',
  additionalProperties: false,
  required: ['names'],
  properties: {
    names: {
      type: 'array',
      minItems: 1,
      maxItems: limits.namesPerRequest,
      items: { type: 'string', minLength: 1, maxLength: NAME_MAX },
    },
    challenge: { type: 'string', enum: CHALLENGES },
    ca: { type: 'string', minLength: 1, maxLength: 253 },
    accountUri: { type: 'string', minLength: 1, maxLength: 1000 },
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        skip: { type: 'array', maxItems: FAMILY_NAMES.length, items: { type: 'string', enum: FAMILY_NAMES } },
      },
    },
  },
});

interface CheckBody {
  names: string[];
  challenge?: Challenge;
  ca?: string;
  accountUri?: string;
  options?: { skip?: string[] };
}

/** Semantic checks the schema cannot express; throws UsageError with the client's mistake. */
function toRequest(body: CheckBody): CheckRequest {
  let ca: string | undefined;
  try {
    ca = issuerDomainFor(body.ca?.trim() || undefined);
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^--ca /, 'ca '));
  }
  const accountUri = body.accountUri?.trim() || undefined;
  if (accountUri && !/^https:\/\/[^\s/]+\/\S*$/.test(accountUri))
    throw new UsageError('accountUri must be an https:// URL (the ACME account URL)');
  return {
    names: body.names.map((n) => n.trim()),
    challenge: body.challenge ?? 'http-01',
    ...(ca ? { ca } : {}),
    ...(accountUri ? { accountUri } : {}),
    ...(body.options?.skip?.length ? { skip: body.options.skip } : {}),
  };
}

/** The public form of a check: what GET /v1/checks/:id returns. */
export const checkJson = (v: CheckView) => ({
  id: v.id,
  status: v.status,
  progress: { done: v.progress.done, total: v.progress.total, finished: v.progress.finished },
  request: v.request,
  createdAt: v.createdAt,
  ...(v.finishedAt ? { finishedAt: v.finishedAt } : {}),
  ...(v.expiresAt ? { expiresAt: v.expiresAt } : {}),
  ...(v.error ? { error: v.error } : {}),
  ...(v.report ? { report: v.report } : {}),
  links: { self: `/v1/checks/${v.id}`, events: `/v1/checks/${v.id}/events`, page: `/checks/${v.id}` },
});

const apiError = (reply: FastifyReply, status: number, error: string, message: string) =>
  reply.code(status).type('application/json').send({ statusCode: status, error, message });

export async function buildServer(opts: ServeOptions): Promise<FastifyInstance> {
  const limits: ServeLimits = { ...DEFAULT_SERVE_LIMITS, ...opts.limits };
  const store =
    opts.store ??
    new LocalChecks({ profile: opts.profile, limits, resultTtlMs: limits.resultTtlMs, maxResults: 2000 });
  const ctx: PageContext = { lab: opts.lab ?? false, namesPerCheck: limits.namesPerRequest };
  const app = Fastify(serviceServerOptions(limits, { trustProxy: opts.trustProxy }));
  let streams = 0;

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
  app.addHook('onClose', async () => store.close());

  // The page's form posts urlencoded; parsed with the platform's URLSearchParams, size-bounded by bodyLimit.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const wantsHtml = (req: FastifyRequest): boolean => !req.url.startsWith('/v1');
  app.setErrorHandler(
    (err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
      const message =
        err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `Request body too large: at most ${limits.bodyBytes} bytes.`
          : err.validation
            ? (tooManyNames(err.message, limits) ?? `Invalid request: ${err.message}`)
            : status === 500
              ? 'Internal error.'
              : err.message;
      if (wantsHtml(req))
        return reply
          .code(status)
          .type('text/html; charset=utf-8')
          .send(messagePage('Error', message, ctx));
      return apiError(
        reply,
        status,
        status === 429 ? 'too_many_requests' : status === 500 ? 'internal' : 'bad_request',
        message,
      );
    },
  );
  app.setNotFoundHandler((req, reply) => {
    if (wantsHtml(req))
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(messagePage('Not found', 'There is nothing here.', ctx));
    return apiError(reply, 404, 'not_found', 'No such route.');
  });

  await registerRateLimit(app, limits.requestsPerMinute);
  // One budget for the API and the form alike (a route-level limit would count each route on its own).
  const checkLimit = app.createRateLimit({ max: limits.checksPerMinute, timeWindow: 60_000 });
  const checksBudget = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const r = await checkLimit(req);
    if (r.isAllowed || !r.isExceeded) return;
    reply.header('retry-after', String(r.ttlInSeconds));
    throw Object.assign(
      new Error(
        `Rate limit: at most ${r.max} checks per minute from one client; retry in ${r.ttlInSeconds} s.`,
      ),
      { statusCode: 429 },
    );
  };

  const submit = async (body: CheckBody): Promise<CheckView> => store.submit(toRequest(body));
  const clientError = (e: unknown): { status: number; message: string } | undefined => {
    if (e instanceof UsageError) return { status: 400, message: e.message };
    if (e instanceof BusyError) return { status: 503, message: e.message };
    return undefined;
  };

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(formPage(ctx)));
  app.get('/assets/app.js', async (_req, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(APP_JS),
  );
  app.get('/assets/style.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(STYLE_CSS),
  );
  app.get('/healthz', async () => ({ status: 'ok', ...(await store.load()) }));
  app.get('/v1', async () => ({
    endpoints: {
      'POST /v1/checks':
        '{ names: string[], challenge?, ca?, accountUri?, options?: { skip? } } -> 202 { id, links }',
      'GET /v1/checks/:id': 'status, progress and (when done) the JSON report',
      'GET /v1/checks/:id/events': 'server-sent events: progress, end',
    },
    limits: {
      bodyBytes: limits.bodyBytes,
      namesPerCheck: limits.namesPerRequest,
      checksPerMinute: limits.checksPerMinute,
      requestsPerMinute: limits.requestsPerMinute,
      concurrentChecks: limits.concurrency,
      waitingChecks: limits.queueDepth,
      checkTimeoutSeconds: limits.workTimeoutMs / 1000,
      resultTtlSeconds: limits.resultTtlMs / 1000,
    },
  }));

  app.post<{ Body: CheckBody }>(
    '/v1/checks',
    { schema: { body: checkBodySchema(limits) }, preHandler: checksBudget },
    async (req, reply) => {
      try {
        const view = await submit(req.body);
        return reply.code(202).header('location', `/v1/checks/${view.id}`).send(checkJson(view));
      } catch (e) {
        const c = clientError(e);
        if (!c) throw e;
        if (c.status === 503) reply.header('retry-after', '30');
        return apiError(reply, c.status, c.status === 503 ? 'busy' : 'bad_request', c.message);
      }
    },
  );

  app.post<{ Body: Record<string, string> }>('/checks', { preHandler: checksBudget }, async (req, reply) => {
    const form = req.body && typeof req.body === 'object' ? req.body : {};
    const names = String(form.names ?? '')
      .split(/[\s,]+/)
      .filter(Boolean);
    const prefill = {
      names,
      challenge: CHALLENGES.includes(form.challenge as Challenge) ? (form.challenge as Challenge) : undefined,
      ca: form.ca,
      accountUri: form.accountUri,
    };
    const html = (status: number, error: string) =>
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(formPage(ctx, prefill, error));
    if (names.length === 0) return html(400, 'Give at least one name.');
    if (names.length > limits.namesPerRequest)
      return html(400, `Too many names: at most ${limits.namesPerRequest} per check.`);
    if (names.some((n) => n.length > NAME_MAX))
      return html(400, `A name is longer than ${NAME_MAX} characters.`);
    try {
      const view = await submit({
        names,
        challenge: prefill.challenge,
        ca: prefill.ca?.slice(0, 253),
        accountUri: prefill.accountUri?.slice(0, 1000),
      });
      return reply.code(303).header('location', `/checks/${view.id}`).send();
    } catch (e) {
      const c = clientError(e);
      if (!c) throw e;
      return html(c.status, c.message);
    }
  });

  const idParams = {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', pattern: CHECK_ID.source } },
  };
  const gone = 'No such check, or its result has expired.';

  app.get<{ Params: { id: string } }>(
    '/v1/checks/:id',
    { schema: { params: idParams } },
    async (req, reply) => {
      const view = await store.get(req.params.id);
      if (!view) return apiError(reply, 404, 'not_found', gone);
      return reply.send(checkJson(view));
    },
  );

  app.get<{ Params: { id: string } }>('/checks/:id', async (req, reply) => {
    const view = CHECK_ID.test(req.params.id) ? await store.get(req.params.id) : undefined;
    if (!view)
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(messagePage('Not found', gone, ctx));
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(checkPage(view, ctx));
  });

  app.get<{ Params: { id: string } }>(
    '/v1/checks/:id/events',
    { schema: { params: idParams } },
    async (req, reply) => {
      const view = await store.get(req.params.id);
      if (!view) return apiError(reply, 404, 'not_found', gone);
      if (streams >= limits.eventStreams)
        return apiError(reply, 503, 'busy', 'Too many live streams open; poll GET /v1/checks/:id instead.');
      streams++;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const send = (event: string, data: unknown): void => {
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      let closed = false;
      const close = (): void => {
        if (closed) return;
        closed = true;
        streams--;
        unwatch();
        clearInterval(ping);
        res.end();
      };
      // Subscribe before reading the state again, so an end between the two is not missed.
      const unwatch = store.watch(view.id, (e) => {
        if (e.type === 'progress') send('progress', e.progress);
        else {
          send('end', { id: e.view.id, status: e.view.status, verdict: e.view.report?.verdict });
          close();
        }
      });
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      ping.unref();
      req.raw.on('close', close);
      const now = await store.get(view.id);
      if (!now || now.status === 'done' || now.status === 'failed') {
        send('end', { id: view.id, status: now?.status ?? 'expired', verdict: now?.report?.verdict });
        close();
      } else send('progress', now.progress);
    },
  );

  return app;
}

/** The schema's maxItems message, in the words a user understands. */
function tooManyNames(message: string, limits: ServeLimits): string | undefined {
  return /names must NOT have more than/.test(message)
    ? `Too many names: at most ${limits.namesPerRequest} per check.`
    : undefined;
}
