/**
 * The CA's redirect rules (Boulder va/http.go processRedirect and extractRequestTarget; CA-RULES
 * "HTTP-01"), checked in the CA's order on the Location as Go's net/url resolves it. Pure.
 * Ports: a redirect may only name 80 or 443; the prober maps 80 to profile.httpPort and 443 to
 * profile.tlsPort (see targetPort), so lab servers on high ports behave like the real ones.
 */
import { publicSuffixOf } from '../net/psl.js';
import { caReservedBlock, caReservedRange, isGoIpLiteral, projectRefusal } from '../net/reserved.js';
import {
  ALLOWED_REDIRECT_PORTS,
  MAX_REDIRECTS,
  MAX_REDIRECT_PATH_BYTES,
  REDIRECT_STATUSES,
} from './constants.js';
import {
  GoUrlError,
  goHostname,
  goPath,
  goPort,
  goRequestUri,
  goString,
  parseGoUrl,
  resolveGoUrl,
  type GoUrl,
} from './go-url.js';

export type RedirectRule =
  | 'status-303'
  | 'status'
  | 'too-many'
  | 'loop'
  | 'bad-url'
  | 'scheme'
  | 'port'
  | 'empty-host'
  | 'well-known-host'
  | 'public-suffix'
  | 'reserved-ip'
  | 'path-too-long';

/** A parsed URL the CA may fetch. */
export interface FetchTarget {
  /** Go's URL.String() of the target: what the CA prints and compares for loops. */
  url: string;
  scheme: 'http' | 'https';
  /** Lower-case host; IPv6 without brackets. */
  host: string;
  /** The Host header Go sends (host[:port] as written, lower-cased). */
  hostHeader: string;
  isIp: boolean;
  /** The port the CA would use: 80 or 443. */
  caPort: 80 | 443;
  /** Path and query as sent on the request line. */
  path: string;
  /** The parsed form, the base for the next relative Location. */
  parsed: GoUrl;
}

export type RedirectDecision =
  | { ok: true; target: FetchTarget }
  | {
      ok: false;
      rule: RedirectRule;
      /** The CA's wording. */
      message: string;
      /** The URL the CA names in "Fetching <url>: ...": the Location as sent (the current URL for parse errors). */
      fetching: string;
      /** The resolved target, when it parsed. */
      url?: string;
      /** Set when acme-preflight refuses where the CA would follow (README "Deliberate differences"). */
      projectOnly?: string;
    };

/** Statuses Go's client treats as redirects (it returns any other 3xx as the final response). */
const GO_REDIRECTS: readonly number[] = [301, 302, 303, 307, 308];
export const isRedirectStatus = (status: number): boolean => GO_REDIRECTS.includes(status);

/** Maps the CA's port (80/443) to the profile's (tests use high ports on loopback). */
export function targetPort(caPort: 80 | 443, ports: { httpPort: number; tlsPort: number }): number {
  return caPort === 80 ? ports.httpPort : ports.tlsPort;
}

function toTarget(u: GoUrl): FetchTarget {
  const hostHeader = u.host.toLowerCase();
  const lowered: GoUrl = { ...u, host: hostHeader };
  const host = goHostname(lowered);
  const port = goPort(lowered);
  const scheme = lowered.scheme === 'https' ? 'https' : 'http';
  const n = port === '' ? (scheme === 'https' ? 443 : 80) : Number(port);
  return {
    url: goString(lowered),
    scheme,
    host,
    hostHeader,
    isIp: isGoIpLiteral(host),
    caPort: n === 443 ? 443 : 80,
    path: goRequestUri(lowered),
    parsed: lowered,
  };
}

/** The first URL of a validation (built by the tool, so it parses). */
export function parseTarget(url: string): FetchTarget {
  return toTarget(parseGoUrl(url));
}

