/**
 * The CA's redirect rules (Boulder va/http.go processRedirect; CA-RULES "HTTP-01"). Pure.
 * Ports: a redirect may only name 80 or 443; the prober maps 80 to profile.httpPort and 443 to
 * profile.tlsPort (see targetPort), so lab servers on high ports behave like the real ones.
 */
import { publicSuffixOf } from '../net/psl.js';
import { isIpAddress, reservedRange } from '../net/reserved.js';
import {
  ALLOWED_REDIRECT_PORTS,
  MAX_REDIRECTS,
  MAX_REDIRECT_PATH_BYTES,
  REDIRECT_STATUSES,
} from './constants.js';

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
  url: string;
  scheme: 'http' | 'https';
  /** Lower-case host; IPv6 without brackets. */
  host: string;
  isIp: boolean;
  /** The port the CA would use: 80 or 443. */
  caPort: 80 | 443;
  /** Path and query as sent on the request line. */
  path: string;
}

export type RedirectDecision =
  { ok: true; target: FetchTarget } | { ok: false; rule: RedirectRule; message: string; url?: string };

export const isRedirectStatus = (status: number): boolean => status >= 300 && status < 400;

/** Maps the CA's port (80/443) to the profile's (tests use high ports on loopback). */
export function targetPort(caPort: 80 | 443, ports: { httpPort: number; tlsPort: number }): number {
  return caPort === 80 ? ports.httpPort : ports.tlsPort;
}

export function parseTarget(url: URL): FetchTarget {
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
  return {
    url: url.href,
    scheme,
    host,
    isIp: isIpAddress(host),
    caPort: port === 443 ? 443 : 80,
    path: url.pathname + url.search,
  };
}

/**
 * Decides whether the CA follows a 3xx response.
 * `followed` is how many redirects were already followed; `visited` the URLs fetched so far.
 */
export function checkRedirect(input: {
  status: number;
  location: string;
  base: string;
  followed: number;
  visited: readonly string[];
  allow: readonly string[];
  /** Lab suffixes treated as public (the profile's extraPublicSuffixes). */
  extraPublicSuffixes?: readonly string[];
}): RedirectDecision {
  const { status, location } = input;
  if (status === 303) {
    return {
      ok: false,
      rule: 'status-303',
      message: `Received disallowed redirect status code 303 (only 301, 302, 307 and 308 are followed)`,
    };
  }
  if (!REDIRECT_STATUSES.includes(status)) {
    return { ok: false, rule: 'status', message: `Received disallowed redirect status code ${status}` };
  }
  if (input.followed >= MAX_REDIRECTS) {
    return { ok: false, rule: 'too-many', message: `Too many redirects (more than ${MAX_REDIRECTS})` };
  }
  let url: URL;
  try {
    url = new URL(location, input.base);
  } catch {
    return { ok: false, rule: 'bad-url', message: `Invalid redirect target ${JSON.stringify(location)}` };
  }
  const href = url.href;
  if (input.visited.includes(href)) {
    return { ok: false, rule: 'loop', message: `Redirect loop detected at ${href}`, url: href };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const scheme = url.protocol.replace(/:$/, '');
    return {
      ok: false,
      rule: 'scheme',
      message: `Invalid protocol scheme in redirect target. Only "http" and "https" protocol schemes are supported, not "${scheme}"`,
      url: href,
    };
  }
  if (url.port !== '' && !ALLOWED_REDIRECT_PORTS.includes(Number(url.port))) {
    return {
      ok: false,
      rule: 'port',
      message: `Invalid port in redirect target. Only ports 80 and 443 are supported, not ${url.port}`,
      url: href,
    };
  }
  const target = parseTarget(url);
  if (target.host === '') {
    return { ok: false, rule: 'empty-host', message: 'Invalid empty hostname in redirect target', url: href };
  }
  if (target.host.endsWith('.well-known')) {
    return {
      ok: false,
      rule: 'well-known-host',
      message: `Invalid host in redirect target "${target.host}". Check webserver config for missing '/' in redirect target.`,
      url: href,
    };
  }
  if (target.isIp) {
    const range = reservedRange(target.host, { allow: input.allow });
    if (range) {
      return {
        ok: false,
        rule: 'reserved-ip',
        message: `Invalid host in redirect target: ${target.host} is in reserved range ${range}`,
        url: href,
      };
    }
  } else {
    const suffix = publicSuffixOf(target.host, input.extraPublicSuffixes);
    if (!suffix || suffix === target.host) {
      return {
        ok: false,
        rule: 'public-suffix',
        message: 'Invalid hostname in redirect target, must end in IANA registered TLD',
        url: href,
      };
    }
  }
  if (Buffer.byteLength(url.pathname) > MAX_REDIRECT_PATH_BYTES) {
    return {
      ok: false,
      rule: 'path-too-long',
      message: `Redirect target too long: path of ${Buffer.byteLength(url.pathname)} bytes (max ${MAX_REDIRECT_PATH_BYTES})`,
      url: href,
    };
  }
  return { ok: true, target };
}
