/**
 * The CA's HTTP-01 fetch (Boulder va/http.go): pinned addresses from an injected resolver, IPv6 first
 * with a single IPv4 fallback on connect failure, the redirect rules of ./redirect.ts, bounded reads.
 */
import net from 'node:net';
import type { NetworkProfile } from '../profile.js';
import type { Evidence } from '../report/finding.js';
import { caReservedRange, projectRefusal } from '../net/reserved.js';
import { caNoAddresses } from '../report/ca-messages.js';
import { ACME_CHALLENGE_PATH, CA_USER_AGENT, MAX_BODY_BYTES, MAX_HEADER_BYTES } from './constants.js';
import {
  checkRedirect,
  isRedirectStatus,
  parseTarget,
  targetPort,
  type FetchTarget,
  type RedirectRule,
} from './redirect.js';
import { CONNECT_FAILURES, rawGet, type RawOutcome, type RawResponse } from './raw.js';

export interface ResolvedAddresses {
  v4: string[];
  v6: string[];
  evidence: Evidence[];
  error?: { status: string; message: string };
}
/** Wired to the iterative resolver; tests pass a table. */
export type ResolveAddresses = (host: string) => Promise<ResolvedAddresses>;

/** An IP literal is its own address (RFC 8738); a name is resolved. */
export async function addressesOfHost(host: string, resolve: ResolveAddresses): Promise<ResolvedAddresses> {
  if (net.isIP(host) === 0) return resolve(host);
  return { v4: net.isIPv4(host) ? [host] : [], v6: net.isIPv6(host) ? [host] : [], evidence: [] };
}

export type ProblemType = 'connection' | 'unauthorized' | 'dns' | 'malformed' | 'tls';

export interface Http01Problem {
  type: ProblemType;
  /** The CA's wording. */
  detail: string;
  /** Set when a redirect rule was violated. */
  rule?: RedirectRule;
  /** Where acme-preflight stops although the CA would go on (README "Deliberate differences"). */
  projectOnly?: string;
  outcome?: RawOutcome;
}

/** Response headers worth keeping as evidence (CDN, WAF, proxies). */
export const HEADERS_OF_INTEREST = [
  'server',
  'www-authenticate',
  'via',
  'location',
  'content-type',
  'content-length',
  'cf-ray',
  'cf-mitigated',
  'x-amz-cf-id',
  'x-amz-cf-pop',
  'x-served-by',
  'x-cache',
  'x-fastly-request-id',
  'x-akamai-transformed',
  'akamai-grn',
  'x-azure-ref',
  'x-msedge-ref',
  'x-goog-generation',
  'x-cdn',
  'x-sucuri-id',
  'x-powered-by',
  'retry-after',
] as const;

export interface Http01Attempt {
  url: string;
  host: string;
  address: string;
  port: number;
  scheme: 'http' | 'https';
  /** 'ca' for the address the CA picks, 'fallback' for the IPv4 retry after an IPv6 connect failure. */
  role: 'ca' | 'fallback' | 'pinned';
  outcome: RawOutcome;
  status?: number;
  headers: Record<string, string>;
  /** Body as read (at most MAX_BODY_BYTES), latin1-safe preview. */
  body?: string;
  bodyBytes?: number;
  bodyAtLimit?: boolean;
  error?: string;
  connectMs?: number;
  totalMs: number;
  tlsProtocol?: string;
}

export interface Http01Result {
  ok: boolean;
  /** The first URL. */
  url: string;
  attempts: Http01Attempt[];
  /** URLs redirected to, in order. */
  redirects: string[];
  finalStatus?: number;
  /** Final body with trailing whitespace trimmed (CA rule). */
  body?: string;
  problem?: Http01Problem;
  /** Addresses dropped because they are reserved, per host. */
  reservedDropped: { host: string; address: string; range: string }[];
  evidence: Evidence[];
  durationMs: number;
}

export interface FetchDeps {
  profile: NetworkProfile;
  resolveAddresses: ResolveAddresses;
  userAgent?: string;
}

export interface FetchOptions {
  /** The key authorisation; when absent any 200 with a small body passes the fetch itself. */
  expected?: string;
  /** Diagnosis: connect the first hop to this address instead of the CA's choice. */
  pinFirstHop?: string;
}

export const challengeUrl = (host: string, token: string): string =>
  `http://${host.includes(':') ? `[${host}]` : host}${ACME_CHALLENGE_PATH}${token}`;