/** Why a redirect to this IP address is refused (the CA's reserved ranges, then the project's own). */
function ipHostRefusal(
  host: string,
  allow: readonly string[],
): { message: string; extra?: { projectOnly: string } } | undefined {
  if (host.includes('%')) return { message: 'Invalid host in redirect target: contains scope zone' };
  if (caReservedRange(host, { allow })) {
    return { message: `Invalid host in redirect target: ${caReservedBlock(host)!.message}` };
  }
  const own = projectRefusal(host);
  if (own && own.reason !== 'multicast') {
    // The CA would follow this; acme-preflight does not connect to it (deliberate difference).
    return {
      message: `Invalid host in redirect target: ${own.message}`,
      extra: {
        projectOnly: `acme-preflight refuses ${host}; the CA's registry does not list it, so the CA would follow the redirect`,
      },
    };
  }
  return undefined;
}

/**
 * Decides whether the CA follows a redirect response (status one of isRedirectStatus, Location
 * non-empty: Go returns other responses as final). `followed` is how many redirects were already
 * followed; `visited` the Go URL strings fetched so far.
 */
export function checkRedirect(input: {
  status: number;
  location: string;
  /** The current URL (Go string form), the base of a relative Location. */
  base: string | GoUrl;
  followed: number;
  visited: readonly string[];
  allow: readonly string[];
  /** Lab suffixes treated as public (the profile's extraPublicSuffixes). */
  extraPublicSuffixes?: readonly string[];
}): RedirectDecision {
  const { status, location } = input;
  const baseUrl = typeof input.base === 'string' ? parseGoUrl(input.base) : input.base;
  const current = goString(baseUrl);
  // Go's client parses the Location before asking the CA's CheckRedirect.
  let resolved: GoUrl;
  try {
    resolved = resolveGoUrl(baseUrl, parseGoUrl(location));
  } catch (e) {
    const why = e instanceof GoUrlError ? e.message : String(e);
    return {
      ok: false,
      rule: 'bad-url',
      message: 'Error getting validation data',
      fetching: current,
      projectOnly: `Go's net/url cannot parse the Location ${JSON.stringify(location)}: ${why}`,
    };
  }
  const refuse = (
    rule: RedirectRule,
    message: string,
    extra: { projectOnly?: string } = {},
  ): RedirectDecision => ({
    ok: false,
    rule,
    message,
    fetching: location,
    url: goString(resolved),
    ...extra,
  });
  // Boulder checks the count before counting this one: 11 redirects are followed, the 12th fails.
  if (input.followed > MAX_REDIRECTS) return refuse('too-many', 'Too many redirects');
  if (!REDIRECT_STATUSES.includes(status)) {
    return refuse(status === 303 ? 'status-303' : 'status', 'received disallowed redirect status code');
  }
  const target = toTarget(resolved);
  const scheme = target.parsed.scheme;
  if (scheme !== 'http' && scheme !== 'https') {
    return refuse(
      'scheme',
      `Invalid protocol scheme in redirect target. Only "http" and "https" protocol schemes are supported, not ${JSON.stringify(scheme)}`,
    );
  }
  const port = goPort(target.parsed);
  if (port !== '' && !ALLOWED_REDIRECT_PORTS.includes(Number(port))) {
    return refuse(
      'port',
      `Invalid port in redirect target. Only ports ${ALLOWED_REDIRECT_PORTS.join(' and ')} are supported, not ${Number(port)}`,
    );
  }
  if (target.host === '') return refuse('empty-host', 'Invalid empty host in redirect target');
  if (target.host.endsWith('.well-known')) {
    return refuse(
      'well-known-host',
      `Invalid host in redirect target ${JSON.stringify(target.host)}. Check webserver config for missing '/' in redirect target.`,
    );
  }
  if (target.isIp) {
    const refused = ipHostRefusal(target.host, input.allow);
    if (refused) return refuse('reserved-ip', refused.message, refused.extra);
  } else if (!publicSuffixOf(target.host, input.extraPublicSuffixes) || target.host.endsWith('.')) {
    // publicsuffix-go finds no rule for a name with a trailing dot either.
    return refuse('public-suffix', 'Invalid host in redirect target, must end in IANA registered TLD');
  }
  if (Buffer.byteLength(goPath(target.parsed)) > MAX_REDIRECT_PATH_BYTES)
    return refuse('path-too-long', 'Redirect target too long');
  if (input.visited.includes(target.url)) return refuse('loop', 'Redirect loop detected');
  return { ok: true, target };
}
