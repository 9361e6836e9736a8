/**
 * One HTTP/1.1 GET to one pinned address, hand-framed over node:net (and node:tls), so that no
 * system resolver is used and every byte read is bounded (headers, body, time).
 */
import net from 'node:net';
import tls from 'node:tls';
import { assertConnectable, ReservedAddressError } from '../net/reserved.js';

export type RawOutcome =
  | 'response'
  | 'refused'
  | 'connect-timeout'
  | 'unreachable'
  | 'read-timeout'
  | 'reset'
  | 'tls-error'
  | 'http-on-tls'
  | 'protocol-error'
  | 'headers-too-large'
  | 'reserved';

/** Outcomes after which the CA tries the first IPv4 address (connect failures only). */
export const CONNECT_FAILURES: readonly RawOutcome[] = ['refused', 'connect-timeout', 'unreachable'];

export interface RawRequest {
  address: string;
  port: number;
  /** Present for https: SNI (omitted for IP literals) without certificate verification. */
  tls?: { servername?: string };
  hostHeader: string;
  path: string;
  userAgent: string;
  dialMs: number;
  /** Epoch ms after which the attempt is abandoned. */
  deadline: number;
  maxHeaderBytes: number;
  maxBodyBytes: number;
  allow: readonly string[];
  /** Resolve right after the headers (for redirects). */
  headersOnly?: (status: number) => boolean;
}

export interface RawResponse {
  outcome: RawOutcome;
  status?: number;
  headers: [string, string][];
  /** At most maxBodyBytes bytes. */
  body: Buffer;
  /** The body reached maxBodyBytes (more may have followed). */
  bodyAtLimit: boolean;
  error?: string;
  connectMs?: number;
  totalMs: number;
  tlsProtocol?: string;
}

const CONNECT_UNREACHABLE = new Set([
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'EAFNOSUPPORT',
  'ENETDOWN',
]);
const HTTP_ON_TLS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);

/** Never resolves names: an IP literal is required, and lookups are refused outright. */
const noLookup: net.LookupFunction = () => {
  throw new Error('name lookups are not allowed: connect to a pinned address');
};

export function rawGet(req: RawRequest): Promise<RawResponse> {
  const started = Date.now();
  const res: RawResponse = {
    outcome: 'response',
    headers: [],
    body: Buffer.alloc(0),
    bodyAtLimit: false,
    totalMs: 0,
  };
  const refused = refusedAddress(req, res);
  if (refused) return Promise.resolve(refused);
  return new Promise<RawResponse>((resolve) => {
    let done = false;
    let stream: net.Socket | tls.TLSSocket | undefined;
    const sock = net.connect({ host: req.address, port: req.port, lookup: noLookup });
    const finish = (outcome: RawOutcome, error?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(dialTimer);
      clearTimeout(readTimer);
      res.outcome = outcome;
      if (error !== undefined) res.error = error;
      res.totalMs = Date.now() - started;
      stream?.destroy();
      sock.destroy();
      resolve(res);
    };
    const dialMs = Math.max(1, Math.min(req.dialMs, req.deadline - started));
    const dialTimer = setTimeout(
      () => finish('connect-timeout', `no answer to connect within ${dialMs} ms`),
      dialMs,
    );
    let readTimer: NodeJS.Timeout | undefined;
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (sock.connecting || res.connectMs === undefined) {
        if (e.code === 'ECONNREFUSED') return finish('refused', 'connection refused');
        if (e.code && CONNECT_UNREACHABLE.has(e.code)) return finish('unreachable', e.message);
      }
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return finish('reset', 'connection reset by peer');
      finish('protocol-error', e.message);
    });
    sock.on('connect', () => {
      res.connectMs = Date.now() - started;
      clearTimeout(dialTimer);
      const remaining = Math.max(1, req.deadline - Date.now());
      readTimer = setTimeout(
        () => finish('read-timeout', `no complete response within ${remaining} ms of connecting`),
        remaining,
      );
      if (req.tls) {
        const t = tls.connect({
          socket: sock,
          servername: req.tls.servername,
          rejectUnauthorized: false,
          minVersion: 'TLSv1.2',
          ALPNProtocols: ['http/1.1'],
        });
        stream = t;
        t.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code && HTTP_ON_TLS.has(e.code))
            return finish('http-on-tls', 'Server only speaks HTTP, not TLS');
          if (e.code === 'ECONNRESET') return finish('reset', 'connection reset by peer');
          finish(t.encrypted && res.tlsProtocol ? 'protocol-error' : 'tls-error', e.message);
        });
        t.on('secureConnect', () => {
          res.tlsProtocol = t.getProtocol() ?? undefined;
          exchange(t, req, res, finish);
        });
      } else {
        stream = sock;
        exchange(sock, req, res, finish);
      }
    });
  });
}

/** The address checks before any socket: reserved (unless allowed) and IP literal only. */
function refusedAddress(req: RawRequest, res: RawResponse): RawResponse | undefined {
  try {
    assertConnectable(req.address, { allow: req.allow });
  } catch (e) {
    const msg = e instanceof ReservedAddressError ? e.message : String(e);
    return { ...res, outcome: 'reserved', error: msg };
  }
  if (!net.isIP(req.address))
    return { ...res, outcome: 'protocol-error', error: `not an IP address: ${req.address}` };
  return undefined;
}