const CONNECT_MESSAGES: Partial<Record<RawOutcome, string>> = {
  refused: 'Connection refused',
  'connect-timeout': 'Timeout during connect (likely firewall problem)',
  'read-timeout': 'Timeout after connect (your server may be slow or overloaded)',
  unreachable: 'Network unreachable',
  reset: 'Connection reset by peer',
  'headers-too-large': 'Error reading HTTP response: response headers too large',
  'protocol-error': 'Error getting validation data: malformed HTTP response',
};

export function problemForOutcome(a: Http01Attempt): Http01Problem {
  const where = `${a.address}: Fetching ${a.url}`;
  if (a.outcome === 'http-on-tls')
    return { type: 'malformed', detail: `${where}: Server only speaks HTTP, not TLS`, outcome: a.outcome };
  if (a.outcome === 'tls-error')
    return { type: 'tls', detail: `${where}: TLS error: ${a.error ?? ''}`, outcome: a.outcome };
  if (a.outcome === 'reserved')
    return {
      type: 'connection',
      detail: `${where}: ${a.error ?? 'reserved address'}`,
      outcome: a.outcome,
      projectOnly: `acme-preflight never connects to ${a.address}; the CA's registry does not list it, so the CA would try it`,
    };
  return {
    type: 'connection',
    detail: `${where}: ${CONNECT_MESSAGES[a.outcome] ?? a.error ?? a.outcome}`,
    outcome: a.outcome,
  };
}

const interesting = (headers: [string, string][]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of headers) {
    if ((HEADERS_OF_INTEREST as readonly string[]).includes(k) && out[k] === undefined)
      out[k] = k === 'location' ? v : v.slice(0, 200);
  }
  return out;
};

export function attemptEvidence(a: Http01Attempt): Evidence {
  const answer =
    a.outcome === 'response'
      ? `${a.status}${a.headers.location ? ` -> ${a.headers.location}` : ''}${a.headers.server ? ` (server: ${a.headers.server})` : ''}`
      : `${a.outcome}${a.error ? `: ${a.error}` : ''}`;
  const ev: Evidence = {
    source: `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`,
    query: `GET ${a.url}`,
    answer,
    address: a.address,
    rttMs: a.totalMs,
  };
  return ev;
}

