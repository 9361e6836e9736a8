/** Google Cloud DNS adapter: REST v1, service-account JWT (RFC 7523) signed with node:crypto. */
import { createSign } from 'node:crypto';
import { adapterClient, errorSummary, field } from '../http.js';
import {
  cancelled,
  firstZone,
  normalizeFqdn,
  pause,
  ProviderConfigError,
  ProviderError,
  readCredentials,
  secondsFrom,
  redact,
  type DnsProvider,
  type ProviderEnv,
  type ProviderOptions,
  type RecordHandle,
} from '../types.js';
import { meta } from './meta.js';

export { meta };

export const DEFAULT_BASE_URL = 'https://dns.googleapis.com/dns/v1';
export const DNS_SCOPE = 'https://www.googleapis.com/auth/ndev.clouddns.readwrite';
const DEFAULT_TTL = 120;
const JWT_LIFETIME_S = 3600;
/** Between two reads of a pending change's status. */
const CHANGE_POLL_MS = 500;

interface ServiceAccount {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  project_id?: string;
  token_uri: string;
}

interface RRSet {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

/** Cloud DNS TXT rrdata: quoted character-strings of at most 255 bytes. */
export function toRrdata(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length || i === 0; i += 255) {
    parts.push('"' + value.slice(i, i + 255).replace(/(["\\])/g, '\\$1') + '"');
    if (value.length === 0) break;
  }
  return parts.join(' ');
}

export function fromRrdata(rrdata: string): string {
  const parts = [...rrdata.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
  return parts.length > 0 ? parts.join('') : rrdata;
}

/** The service account JSON, checked for what signing needs; token_uri defaults to Google's. */
function parseServiceAccount(raw: string): ServiceAccount {
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    for (const k of ['client_email', 'private_key'] as const) {
      if (typeof parsed[k] !== 'string') throw new Error(`lacks ${k}`);
    }
    const given = parsed as unknown as ServiceAccount;
    return {
      ...given,
      token_uri:
        typeof given.token_uri === 'string' ? given.token_uri : 'https://oauth2.googleapis.com/token',
    };
  } catch (e) {
    const why = e instanceof SyntaxError ? 'is not valid JSON' : (e as Error).message;
    throw new ProviderConfigError(`${meta.name}: GCE_SERVICE_ACCOUNT ${why}`, meta.code);
  }
}

/** The RS256 JWT (RFC 7523) that is exchanged for an access token. */
function signedAssertion(sa: ServiceAccount, now: number): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${b64({ alg: 'RS256', typ: 'JWT', ...(sa.private_key_id ? { kid: sa.private_key_id } : {}) })}.${b64(
    {
      iss: sa.client_email,
      scope: DNS_SCOPE,
      aud: sa.token_uri,
      iat: now,
      exp: now + JWT_LIFETIME_S,
    },
  )}`;
  let sig: string;
  try {
    sig = createSign('RSA-SHA256').update(unsigned).sign(sa.private_key, 'base64url');
  } catch {
    throw new ProviderConfigError(
      `${meta.name}: the service account private_key cannot sign (not an RSA PEM key?)`,
      meta.code,
    );
  }
  return `${unsigned}.${sig}`;
}

interface AccessToken {
  value: string;
  expires: number;
}

/** Exchanges a fresh assertion for a token; what it sends and gets back joins secrets. */
async function requestToken(
  sa: ServiceAccount,
  f: typeof fetch,
  opts: ProviderOptions,
  secrets: string[],
  signal?: AbortSignal,
): Promise<AccessToken> {
  const now = Math.floor(Date.now() / 1000);
  const assertion = signedAssertion(sa, now);
  secrets.push(assertion);
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const what = `token request to ${sa.token_uri}`;
  if (signal?.aborted) throw cancelled(meta.code, what, signal);
  let res: Response;
  let text: string;
  try {
    res = await f(sa.token_uri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    text = await res.text();
  } catch (e) {
    if (signal?.aborted) throw cancelled(meta.code, what, signal);
    throw new ProviderError(
      redact(`token request to ${sa.token_uri} failed: ${(e as Error).message}`, secrets),
      meta.code,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const at = field(body, 'access_token');
  if (!res.ok || typeof at !== 'string') {
    throw new ProviderError(
      `token request for ${sa.client_email} returned HTTP ${res.status}${errorSummary(body, text, secrets)}`,
      meta.code,
      res.status,
    );
  }
  secrets.push(at);
  const exp = field(body, 'expires_in');
  return { value: at, expires: now + (typeof exp === 'number' ? exp : 3600) };
}

type Api = (method: string, path: string, signal?: AbortSignal, body?: unknown) => Promise<unknown>;

/** Zone lookup, TXT record sets and atomic changes over the Cloud DNS REST API. */
function cloudDnsZones(api: Api, zonesPath: string, project: string, timeoutMs: number | undefined) {
  const findZone = (fqdn: string, signal?: AbortSignal): Promise<{ name: string; nameServers: string[] }> =>
    firstZone(
      meta.code,
      fqdn,
      async (name) => {
        const body = await api('GET', `${zonesPath}?dnsName=${encodeURIComponent(name + '.')}`, signal);
        const zones = field(body, 'managedZones');
        // Private zones never answer the CA.
        const z = Array.isArray(zones)
          ? zones.find((x) => field(x, 'dnsName') === name + '.' && field(x, 'visibility') !== 'private')
          : undefined;
        if (!z) return undefined;
        const ns = field(z, 'nameServers');
        return {
          name: String(field(z, 'name')),
          nameServers: Array.isArray(ns) ? ns.map((n) => String(n).replace(/\.$/, '')) : [],
        };
      },
      `no public Cloud DNS zone in project ${project} contains ${fqdn}`,
      signal,
    );

  async function getRrset(zone: string, fqdn: string, signal?: AbortSignal): Promise<RRSet | undefined> {
    const body = await api(
      'GET',
      `${zonesPath}/${encodeURIComponent(zone)}/rrsets?name=${encodeURIComponent(fqdn + '.')}&type=TXT`,
      signal,
    );
    const list = field(body, 'rrsets');
    const r = Array.isArray(list)
      ? list.find((x) => field(x, 'name') === fqdn + '.' && field(x, 'type') === 'TXT')
      : undefined;
    if (!r) return undefined;
    const rrdatas = field(r, 'rrdatas');
    return {
      name: fqdn + '.',
      type: 'TXT',
      ttl: Number(field(r, 'ttl')),
      rrdatas: Array.isArray(rrdatas) ? rrdatas.map(String) : [],
    };
  }

  /** One atomic change: the old record set out, the new one in (Cloud DNS replaces whole sets). */
  async function change(
    zone: string,
    deletions: RRSet[],
    additions: RRSet[],
    signal?: AbortSignal,
  ): Promise<void> {
    const changes = `${zonesPath}/${encodeURIComponent(zone)}/changes`;
    const body = await api('POST', changes, signal, { additions, deletions });
    let status = field(body, 'status');
    const id = field(body, 'id');
    const deadline = Date.now() + (timeoutMs ?? 60_000);
    while (status === 'pending' && typeof id === 'string' && Date.now() < deadline) {
      await pause(CHANGE_POLL_MS, meta.code, `waiting for change ${id} in zone ${zone}`, signal);
      status = field(await api('GET', `${changes}/${encodeURIComponent(id)}`, signal), 'status');
    }
  }

  return { findZone, getRrset, change };
}

export function create(env: ProviderEnv, opts: ProviderOptions = {}): DnsProvider {
  const c = readCredentials(meta, env);
  const sa = parseServiceAccount(c.GCE_SERVICE_ACCOUNT!);
  const project = c.GCE_PROJECT ?? sa.project_id;
  if (!project)
    throw new ProviderConfigError(
      `${meta.name}: set GCE_PROJECT (the service account has no project_id)`,
      meta.code,
    );
  const ttl = opts.ttl ?? secondsFrom(meta, 'GCE_TTL', c.GCE_TTL, DEFAULT_TTL);
  const f = opts.fetch ?? fetch;
  // The key (in every form redact knows, JSON-escaped included); the rest of the file is not secret.
  const secrets: string[] = [sa.private_key];
  let token: AccessToken | undefined;

  async function accessToken(signal?: AbortSignal): Promise<string> {
    if (token && token.expires > Math.floor(Date.now() / 1000) + 60) return token.value;
    token = await requestToken(sa, f, opts, secrets, signal);
    return token.value;
  }

  async function api(method: string, path: string, signal?: AbortSignal, body?: unknown): Promise<unknown> {
    const client = adapterClient(
      meta.code,
      opts,
      opts.baseUrl ?? DEFAULT_BASE_URL,
      { authorization: `Bearer ${await accessToken(signal)}` },
      secrets,
    );
    return (await client.request(method, path, body, [], signal)).body;
  }

  const zonesPath = `/projects/${encodeURIComponent(project)}/managedZones`;
  const { findZone, getRrset, change } = cloudDnsZones(api, zonesPath, project, opts.timeoutMs);

  return {
    name: meta.code,
    async createTxt(fqdn, value, signal) {
      const name = normalizeFqdn(fqdn);
      const zone = await findZone(name, signal);
      const existing = await getRrset(zone.name, name, signal);
      const present = existing?.rrdatas.some((d) => fromRrdata(d) === value) ?? false;
      if (!present) {
        const next: RRSet = {
          name: name + '.',
          type: 'TXT',
          ttl: existing?.ttl ?? ttl,
          rrdatas: [...(existing?.rrdatas ?? []), toRrdata(value)],
        };
        await change(zone.name, existing ? [existing] : [], [next], signal);
      }
      // A value that was already there is not ours to delete later.
      const handle: RecordHandle = {
        provider: meta.code,
        fqdn: name,
        value,
        zone: zone.name,
        preexisting: present,
      };
      return handle;
    },
    async deleteTxt(handle, signal) {
      if (handle.preexisting === true) return;
      const zone = typeof handle.zone === 'string' ? handle.zone : (await findZone(handle.fqdn, signal)).name;
      const existing = await getRrset(zone, handle.fqdn, signal);
      if (!existing || !existing.rrdatas.some((d) => fromRrdata(d) === handle.value)) return;
      const rest = existing.rrdatas.filter((d) => fromRrdata(d) !== handle.value);
      await change(zone, [existing], rest.length > 0 ? [{ ...existing, rrdatas: rest }] : [], signal);
    },
    async zoneNameservers(fqdn, signal) {
      return (await findZone(normalizeFqdn(fqdn), signal)).nameServers;
    },
  };
}