/** Writes the GET on a connected stream and reads the answer into res, within the reader's limits. */
function exchange(
  s: net.Socket,
  req: RawRequest,
  res: RawResponse,
  finish: (outcome: RawOutcome, error?: string) => void,
): void {
  s.write(
    `GET ${req.path} HTTP/1.1\r\nHost: ${req.hostHeader}\r\nUser-Agent: ${req.userAgent}\r\n` +
      `Accept: */*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n`,
  );
  const reader = new ResponseReader(req.maxHeaderBytes, req.maxBodyBytes, req.headersOnly);
  const settle = (r: ReadResult): void => {
    if (r === 'more') return;
    if (reader.status !== undefined) res.status = reader.status;
    res.headers = reader.headers;
    res.body = reader.body();
    res.bodyAtLimit = res.body.length >= req.maxBodyBytes;
    if (r === 'done') finish('response');
    else finish(r.outcome, r.error);
  };
  s.on('data', (chunk: Buffer) => settle(reader.push(chunk)));
  s.on('end', () => settle(reader.end()));
}

type ReadResult = 'more' | 'done' | { outcome: RawOutcome; error: string };

/** Incremental HTTP/1.1 response parser with hard limits. */
export class ResponseReader {
  status?: number;
  headers: [string, string][] = [];
  private head = Buffer.alloc(0);
  private inBody = false;
  private chunks: Buffer[] = [];
  private bodyLen = 0;
  private mode: 'length' | 'chunked' | 'close' = 'close';
  private remaining = 0;
  // chunked state
  private chunkLeft = 0;
  private line = '';
  private chunkState: 'size' | 'data' | 'crlf' = 'size';

  constructor(
    private readonly maxHeaderBytes: number,
    private readonly maxBodyBytes: number,
    private readonly headersOnly?: (status: number) => boolean,
  ) {}

  body(): Buffer {
    return Buffer.concat(this.chunks).subarray(0, this.maxBodyBytes);
  }

  push(chunk: Buffer): ReadResult {
    if (!this.inBody) {
      this.head = Buffer.concat([this.head, chunk]);
      const end = this.head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.head.length >= 5 && !this.head.subarray(0, 5).toString('latin1').startsWith('HTTP/')) {
          return { outcome: 'protocol-error', error: 'malformed HTTP response (not HTTP)' };
        }
        if (this.head.length > this.maxHeaderBytes) {
          return {
            outcome: 'headers-too-large',
            error: `response headers exceed ${this.maxHeaderBytes} bytes`,
          };
        }
        return 'more';
      }
      if (end > this.maxHeaderBytes) {
        return {
          outcome: 'headers-too-large',
          error: `response headers exceed ${this.maxHeaderBytes} bytes`,
        };
      }
      const parsed = this.parseHead(this.head.subarray(0, end).toString('latin1'));
      if (parsed !== 'ok') return parsed;
      this.inBody = true;
      const rest = this.head.subarray(end + 4);
      this.head = Buffer.alloc(0);
      if (this.headersOnly?.(this.status ?? 0)) return 'done';
      if (this.mode === 'length' && this.remaining === 0) return 'done';
      return rest.length > 0 ? this.pushBody(rest) : 'more';
    }
    return this.pushBody(chunk);
  }

  end(): Exclude<ReadResult, 'more'> {
    if (!this.inBody)
      return { outcome: 'protocol-error', error: 'connection closed before a complete response' };
    return 'done';
  }

  private parseHead(text: string): 'ok' | { outcome: RawOutcome; error: string } {
    const lines = text.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!m)
      return {
        outcome: 'protocol-error',
        error: `malformed HTTP status line ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`,
      };
    this.status = Number(m[1]);
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i <= 0) continue;
      this.headers.push([l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()]);
    }
    const te = this.header('transfer-encoding');
    const cl = this.header('content-length');
    if (te && /chunked/i.test(te)) this.mode = 'chunked';
    else if (cl !== undefined && /^\d+$/.test(cl)) {
      this.mode = 'length';
      this.remaining = Number(cl);
    }
    return 'ok';
  }

  header(name: string): string | undefined {
    return this.headers.find(([k]) => k === name)?.[1];
  }

  private take(data: Buffer): boolean {
    const room = this.maxBodyBytes - this.bodyLen;
    if (room > 0) {
      const part = data.subarray(0, room);
      this.chunks.push(part);
      this.bodyLen += part.length;
    }
    return this.bodyLen >= this.maxBodyBytes;
  }

  private pushBody(data: Buffer): ReadResult {
    if (this.mode === 'close') return this.take(data) ? 'done' : 'more';
    if (this.mode === 'length') {
      const part = data.subarray(0, this.remaining);
      this.remaining -= part.length;
      if (this.take(part)) return 'done';
      return this.remaining <= 0 ? 'done' : 'more';
    }
    let i = 0;
    while (i < data.length) {
      if (this.chunkState === 'size') {
        const c = String.fromCharCode(data[i++]!);
        if (c === '\n') {
          // Hex digits only, at most 16 (Go's parseHexUint): parseInt took "-5" and then looped forever.
          const field = this.line.split(';')[0]!.trim();
          this.line = '';
          if (!/^[0-9a-fA-F]{1,16}$/.test(field))
            return { outcome: 'protocol-error', error: 'malformed chunked encoding' };
          const size = parseInt(field, 16);
          if (size === 0) return 'done';
          this.chunkLeft = size;
          this.chunkState = 'data';
        } else if (c !== '\r') {
          this.line += c;
          if (this.line.length > 1024)
            return { outcome: 'protocol-error', error: 'malformed chunked encoding' };
        }
      } else if (this.chunkState === 'data') {
        const part = data.subarray(i, i + this.chunkLeft);
        i += part.length;
        this.chunkLeft -= part.length;
        if (this.take(part)) return 'done';
        if (this.chunkLeft === 0) this.chunkState = 'crlf';
      } else {
        if (data[i++] === 0x0a) this.chunkState = 'size';
      }
    }
    return 'more';
  }
}