/** Runs the CA's HTTP-01 fetch of `url`. Never throws for network conditions. */
export async function fetchLikeCa(
  url: string,
  deps: FetchDeps,
  opts: FetchOptions = {},
): Promise<Http01Result> {
  const { profile } = deps;
  const started = Date.now();
  const deadline = started + profile.timeouts.httpTotalMs;
  const allow = profile.allowAddresses;
  const result: Http01Result = {
    ok: false,
    url,
    attempts: [],
    redirects: [],
    reservedDropped: [],
    evidence: [],
    durationMs: 0,
  };
  const done = (r: Partial<Http01Result>): Http01Result => {
    Object.assign(result, r);
    result.durationMs = Date.now() - started;
    // The HTTP attempts are the evidence that matters; the DNS lookups behind them follow.
    result.evidence = [...result.attempts.map(attemptEvidence), ...result.evidence];
    return result;
  };
  let target: FetchTarget = parseTarget(url);
  const visited = [target.url];
  for (let hop = 0; ; hop++) {
    // Addresses for this hop: literal, pinned (diagnosis), or re-resolved.
    let v6: string[] = [];
    let v4: string[] = [];
    if (target.isIp) {
      (target.host.includes(':') ? v6 : v4).push(target.host);
    } else if (hop === 0 && opts.pinFirstHop) {
      (opts.pinFirstHop.includes(':') ? v6 : v4).push(opts.pinFirstHop);
    } else {
      let r: ResolvedAddresses;
      try {
        r = await deps.resolveAddresses(target.host);
      } catch (e) {
        return done({
          problem: { type: 'dns', detail: `DNS problem: looking up ${target.host}: ${(e as Error).message}` },
        });
      }
      result.evidence.push(...r.evidence);
      // The CA drops only its registry's addresses; the project's own refusals are kept in the
      // CA's order and refused at connect time (attemptOnce), so the CA's choice stays visible.
      const keep = (a: string): boolean => {
        const range = caReservedRange(a, { allow });
        if (range) result.reservedDropped.push({ host: target.host, address: a, range });
        return !range;
      };
      v6 = r.v6.filter(keep);
      v4 = r.v4.filter(keep);
      if (v4.length === 0 && v6.length === 0) {
        const detail =
          r.error && r.v4.length + r.v6.length === 0
            ? r.error.message
            : `DNS problem: ${caNoAddresses(target.host)}`;
        return done({ problem: { type: 'dns', detail } });
      }
    }
    const port = targetPort(target.caPort, profile);
    const first = v6[0] ?? v4[0]!;
    const role = hop === 0 && opts.pinFirstHop ? 'pinned' : 'ca';
    let attempt = await attemptOnce(target, first, port, role, deadline, deps);
    result.attempts.push(attempt);
    if (v6.length > 0 && v4[0] && CONNECT_FAILURES.includes(attempt.outcome) && role === 'ca') {
      attempt = await attemptOnce(target, v4[0], port, 'fallback', deadline, deps);
      result.attempts.push(attempt);
    }
    if (attempt.outcome !== 'response') return done({ problem: problemForOutcome(attempt) });
    const status = attempt.status!;
    const location = attempt.headers.location;
    // Go returns a redirect status without a Location as the final response.
    if (isRedirectStatus(status) && location !== undefined && location !== '') {
      const d = checkRedirect({
        status,
        location,
        base: target.parsed,
        followed: result.redirects.length,
        visited,
        allow,
        extraPublicSuffixes: profile.extraPublicSuffixes,
      });
      if (!d.ok) {
        const problem: Http01Problem = {
          type: 'connection',
          detail: `${attempt.address}: Fetching ${d.fetching}: ${d.message}`,
          rule: d.rule,
        };
        if (d.projectOnly) problem.projectOnly = d.projectOnly;
        return done({ finalStatus: status, problem });
      }
      target = d.target;
      visited.push(target.url);
      result.redirects.push(target.url);
      continue;
    }
    const raw = attempt.body ?? '';
    const body = raw.replace(/\s+$/, '');
    if (status !== 200) {
      return done({
        finalStatus: status,
        body,
        problem: { type: 'unauthorized', detail: `Invalid response from ${target.url}: ${status}` },
      });
    }
    if (attempt.bodyAtLimit) {
      return done({
        finalStatus: status,
        body,
        problem: {
          type: 'unauthorized',
          detail: `Invalid response from ${target.url}: body of ${MAX_BODY_BYTES} bytes or more: ${JSON.stringify(raw.slice(0, 40))}`,
        },
      });
    }
    if (opts.expected !== undefined && body !== opts.expected) {
      return done({
        finalStatus: status,
        body,
        problem: {
          type: 'unauthorized',
          detail: `The key authorization file from the server did not match this challenge. Expected ${JSON.stringify(opts.expected)} (got ${JSON.stringify(body)})`,
        },
      });
    }
    return done({ ok: true, finalStatus: status, body });
  }
}

async function attemptOnce(
  target: FetchTarget,
  address: string,
  port: number,
  role: Http01Attempt['role'],
  deadline: number,
  deps: FetchDeps,
): Promise<Http01Attempt> {
  const { profile } = deps;
  const hostHeader = target.hostHeader;
  const own = projectRefusal(address);
  if (own?.reason === 'multicast') {
    // Not in the CA's registry: the CA dials it and Linux refuses TCP to multicast (ENETUNREACH).
    return {
      url: target.url,
      host: target.host,
      address,
      port,
      scheme: target.scheme,
      role,
      outcome: 'unreachable',
      headers: {},
      error: `${own.message} (predicted; acme-preflight sends nothing to it)`,
      totalMs: 0,
    };
  }
  const r: RawResponse = await rawGet({
    address,
    port,
    tls: target.scheme === 'https' ? (target.isIp ? {} : { servername: target.host }) : undefined,
    hostHeader,
    path: target.path,
    userAgent: deps.userAgent ?? CA_USER_AGENT,
    dialMs: profile.timeouts.httpDialMs,
    deadline,
    maxHeaderBytes: MAX_HEADER_BYTES,
    maxBodyBytes: MAX_BODY_BYTES,
    allow: profile.allowAddresses,
    headersOnly: (s) => isRedirectStatus(s),
  });
  const a: Http01Attempt = {
    url: target.url,
    host: target.host,
    address,
    port,
    scheme: target.scheme,
    role,
    outcome: r.outcome,
    headers: interesting(r.headers),
    totalMs: r.totalMs,
  };
  if (r.status !== undefined) a.status = r.status;
  if (r.outcome === 'response') {
    a.body = r.body.toString('utf8');
    a.bodyBytes = r.body.length;
    a.bodyAtLimit = r.bodyAtLimit;
  }
  if (r.error !== undefined) a.error = r.error;
  if (r.connectMs !== undefined) a.connectMs = r.connectMs;
  if (r.tlsProtocol !== undefined) a.tlsProtocol = r.tlsProtocol;
  return a;
}
