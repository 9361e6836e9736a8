/** Cloudflare adapter: API v4, zone found by walking up the name, one record per value. */
import { adapterClient, field } from '../http.js';
import {
  createdRecordId,
  firstZone,
  normalizeFqdn,
  ProviderError,
  readCredentials,
  secondsFrom,
  type DnsProvider,
  type ProviderEnv,
  type ProviderOptions,
  type RecordHandle,
} from '../types.js';
import { meta } from './meta.js';

export { meta };

export const DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4';
/** Cloudflare accepts 60..86400, or 1 for "automatic". */
const DEFAULT_TTL = 120;

interface Zone {
  id: string;
  name: string;
  nameServers: string[];
}

export function create(env: ProviderEnv, opts: ProviderOptions = {}): DnsProvider {
  const c = readCredentials(meta, env);
  const token = c.CLOUDFLARE_DNS_API_TOKEN!;
  const ttl = opts.ttl ?? secondsFrom(meta, 'CLOUDFLARE_TTL', c.CLOUDFLARE_TTL, DEFAULT_TTL);
  const api = adapterClient(
    meta.code,
    opts,
    opts.baseUrl ?? DEFAULT_BASE_URL,
    { authorization: `Bearer ${token}` },
    [token],
  );

  const check = (body: unknown, what: string) => {
    if (field(body, 'success') !== true) {
      throw new ProviderError(
        `${what}: Cloudflare reported failure${api.summary(body)}`,
        meta.code,
        // The API answered and said no: a refusal, like a 4xx.
        400,
      );
    }
  };

  const findZone = (fqdn: string, signal?: AbortSignal): Promise<Zone> =>
    firstZone(
      meta.code,
      fqdn,
      async (name) => {
        const res = await api.request(
          'GET',
          `/zones?name=${encodeURIComponent(name)}`,
          undefined,
          [],
          signal,
        );
        check(res.body, `zone lookup for ${name}`);
        const list = field(res.body, 'result');
        const z = Array.isArray(list) ? list.find((x) => field(x, 'name') === name) : undefined;
        if (!z) return undefined;
        const ns = field(z, 'name_servers');
        return { id: String(field(z, 'id')), name, nameServers: Array.isArray(ns) ? ns.map(String) : [] };
      },
      `no Cloudflare zone visible to this token contains ${fqdn}`,
      signal,
    );

  return {
    name: meta.code,
    async createTxt(fqdn, value, signal) {
      const name = normalizeFqdn(fqdn);
      const zone = await findZone(name, signal);
      const res = await api.request(
        'POST',
        `/zones/${zone.id}/dns_records`,
        { type: 'TXT', name, content: value, ttl },
        [],
        signal,
      );
      check(res.body, `creating TXT ${name}`);
      const id = createdRecordId(meta.code, name, field(res.body, 'result', 'id'), 'string');
      const handle: RecordHandle = { provider: meta.code, fqdn: name, value, zoneId: zone.id, recordId: id };
      return handle;
    },
    async deleteTxt(handle, signal) {
      // 404: already gone, which is what we wanted.
      await api.request(
        'DELETE',
        `/zones/${String(handle.zoneId)}/dns_records/${String(handle.recordId)}`,
        undefined,
        [404],
        signal,
      );
    },
    async zoneNameservers(fqdn, signal) {
      return (await findZone(normalizeFqdn(fqdn), signal)).nameServers;
    },
  };
}
