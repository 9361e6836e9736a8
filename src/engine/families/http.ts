import { randomBytes } from 'node:crypto';
/** The checks that connect to the name's addresses: HTTP-01, TLS-ALPN-01 and the live certificate on 443. */
import type { CheckFamily, EngineContext } from '../context.js';
import type { ResolveAddresses } from '../../http/fetch.js';
import type { Identifier } from '../../identifiers.js';
import { addressesFromLookups, judgeResolution } from '../../checks/resolution.js';
import { probeHttp01, judgeHttp01, withWebrootToken } from '../../checks/http01/index.js';
import { probeCertificate, judgeCertificate } from '../../checks/certificate/index.js';
import { probeTlsAlpn01, judgeTlsAlpn01 } from '../../checks/tlsalpn01/index.js';

/** Addresses through the run's shared resolver (never the system one), for the name and every redirect target. */
function resolveAddresses(ctx: EngineContext): ResolveAddresses {
  return async (host) => {
    const { a, aaaa } = await ctx.addressLookups(host);
    return addressesFromLookups(host, a, aaaa);
  };
}

/** Connection checks run only when the CA would have an address to connect to; otherwise resolution said why. */
async function connectable(ctx: EngineContext, id: Identifier): Promise<boolean> {
  if (id.type === 'ip') return true;
  const lookups = await ctx.addressLookups(id.base);
  const { usable } = judgeResolution(id.base, lookups, ctx.profile.allowAddresses);
  return usable.v4.length + usable.v6.length > 0;
}

export const http01Family: CheckFamily = {
  name: 'http-01',
  applies: (id, s) => s.challenge === 'http-01' && !id.wildcard,
  async run(ctx, id) {
    if (!(await connectable(ctx, id))) return [];
    const deps = { profile: ctx.profile, resolveAddresses: resolveAddresses(ctx) };
    const webroot = ctx.settings.webroot;
    if (!webroot) return judgeHttp01(await probeHttp01(id.value, deps));
    // A real token file in the webroot proves the web server serves it, from every address.
    const token = randomBytes(32).toString('base64url');
    const keyAuthorization = `${token}.${randomBytes(32).toString('base64url')}`;
    const ev = await withWebrootToken(webroot, token, keyAuthorization, () =>
      probeHttp01(id.value, { ...deps, token, expected: keyAuthorization }),
    );
    return judgeHttp01(ev);
  },
};

export const tlsAlpn01Family: CheckFamily = {
  name: 'tls-alpn-01',
  applies: (id, s) => s.challenge === 'tls-alpn-01' && !id.wildcard,
  async run(ctx, id) {
    if (!(await connectable(ctx, id))) return [];
    return judgeTlsAlpn01(
      await probeTlsAlpn01(id.value, { profile: ctx.profile, resolveAddresses: resolveAddresses(ctx) }),
    );
  },
};

export const certificateFamily: CheckFamily = {
  name: 'certificate',
  applies: (id, s) => s.challenge !== 'dns-01' && !id.wildcard,
  async run(ctx, id) {
    if (!(await connectable(ctx, id))) return [];
    const ev = await probeCertificate(id.value, {
      profile: ctx.profile,
      resolveAddresses: resolveAddresses(ctx),
    });
    return judgeCertificate(ev, { now: ctx.settings.now });
  },
};
