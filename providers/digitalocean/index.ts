/** DigitalOcean adapter: API v2 domain records, names relative to the domain. */
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

export const DEFAULT_BASE_URL = 'https://api.digitalocean.com/v2';
/** DigitalOcean's minimum TTL. */
const DEFAULT_TTL = 30;

export function create(env: ProviderEnv, opts: ProviderOptions = {}): DnsProvider {
  const c = readCredentials(meta, env);
  const token = c.DO_AUTH_TOKEN!;
  const ttl = opts.ttl ?? secondsFrom(meta, 'DO_TTL', c.DO_TTL, DEFAULT_TTL);
  const api = adapterClient(
    meta.code,
    opts,
    opts.baseUrl ?? DEFAULT_BASE_URL,
    { authorization: `Bearer ${token}` },
    [token],
  );

  const findDomain = (fqdn: string, signal?: AbortSignal): Promise<string> =>
    firstZone(
      meta.code,
      fqdn,
      async (name) => {
        const res = await api.request(
          'GET',
          `/domains/${encodeURIComponent(name)}`,
          undefined,
          [404],
          signal,
        );
        return res.status === 200 && field(res.body, 'domain', 'name') === name ? name : undefined;
      },
      `no DigitalOcean domain in this account contains ${fqdn}`,
      signal,
    );

  return {
    name: meta.code,
    async createTxt(fqdn, value, signal) {
      const name = normalizeFqdn(fqdn);
      const domain = await findDomain(name, signal);
      const res = await api.request(
        'POST',
        `/domains/${domain}/records`,
        { type: 'TXT', name: relativeName(name, domain), data: value, ttl },
        [],
        signal,
      );
      const id = createdRecordId(meta.code, name, field(res.body, 'domain_record', 'id'), 'number');
      const handle: RecordHandle = { provider: meta.code, fqdn: name, value, domain, recordId: id };
      return handle;
    },
    async deleteTxt(handle, signal) {
      await api.request(
        'DELETE',
        `/domains/${String(handle.domain)}/records/${String(handle.recordId)}`,
        undefined,
        [404],
        signal,
      );
    },
    async zoneNameservers(fqdn, signal) {
      const domain = await findDomain(normalizeFqdn(fqdn), signal);
      const res = await api.request(
        'GET',
        `/domains/${domain}/records?type=NS&per_page=200`,
        undefined,
        [],
        signal,
      );
      const recs = field(res.body, 'domain_records');
      return Array.isArray(recs)
        ? recs
            .filter((r) => field(r, 'type') === 'NS' && field(r, 'name') === '@')
            .map((r) => String(field(r, 'data')).replace(/\.$/, ''))
        : [];
    },
  };
}
