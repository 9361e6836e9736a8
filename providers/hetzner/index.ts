/** Hetzner DNS adapter: dns.hetzner.com API v1, names relative to the zone. */
import { adapterClient, field } from '../http.js';
import {
  createdRecordId,
  firstZone,
  normalizeFqdn,
  readCredentials,
  secondsFrom,
  relativeName,
  type DnsProvider,
  type ProviderEnv,
  type ProviderOptions,
  type RecordHandle,
} from '../types.js';
import { meta } from './meta.js';

export { meta };

export const DEFAULT_BASE_URL = 'https://dns.hetzner.com/api/v1';
const DEFAULT_TTL = 120;

interface Zone {
  id: string;
  name: string;
  ns: string[];
}

export function create(env: ProviderEnv, opts: ProviderOptions = {}): DnsProvider {
  const c = readCredentials(meta, env);
  const token = c.HETZNER_API_KEY!;
  const ttl = opts.ttl ?? secondsFrom(meta, 'HETZNER_TTL', c.HETZNER_TTL, DEFAULT_TTL);
  const api = adapterClient(meta.code, opts, opts.baseUrl ?? DEFAULT_BASE_URL, { 'Auth-API-Token': token }, [
    token,
  ]);

  const findZone = (fqdn: string, signal?: AbortSignal): Promise<Zone> =>
    firstZone(
      meta.code,
      fqdn,
      async (name) => {
        // The API answers 404 when no zone has that name.
        const res = await api.request(
          'GET',
          `/zones?name=${encodeURIComponent(name)}`,
          undefined,
          [404],
          signal,
        );
        const zones = field(res.body, 'zones');
        const z =
          res.status === 200 && Array.isArray(zones)
            ? zones.find((x) => field(x, 'name') === name)
            : undefined;
        if (!z) return undefined;
        const ns = field(z, 'ns');
        return { id: String(field(z, 'id')), name, ns: Array.isArray(ns) ? ns.map(String) : [] };
      },
      `no Hetzner DNS zone in this account contains ${fqdn}`,
      signal,
    );

  return {
    name: meta.code,
    async createTxt(fqdn, value, signal) {
      const name = normalizeFqdn(fqdn);
      const zone = await findZone(name, signal);
      const res = await api.request(
        'POST',
        '/records',
        { value, ttl, type: 'TXT', name: relativeName(name, zone.name), zone_id: zone.id },
        [],
        signal,
      );
      const id = createdRecordId(meta.code, name, field(res.body, 'record', 'id'), 'string');
      const handle: RecordHandle = { provider: meta.code, fqdn: name, value, zoneId: zone.id, recordId: id };
      return handle;
    },
    async deleteTxt(handle, signal) {
      await api.request(
        'DELETE',
        `/records/${encodeURIComponent(String(handle.recordId))}`,
        undefined,
        [404],
        signal,
      );
    },
    async zoneNameservers(fqdn, signal) {
      return (await findZone(normalizeFqdn(fqdn), signal)).ns.map((n) => n.replace(/\.$/, ''));
    },
  };
}
