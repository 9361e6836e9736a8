/** Asks one `acme-preflight agent` to gather and judge names from its network. I/O only; never throws. */
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import type { PerspectiveInfo } from '../report/perspectives.js';
import type { GatheredNames } from './gathered.js';
import { AGENT_API_VERSION, GATHER_PATH, type GatherRequest } from './wire.js';

export interface PerspectiveTls {
  /** CA that signed the agent's certificate (else the system's). */
  ca?: string | Buffer;
  /** Client certificate and key, for an agent that requires mTLS. */
  cert?: string | Buffer;
  key?: string | Buffer;
}

export interface PerspectiveSpec {
  name: string;
  url: string;
  /** Bearer token; never printed. */
  token?: string;
  tls?: PerspectiveTls;
}

/** An answer larger than this is refused: 100 names with full evidence stay well below it. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

const answerSchema = z.looseObject({
  apiVersion: z.literal(AGENT_API_VERSION),
  perspective: z.string().min(1).max(200),
  rir: z.string().min(1).max(50),
  agentVersion: z.string().max(100),
  evidence: z.object({
    names: z.array(z.object({ identifier: z.string().max(300), bundle: z.record(z.string(), z.unknown()) })),
    dnsQueries: z.number(),
    durationMs: z.number(),
  }),
});

const errorSchema = z.looseObject({ error: z.string() });

/** The URL as shown: scheme, host and port only (a path or userinfo could carry a secret). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid URL)';
  }
}

interface Raw {
  status: number;
  body: string;
}

function post(spec: PerspectiveSpec, body: string, timeoutMs: number): Promise<Raw> {
  const url = new URL(GATHER_PATH, spec.url.endsWith('/') ? spec.url : spec.url + '/');
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(spec.token ? { authorization: `Bearer ${spec.token}` } : {}),
        },
        timeout: timeoutMs,
        ...(url.protocol === 'https:' ? { ...spec.tls, minVersion: 'TLSv1.2' as const } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    const deadline = setTimeout(
      () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const errorText = (e: unknown): string => {
  const err = e as NodeJS.ErrnoException;
  const code = err.code && !err.message.includes(err.code) ? `${err.code}: ` : '';
  return `${code}${err.message ?? String(e)}`.split('\n')[0]!.slice(0, 300);
};

/** A remote's answer: its evidence, or why there is none. */
export interface RemoteGathered extends PerspectiveInfo {
  gathered?: GatheredNames;
}

/** Asks the agent; whatever goes wrong becomes `unavailable`, the tool's own limitation. */
export async function askPerspective(
  spec: PerspectiveSpec,
  request: GatherRequest,
  timeoutMs: number,
): Promise<RemoteGathered> {
  const where = `agent ${safeUrl(spec.url)}`;
  const unavailable = (why: string): RemoteGathered => ({
    name: spec.name,
    role: 'remote',
    unavailable: `${where}: ${why}`,
  });
  let raw: Raw;
  try {
    raw = await post(spec, JSON.stringify(request), timeoutMs);
  } catch (e) {
    return unavailable(errorText(e).replaceAll(spec.token ?? '\u0000', '***'));
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.body);
  } catch {
    return unavailable(`HTTP ${raw.status}, not JSON`);
  }
  if (raw.status !== 200) {
    const err = errorSchema.safeParse(json);
    const text = err.success ? err.data.error.slice(0, 300) : 'no reason given';
    return unavailable(`HTTP ${raw.status}: ${text}`);
  }
  const answer = answerSchema.safeParse(json);
  if (!answer.success)
    return unavailable(`the answer is not an agent answer of API version ${AGENT_API_VERSION}`);
  const a = answer.data;
  // As the CA's primary does: a perspective answering under another name is a misconfiguration.
  if (a.perspective !== spec.name) {
    return unavailable(
      `it answers as perspective "${a.perspective}", not "${spec.name}" (misconfiguration likely: use --perspective ${a.perspective}=${safeUrl(spec.url)})`,
    );
  }
  return { name: spec.name, rir: a.rir, role: 'remote', gathered: a.evidence as GatheredNames };
}
