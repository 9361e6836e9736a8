/** Gathers HTTP-01 evidence: the CA's own fetch, plus one pinned fetch per address for diagnosis. */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import type { NetworkProfile } from '../../profile.js';
import type { Evidence } from '../../report/finding.js';
import { reservedRange } from '../../net/reserved.js';
import {
  addressesOfHost,
  challengeUrl,
  fetchLikeCa,
  type Http01Result,
  type ResolveAddresses,
} from '../../http/fetch.js';
import { tlsHandshake, type TlsOutcome } from '../../http/tls.js';
import { cdnForAddress } from '../../http/cdn-ranges.js';
import { pickAddresses } from '../fan-out.js';
import type { NameRef } from '../../identifiers.js';

export interface Http01Deps {
  profile: NetworkProfile;
  resolveAddresses: ResolveAddresses;
  /** The real token (e.g. with --webroot); a random one otherwise. */
  token?: string;
  /** The key authorisation the token should return. */
  expected?: string;
}

export interface AddressProbe {
  address: string;
  family: 4 | 6;
  /** 'first': the CA connects here; 'fallback': only if the first IPv6 fails to connect; 'unused'. */
  caRole: 'first' | 'fallback' | 'unused';
  result: Http01Result;
  /** The TLS port at this address, probed when port 80 failed to connect. */
  tlsPort?: TlsOutcome;
  cdn?: string;
}

export interface Http01Evidence {
  identifier: string;
  token: string;
  /** True when the token is random (not a real challenge). */
  randomToken: boolean;
  expected?: string;
  resolution: {
    v4: string[];
    v6: string[];
    evidence: Evidence[];
    error?: { status: string; message: string };
  };
  reserved: { address: string; range: string }[];
  /** The fetch exactly as the CA does it. */
  ca: Http01Result;
  perAddress: AddressProbe[];
  /** Usable addresses not probed (see OTHER_ADDRESS_PROBES); absent when every one was. */
  notProbed?: number;
}

/** base64url, like a real ACME token (43 chars). */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/**
 * The token of the probe without a webroot: one the server was never given, like a random one, but the same
 * for a name on every run, so a report (and the Action's comment) is stable from run to run.
 */
export const probeToken = (host: string): string =>
  createHash('sha256').update(`acme-preflight probe ${host}`).digest('base64url');

export async function probeHttp01(id: NameRef, deps: Http01Deps): Promise<Http01Evidence> {
  const { profile } = deps;
  const host = id.base;
  const token = deps.token ?? probeToken(host);
  const url = challengeUrl(host, token);
  const fetchDeps = { profile, resolveAddresses: deps.resolveAddresses };
  const opts = deps.expected !== undefined ? { expected: deps.expected } : {};
  const isLiteral = net.isIP(host) !== 0;
  const resolution = await addressesOfHost(host, deps.resolveAddresses);
  const reserved: { address: string; range: string }[] = [];
  const usable = (list: string[]): string[] =>
    list.filter((a) => {
      const range = reservedRange(a, { allow: profile.allowAddresses });
      if (range) reserved.push({ address: a, range });
      return !range;
    });
  const v6 = usable(resolution.v6);
  const v4 = usable(resolution.v4);
  const { picked, notProbed } = pickAddresses(v6, v4);
  const [ca, perAddress] = await Promise.all([
    fetchLikeCa(url, fetchDeps, opts),
    Promise.all(
      picked.map(async ({ address, family, caRole }): Promise<AddressProbe> => {
        const result = await fetchLikeCa(url, fetchDeps, { ...opts, pinFirstHop: address });
        const p: AddressProbe = { address, family, caRole, result };
        const cdn = cdnForAddress(address);
        if (cdn) p.cdn = cdn;
        const first = result.attempts[0];
        if (first && ['refused', 'connect-timeout', 'unreachable'].includes(first.outcome)) {
          const t = await tlsHandshake({
            address,
            port: profile.tlsPort,
            servername: isLiteral ? undefined : host,
            dialMs: profile.timeouts.httpDialMs,
            timeoutMs: profile.timeouts.httpDialMs,
            allow: profile.allowAddresses,
          });
          p.tlsPort = t.outcome;
        }
        return p;
      }),
    ),
  ]);
  const ev: Http01Evidence = {
    identifier: id.value,
    token,
    randomToken: deps.token === undefined,
    resolution,
    reserved,
    ca,
    perAddress,
  };
  if (notProbed > 0) ev.notProbed = notProbed;
  if (deps.expected !== undefined) ev.expected = deps.expected;
  return ev;
}
