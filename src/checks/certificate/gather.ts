/** Gathers the certificate served on the TLS port at every address of a name. */
import net from 'node:net';
import type { NetworkProfile } from '../../profile.js';
import { addressesOfHost, type ResolveAddresses } from '../../http/fetch.js';
import { reservedRange } from '../../net/reserved.js';
import { tlsHandshake, type TlsHandshakeResult } from '../../http/tls.js';
import { pickAddresses } from '../fan-out.js';
import type { NameRef } from '../../identifiers.js';

export interface CertAddressEvidence {
  address: string;
  family: 4 | 6;
  handshake: TlsHandshakeResult;
  /** A TLS 1.0/1.1-only retry, made when the TLS 1.2+ handshake failed. */
  legacy?: TlsHandshakeResult;
}

export interface CertificateEvidence {
  identifier: string;
  addresses: CertAddressEvidence[];
  resolutionError?: string;
  /** Usable addresses not probed (see OTHER_ADDRESS_PROBES); absent when every one was. */
  notProbed?: number;
}

export async function probeCertificate(
  id: NameRef,
  deps: { profile: NetworkProfile; resolveAddresses: ResolveAddresses },
): Promise<CertificateEvidence> {
  const { profile } = deps;
  const host = id.base;
  const literal = net.isIP(host) !== 0;
  const r = await addressesOfHost(host, deps.resolveAddresses);
  const ok = (a: string): boolean => !reservedRange(a, { allow: profile.allowAddresses });
  const { picked: list, notProbed } = pickAddresses(r.v6.filter(ok), r.v4.filter(ok));
  const base = {
    port: profile.tlsPort,
    servername: literal ? undefined : host,
    dialMs: profile.timeouts.httpDialMs,
    timeoutMs: profile.timeouts.httpDialMs,
    allow: profile.allowAddresses,
  };
  const addresses = await Promise.all(
    list.map(async ({ address, family }): Promise<CertAddressEvidence> => {
      const handshake = await tlsHandshake({ ...base, address });
      const e: CertAddressEvidence = { address, family, handshake };
      if (handshake.outcome === 'tls-error') {
        e.legacy = await tlsHandshake({ ...base, address, minVersion: 'TLSv1', maxVersion: 'TLSv1.1' });
      }
      return e;
    }),
  );
  const ev: CertificateEvidence = { identifier: id.value, addresses };
  if (list.length === 0 && r.error) ev.resolutionError = r.error.message;
  if (notProbed > 0) ev.notProbed = notProbed;
  return ev;
}
