import { randomBytes } from 'node:crypto';
/** The checks that connect to the name's addresses: HTTP-01, TLS-ALPN-01 and the live certificate on 443. */
import type { CheckFamily, EngineContext } from '../context.js';
import type { ResolveAddresses } from '../../http/fetch.js';
import type { Identifier } from '../../identifiers.js';
import { isDnsChallenge } from '../../report/finding.js';
import { addressesFromLookups, usableAddresses } from '../../checks/resolution/index.js';
import { probeHttp01, judgeHttp01, type Http01Evidence } from '../../checks/http01/index.js';
import { withWebrootToken } from '../../solve/webroot.js';
import {
  probeCertificate,
  judgeCertificate,
  type CertificateEvidence,
} from '../../checks/certificate/index.js';
import { probeTlsAlpn01, judgeTlsAlpn01, type TlsAlpnEvidence } from '../../checks/tlsalpn01/index.js';

/**
 * A connection family's evidence: the probe, or nothing when the CA would have no address to connect to
 * (the resolution family says why).
 */
export interface ProbeEvidence<P> {
  probe?: P;
}

/** Addresses through the run's shared resolver (never the system one), for the name and every redirect target. */
function resolveAddresses(ctx: EngineContext): ResolveAddresses {
  return async (host) => {
    const { a, aaaa } = await ctx.addressLookups(host);
    return addressesFromLookups(host, a, aaaa);
  };
}

/** Connection checks run only when the CA would have an address to connect to. */
async function connectable(ctx: EngineContext, id: Identifier): Promise<boolean> {
  if (id.type === 'ip') return true;
  const usable = usableAddresses(await ctx.addressLookups(id.base), ctx.profile.allowAddresses);
  return usable.v4.length + usable.v6.length > 0;
}

async function gatherHttp01(ctx: EngineContext, id: Identifier): Promise<Http01Evidence> {
  const deps = { profile: ctx.profile, resolveAddresses: resolveAddresses(ctx) };
  const webroot = ctx.settings.webroot;
  if (!webroot) return probeHttp01(id, deps);
  // A real token file in the webroot proves the web server serves it, from every address.
  const token = randomBytes(32).toString('base64url');
  const keyAuthorization = `${token}.${randomBytes(32).toString('base64url')}`;
  return withWebrootToken(webroot, token, keyAuthorization, () =>
    probeHttp01(id, { ...deps, token, expected: keyAuthorization }),
  );
}

export const http01Family: CheckFamily<ProbeEvidence<Http01Evidence>> = {
  name: 'http-01',
  applies: (id, s) => s.challenge === 'http-01' && !id.wildcard,
  gather: async (ctx, id) => ((await connectable(ctx, id)) ? { probe: await gatherHttp01(ctx, id) } : {}),
  judge: (ev) => (ev.probe ? judgeHttp01(ev.probe) : []),
};

export const tlsAlpn01Family: CheckFamily<ProbeEvidence<TlsAlpnEvidence>> = {
  name: 'tls-alpn-01',
  applies: (id, s) => s.challenge === 'tls-alpn-01' && !id.wildcard,
  async gather(ctx, id) {
    if (!(await connectable(ctx, id))) return {};
    const deps = { profile: ctx.profile, resolveAddresses: resolveAddresses(ctx) };
    return { probe: await probeTlsAlpn01(id, deps) };
  },
  judge: (ev) => (ev.probe ? judgeTlsAlpn01(ev.probe) : []),
};

export const certificateFamily: CheckFamily<ProbeEvidence<CertificateEvidence>> = {
  name: 'certificate',
  applies: (id, s) => !isDnsChallenge(s.challenge) && !id.wildcard,
  async gather(ctx, id) {
    if (!(await connectable(ctx, id))) return {};
    const deps = { profile: ctx.profile, resolveAddresses: resolveAddresses(ctx) };
    return { probe: await probeCertificate(id, deps) };
  },
  judge: (ev, { settings }) => (ev.probe ? judgeCertificate(ev.probe, { now: settings.now }) : []),
};
