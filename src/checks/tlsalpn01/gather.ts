/** TLS-ALPN-01 evidence (RFC 8737; Boulder va/tlsalpn.go): handshakes with the name's addresses, in CA order. */
import net from 'node:net';
import type { NetworkProfile } from '../../profile.js';
import { addressesOfHost, type ResolveAddresses } from '../../http/fetch.js';
import { reservedRange } from '../../net/reserved.js';
import { tlsHandshake, type TlsHandshakeResult } from '../../http/tls.js';
import { ACME_TLS_ALPN } from '../../http/constants.js';
import { caNoAddresses } from '../../report/ca-messages.js';
import type { NameRef } from '../../identifiers.js';

export interface TlsAlpnEvidence {
  identifier: string;
  /** In CA order: the first IPv6 address, then the first IPv4 address after any error. */
  attempts: TlsHandshakeResult[];
  noAddresses?: string;
  /** The key authorization of a pending challenge, when known. */
  expected?: string;
}

export async function probeTlsAlpn01(
  id: NameRef,
  deps: { profile: NetworkProfile; resolveAddresses: ResolveAddresses; expected?: string },
): Promise<TlsAlpnEvidence> {
  const { profile } = deps;
  const host = id.base;
  const literal = net.isIP(host) !== 0;
  const r = await addressesOfHost(host, deps.resolveAddresses);
  const ok = (a: string): boolean => !reservedRange(a, { allow: profile.allowAddresses });
  const v6 = r.v6.filter(ok);
  const v4 = r.v4.filter(ok);
  const ev: TlsAlpnEvidence = { identifier: id.value, attempts: [] };
  if (deps.expected !== undefined) ev.expected = deps.expected;
  if (v6.length + v4.length === 0) {
    ev.noAddresses = r.error?.message ?? `DNS problem: ${caNoAddresses(host)}`;
    return ev;
  }
  const order = [v6[0], v4[0]].filter((a): a is string => a !== undefined);
  for (const address of order) {
    const h = await tlsHandshake({
      address,
      port: profile.tlsPort,
      servername: literal ? undefined : host,
      alpn: [ACME_TLS_ALPN],
      minVersion: 'TLSv1.2',
      dialMs: profile.timeouts.httpDialMs,
      timeoutMs: profile.timeouts.httpTotalMs,
      allow: profile.allowAddresses,
    });
    ev.attempts.push(h);
    // Boulder va/tlsalpn.go: the IPv4 fallback follows any IPv6 error.
    if (h.outcome === 'ok') break;
  }
  return ev;
}
