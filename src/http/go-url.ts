/**
 * URLs as Go's net/url reads a redirect's Location (the CA's HTTP client resolves it with
 * req.URL.Parse(location)). WHATWG URL (node:url) differs where it matters to the CA:
 * `https:///x` and `http:/x` keep an empty host in Go (the CA refuses them) but WHATWG repairs
 * them; hosts are not IPv4-normalised (`http://0x7f.1/` stays a name); paths keep their escaping.
 * Behaviour follows the Go documentation and source of net/url (Parse, ResolveReference,
 * String, Hostname, Port); written here in TypeScript. Pure.
 */
import net from 'node:net';

export interface GoUrl {
  scheme: string;
  opaque: string;
  /** host[:port] as unescaped by Go; IPv6 in brackets. */
  host: string;
  hasUser: boolean;
  /** The path as written (escaped form). */
  rawPath: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
}

export class GoUrlError extends Error {}

const HEX = /^[0-9a-fA-F]{2}$/;
const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);

/** Go's shouldEscape for the modes used here. */
function shouldEscape(c: string, mode: 'host' | 'zone' | 'path' | 'userinfo'): boolean {
  if (isAlnum(c)) return false;
  if ((mode === 'host' || mode === 'zone') && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    if (mode === 'path') return c === '?';
    if (mode === 'userinfo') return c === '@' || c === '/' || c === '?' || c === ':';
  }
  return true;
}

/** Go's unescape: every % needs two hex digits; a host may %-encode only non-ASCII bytes (and %25). */
function unescape(s: string, mode: 'host' | 'zone' | 'path' | 'userinfo'): string {
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x25) {
      const hex = raw.subarray(i + 1, i + 3).toString('latin1');
      if (!HEX.test(hex))
        throw new GoUrlError(`invalid URL escape "${raw.subarray(i, i + 3).toString('latin1')}"`);
      const v = parseInt(hex, 16);
      if (mode === 'host' && v < 0x80 && hex !== '25') throw new GoUrlError(`invalid URL escape "%${hex}"`);
      bytes.push(v);
      i += 2;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && b < 0x80 && shouldEscape(String.fromCharCode(b), mode)) {
      throw new GoUrlError(`invalid character "${String.fromCharCode(b)}" in host name`);
    }
    bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Percent-encodes what Go escapes in a path (encodePath). */
function escapePath(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, 'path') ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's validEncoded for paths: RawPath is kept when it only uses characters Go leaves alone. */
function validEncodedPath(s: string): boolean {
  for (const c of s) {
    if (`!$&'()*+,;=:@[]%`.includes(c)) continue;
    if (c.length !== 1 || c.charCodeAt(0) >= 0x80 || shouldEscape(c, 'path')) return false;
  }
  return true;
}

const validOptionalPort = (p: string): boolean => p === '' || /^:[0-9]*$/.test(p);

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new GoUrlError(`missing ']' in host`);
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new GoUrlError(`invalid port "${colonPort}" after host`);
    const inner = host.slice(1, i);
    const zone = inner.indexOf('%25');
    const addr = zone >= 0 ? inner.slice(0, zone) : inner;
    // Go rejects bracketed hosts that are not IPv6 addresses (net/url, Go 1.25.2 / CVE-2025-47912).
    if (net.isIPv6(addr) === false) throw new GoUrlError(`invalid IPv6 host`);
    if (zone >= 0) return `[${unescape(addr, 'host')}${unescape(inner.slice(zone), 'zone')}]${colonPort}`;
    return unescape(host, 'host');
  }
  const i = host.lastIndexOf(':');
  if (i >= 0) {
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) throw new GoUrlError(`invalid port "${colonPort}" after host`);
  }
  return unescape(host, 'host');
}

/** Go's getScheme: a scheme is letters, then letters, digits, + - . up to the first ':'. */
function splitScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new GoUrlError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

/** Go's url.Parse. Throws GoUrlError where Go returns an error. */
export function parseGoUrl(input: string): GoUrl {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(input)) throw new GoUrlError('invalid control character in URL');
  const hash = input.indexOf('#');
  const withoutFrag = hash >= 0 ? input.slice(0, hash) : input;
  const fragment = hash >= 0 ? unescape(input.slice(hash + 1), 'path') : '';
  const [schemeRaw, afterScheme] = splitScheme(withoutFrag);
  const u: GoUrl = {
    scheme: schemeRaw.toLowerCase(),
    opaque: '',
    host: '',
    hasUser: false,
    rawPath: '',
    rawQuery: '',
    forceQuery: false,
    fragment,
  };
  let rest = afterScheme;
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    const slash = rest.indexOf('/');
    const first = slash >= 0 ? rest.slice(0, slash) : rest;
    if (first.includes(':')) throw new GoUrlError('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      unescape(authority.slice(0, at), 'userinfo');
      u.hasUser = true;
    }
    u.host = parseHost(at >= 0 ? authority.slice(at + 1) : authority);
  }
  unescape(rest, 'path');
  u.rawPath = rest;
  return u;
}

