/** One TLS handshake to one pinned address, no certificate verification: what the server sends. */
import net from 'node:net';
import tls from 'node:tls';
import { assertConnectable } from '../net/reserved.js';

export type TlsOutcome =
  | 'ok'
  | 'refused'
  | 'connect-timeout'
  | 'unreachable'
  | 'handshake-timeout'
  | 'reset'
  | 'http-on-tls'
  | 'tls-error'
  | 'reserved';

export interface TlsHandshakeRequest {
  address: string;
  port: number;
  /** SNI; omitted for IP identifiers. */
  servername?: string;
  alpn?: string[];
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  dialMs: number;
  timeoutMs: number;
  allow: readonly string[];
}

export interface TlsHandshakeResult {
  address: string;
  port: number;
  outcome: TlsOutcome;
  protocol?: string;
  /** Negotiated ALPN protocol, or false when none. */
  alpn?: string | false;
  /** Certificates as sent (leaf first), base64 DER. */
  chain: string[];
  error?: string;
  errorCode?: string;
  totalMs: number;
}

const HTTP_ON_TLS = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
]);
const UNREACHABLE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'ENETDOWN']);

const noLookup: net.LookupFunction = () => {
  throw new Error('name lookups are not allowed: connect to a pinned address');
};

function chainOf(t: tls.TLSSocket): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  let c = t.getPeerCertificate(true) as tls.DetailedPeerCertificate | undefined;
  while (c && c.raw && !seen.has(c.fingerprint256)) {
    seen.add(c.fingerprint256);
    out.push(c.raw.toString('base64'));
    c = c.issuerCertificate;
  }
  return out;
}

export function tlsHandshake(req: TlsHandshakeRequest): Promise<TlsHandshakeResult> {
  const started = Date.now();
  const base: TlsHandshakeResult = {
    address: req.address,
    port: req.port,
    outcome: 'ok',
    chain: [],
    totalMs: 0,
  };
  try {
    assertConnectable(req.address, { allow: req.allow });
  } catch (e) {
    return Promise.resolve({ ...base, outcome: 'reserved', error: (e as Error).message });
  }
  return new Promise((resolve) => {
    let done = false;
    let t: tls.TLSSocket | undefined;
    let connected = false;
    const sock = net.connect({ host: req.address, port: req.port, lookup: noLookup });
    const finish = (outcome: TlsOutcome, extra: Partial<TlsHandshakeResult> = {}): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      t?.destroy();
      sock.destroy();
      resolve({ ...base, ...extra, outcome, totalMs: Date.now() - started });
    };
    let timer = setTimeout(() => finish('connect-timeout', { error: 'no answer to connect' }), req.dialMs);
    sock.on('error', (e: NodeJS.ErrnoException) => {
      if (!connected && e.code === 'ECONNREFUSED') return finish('refused', { error: 'connection refused' });
      if (!connected && e.code && UNREACHABLE.has(e.code)) return finish('unreachable', { error: e.message });
      finish(e.code === 'ECONNRESET' ? 'reset' : 'tls-error', { error: e.message, errorCode: e.code });
    });
    sock.on('connect', () => {
      connected = true;
      clearTimeout(timer);
      timer = setTimeout(
        () => finish('handshake-timeout', { error: 'no TLS handshake after connect' }),
        req.timeoutMs,
      );
      const opts: tls.ConnectionOptions = {
        socket: sock,
        rejectUnauthorized: false,
        minVersion: req.minVersion ?? 'TLSv1.2',
      };
      if (req.servername) opts.servername = req.servername;
      if (req.maxVersion) opts.maxVersion = req.maxVersion;
      if (req.alpn) opts.ALPNProtocols = req.alpn;
      // Legacy probes must be allowed to offer the old ciphers OpenSSL 3 hides at level 1+.
      if (req.maxVersion === 'TLSv1.1' || req.maxVersion === 'TLSv1') opts.ciphers = 'DEFAULT:@SECLEVEL=0';
      t = tls.connect(opts);
      t.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code && HTTP_ON_TLS.has(e.code))
          return finish('http-on-tls', { error: 'Server only speaks HTTP, not TLS', errorCode: e.code });
        if (e.code === 'ECONNRESET')
          return finish('reset', { error: 'connection reset by peer', errorCode: e.code });
        finish('tls-error', { error: e.message, errorCode: e.code });
      });
      t.on('secureConnect', () => {
        const s = t!;
        finish('ok', {
          protocol: s.getProtocol() ?? undefined,
          alpn: s.alpnProtocol ?? false,
          chain: chainOf(s),
        });
      });
    });
  });
}
