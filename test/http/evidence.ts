/**
 * Evidence builders for the socket-free judge tests: plain evidence objects with sensible defaults, so a
 * table row states only what differs. The shapes are the gatherers' (src/checks/http01, tlsalpn01,
 * certificate); problems are worded by the same functions the fetch uses.
 */
import { X509Certificate } from 'node:crypto';
import {
  challengeUrl,
  problemForOutcome,
  type Http01Attempt,
  type Http01Problem,
  type Http01Result,
} from '../../src/http/fetch.js';
import type { AddressProbe, Http01Evidence } from '../../src/checks/http01/index.js';
import type { TlsAlpnEvidence } from '../../src/checks/tlsalpn01/index.js';
import type { CertAddressEvidence, CertificateEvidence } from '../../src/checks/certificate/index.js';
import type { TlsHandshakeResult } from '../../src/http/tls.js';
import type { RawOutcome } from '../../src/http/raw.js';
import { ACME_TLS_ALPN, MAX_BODY_BYTES } from '../../src/http/constants.js';
import type { Pem } from './certs.js';

export const NAME = 'example.com';
export const V4 = '203.0.113.10';
export const V6 = '2001:db8::10';
export const TOKEN = 'tok3n_Ab-cdefghijklmnopqrstuvwxyz0123456789AB';
export const KEYAUTH = `${TOKEN}.thumbprint`;
export const URL0 = challengeUrl(NAME, TOKEN);

type Over<T> = Partial<T>;

/** One HTTP attempt; a `response` unless `outcome` says otherwise. */
export function attempt(over: Over<Http01Attempt> = {}): Http01Attempt {
  const a: Http01Attempt = {
    url: URL0,
    host: NAME,
    address: V4,
    port: 80,
    scheme: 'http',
    role: 'ca',
    outcome: 'response',
    headers: {},
    totalMs: 12,
    ...over,
  };
  if (a.outcome === 'response') {
    a.status ??= 404;
    a.body ??= '<html>404 Not Found</html>';
    a.bodyBytes ??= a.body.length;
    a.bodyAtLimit ??= false;
  }
  return a;
}

/** An attempt that failed before an HTTP response: refused, timeouts, reset, TLS problems. */
export const failedAttempt = (outcome: RawOutcome, over: Over<Http01Attempt> = {}): Http01Attempt =>
  attempt({ outcome, error: over.error ?? outcome, ...over });

/**
 * The CA's fetch over these attempts (the last one decides), with the problem the fetch would report.
 * `expected` is the key authorization of a real token; without it any 200 passes the fetch.
 */
export function caResult(
  attempts: Http01Attempt[],
  opts: { expected?: string; redirects?: string[]; problem?: Http01Problem } = {},
): Http01Result {
  const last = attempts[attempts.length - 1]!;
  const r: Http01Result = {
    ok: false,
    url: attempts[0]?.url ?? URL0,
    attempts,
    redirects: opts.redirects ?? [],
    reservedDropped: [],
    evidence: [],
    durationMs: 20,
  };
  if (opts.problem)
    return { ...r, problem: opts.problem, ...(last?.status ? { finalStatus: last.status } : {}) };
  if (!last) throw new Error('caResult: give attempts, or the problem that stopped the fetch before one');
  if (last.outcome !== 'response') return { ...r, problem: problemForOutcome(last) };
  const status = last.status!;
  const body = (last.body ?? '').replace(/\s+$/, '');
  const at = { ...r, finalStatus: status, body };
  if (status !== 200)
    return {
      ...at,
      problem: { type: 'unauthorized', detail: `Invalid response from ${last.url}: ${status}` },
    };
  if (last.bodyAtLimit)
    return {
      ...at,
      problem: {
        type: 'unauthorized',
        detail: `Invalid response from ${last.url}: body of ${MAX_BODY_BYTES} bytes or more: ${JSON.stringify((last.body ?? '').slice(0, 40))}`,
      },
    };
  if (opts.expected !== undefined && body !== opts.expected) {
    return {
      ...at,
      problem: {
        type: 'unauthorized',
        detail: 'The key authorization file from the server did not match this challenge',
      },
    };
  }
  return { ...at, ok: true };
}

/** One address's pinned fetch, for the per-address diagnosis. */
export function addressProbe(result: Http01Result, over: Over<AddressProbe> = {}): AddressProbe {
  const address = over.address ?? result.attempts[0]?.address ?? V4;
  return {
    address,
    family: address.includes(':') ? 6 : 4,
    caRole: 'first',
    result,
    ...over,
  };
}

/**
 * HTTP-01 evidence for NAME: a random token (no pending challenge) unless `expected` is given, one IPv4
 * address, and the CA's result doubling as that address's probe unless `perAddress` is given.
 */
export function http01Evidence(
  ca: Http01Result,
  over: Over<Http01Evidence> & { expected?: string } = {},
): Http01Evidence {
  const v4 = [...new Set(ca.attempts.filter((a) => !a.address.includes(':')).map((a) => a.address))];
  const v6 = [...new Set(ca.attempts.filter((a) => a.address.includes(':')).map((a) => a.address))];
  const ev: Http01Evidence = {
    identifier: NAME,
    token: TOKEN,
    randomToken: over.expected === undefined,
    resolution: {
      v4: v4.length || v6.length ? v4 : [V4],
      v6,
      evidence: [{ source: 'resolver', query: `A/AAAA ${NAME}`, answer: [...v6, ...v4].join(' ') }],
    },
    reserved: [],
    ca,
    perAddress: [addressProbe(ca)],
    ...over,
  };
  return ev;
}

/** One TLS handshake result; `ok` with no ALPN unless told otherwise. */
export function handshake(over: Over<TlsHandshakeResult> = {}): TlsHandshakeResult {
  const h: TlsHandshakeResult = { address: V4, port: 443, outcome: 'ok', chain: [], totalMs: 8, ...over };
  if (h.outcome === 'ok') {
    h.protocol ??= 'TLSv1.3';
    h.alpn ??= false;
  } else {
    h.error ??= h.outcome;
  }
  return h;
}

/** A handshake that negotiated acme-tls/1 and presented `chain`. */
export const alpnHandshake = (chain: string[], over: Over<TlsHandshakeResult> = {}): TlsHandshakeResult =>
  handshake({ alpn: ACME_TLS_ALPN, chain, ...over });

export function tlsAlpnEvidence(
  attempts: TlsHandshakeResult[],
  over: Over<TlsAlpnEvidence> = {},
): TlsAlpnEvidence {
  return { identifier: NAME, attempts, ...over };
}

export function certAddress(
  h: TlsHandshakeResult,
  over: Over<CertAddressEvidence> = {},
): CertAddressEvidence {
  return { address: h.address, family: h.address.includes(':') ? 6 : 4, handshake: h, ...over };
}

export function certEvidence(
  addresses: CertAddressEvidence[],
  over: Over<CertificateEvidence> = {},
): CertificateEvidence {
  return { identifier: NAME, addresses, ...over };
}

/** PEM certificates as the handshake records them: base64 DER, leaf first. */
export const chainOf = (...pems: (Pem | string)[]): string[] =>
  pems.map((p) => new X509Certificate(typeof p === 'string' ? p : p.cert).raw.toString('base64'));
