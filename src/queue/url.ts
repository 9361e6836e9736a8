/** The Redis a queue lives on, from a `redis://` URL; the password never leaves this module in a message. */
import type { RedisOptions } from 'bullmq';
import { UsageError } from '../errors.js';

export interface QueueTarget {
  /** Connection options for BullMQ (host, port, credentials, db, TLS). */
  connection: RedisOptions;
  /** The URL with any password replaced by `***`: the only form printed. */
  display: string;
  /** Strings that must never appear in output (the password, raw and URL-encoded). */
  secrets: string[];
}

const SHAPE = 'redis://[user:password@]host[:port][/db] (or rediss:// for TLS)';

/**
 * Parses `redis://` or `rediss://` (TLS) with the platform's URL parser. Any other scheme is refused; so
 * are query strings (no option hides in one). `password` (e.g. from ACME_PREFLIGHT_REDIS_PASSWORD) is used
 * when the URL has none, so it need not appear on a command line.
 */
export function parseQueueUrl(text: string, opts: { password?: string } = {}): QueueTarget {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    // The input is not echoed: it may hold a password.
    throw new UsageError(`--queue is not a URL; expected ${SHAPE}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new UsageError(
      `--queue must be a redis:// or rediss:// URL, not ${url.protocol.replace(/:$/, '')}:`,
    );
  if (!url.hostname) throw new UsageError(`--queue has no host; expected ${SHAPE}`);
  if (url.search || url.hash) throw new UsageError(`--queue takes no query or fragment; expected ${SHAPE}`);
  const port = url.port ? Number(url.port) : 6379;
  const path = url.pathname.replace(/^\//, '');
  if (path && !/^\d{1,4}$/.test(path))
    throw new UsageError(`--queue database must be a number (redis://host:port/0); expected ${SHAPE}`);
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new UsageError('--queue has a badly escaped user or password');
    }
  };
  const username = url.username ? decode(url.username) : undefined;
  const password = url.password ? decode(url.password) : opts.password || undefined;
  // IPv6 literals come back bracketed from URL; the socket wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const connection: RedisOptions = {
    host,
    port,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    ...(path ? { db: Number(path) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: { servername: host } } : {}),
  };
  const shown = new URL(url.href);
  if (shown.password) shown.password = '***';
  const secrets = password ? [...new Set([password, url.password, encodeURIComponent(password)])] : [];
  return { connection, display: shown.href, secrets: secrets.filter(Boolean) };
}

/** Replaces every secret in a message (a driver's error may quote its options) with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}