/** RFC 3986 §5.2.4 dot-segment removal as Go's resolvePath applies it. */
function resolvePath(base: string, ref: string): string {
  let full: string;
  if (ref === '') full = base;
  else if (!ref.startsWith('/')) full = base.slice(0, base.lastIndexOf('/') + 1) + ref;
  else full = ref;
  if (full === '') return '';
  const out: string[] = [];
  const segs = full.split('/');
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]!;
    if (i === 0 && s === '') continue;
    if (s === '.') continue;
    if (s === '..') {
      out.pop();
      continue;
    }
    out.push(s);
  }
  const last = segs[segs.length - 1];
  let r = '/' + out.join('/');
  if ((last === '.' || last === '..') && !r.endsWith('/')) r += '/';
  return r.replace(/^\/\//, '/');
}

/** Go's base.ResolveReference(ref). */
export function resolveGoUrl(base: GoUrl, ref: GoUrl): GoUrl {
  const url: GoUrl = { ...ref };
  if (ref.scheme === '') url.scheme = base.scheme;
  if (ref.scheme !== '' || ref.host !== '' || ref.hasUser) {
    url.rawPath = resolvePath(ref.opaque !== '' ? '' : ref.rawPath, '');
    return url;
  }
  if (ref.opaque !== '') {
    url.host = '';
    url.hasUser = false;
    url.rawPath = '';
    return url;
  }
  if (ref.rawPath === '' && !ref.forceQuery && ref.rawQuery === '') {
    url.rawQuery = base.rawQuery;
    if (ref.fragment === '') url.fragment = base.fragment;
  }
  url.host = base.host;
  url.hasUser = base.hasUser;
  url.rawPath = resolvePath(base.rawPath, ref.rawPath);
  return url;
}

/** Go's URL.Hostname(): the host without port and brackets (a zone stays). */
export function goHostname(u: GoUrl): string {
  const h = u.host;
  if (h.startsWith('[')) {
    const i = h.lastIndexOf(']');
    return h.slice(1, i);
  }
  const i = h.lastIndexOf(':');
  return i >= 0 ? h.slice(0, i) : h;
}

/** Go's URL.Port(): digits after the last colon, or "". */
export function goPort(u: GoUrl): string {
  const h = u.host;
  const close = h.lastIndexOf(']');
  const i = h.lastIndexOf(':');
  if (i < 0 || i < close) return '';
  const p = h.slice(i + 1);
  return /^[0-9]+$/.test(p) ? p : '';
}

/** Go's EscapedPath(): the path as written when Go keeps it, else Go's escaping of the decoded path. */
export function goEscapedPath(u: GoUrl): string {
  if (validEncodedPath(u.rawPath)) return u.rawPath;
  return escapePath(unescape(u.rawPath, 'path'));
}

/** The decoded path (Go's URL.Path), whose byte length the CA limits. */
export const goPath = (u: GoUrl): string => unescape(u.rawPath, 'path');

/** Go's URL.String(), the form the CA compares to detect a redirect loop. */
export function goString(u: GoUrl): string {
  let s = u.scheme !== '' ? `${u.scheme}:` : '';
  if (u.opaque !== '') s += u.opaque;
  else {
    const path = goEscapedPath(u);
    if (u.scheme !== '' || u.host !== '' || u.hasUser) {
      if (u.host !== '' || path !== '' || u.hasUser) s += '//';
      s += escapeHost(u.host);
    }
    if (path !== '' && !path.startsWith('/') && u.host !== '') s += '/';
    s += path;
  }
  if (u.forceQuery || u.rawQuery !== '') s += `?${u.rawQuery}`;
  if (u.fragment !== '') s += `#${escapePath(u.fragment)}`;
  return s;
}

function escapeHost(h: string): string {
  let out = '';
  for (const b of Buffer.from(h, 'utf8')) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscape(c, 'host') ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The request target Go sends: escaped path (or "/") plus the query. */
export function goRequestUri(u: GoUrl): string {
  const path = u.opaque !== '' ? u.opaque : goEscapedPath(u) || '/';
  return u.forceQuery || u.rawQuery !== '' ? `${path}?${u.rawQuery}` : path;
}
