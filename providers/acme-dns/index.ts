/** acme-dns adapter: POST /update for the account registered for the domain (lego storage format). */
import { readFileSync } from 'node:fs';
import { adapterClient, field } from '../http.js';
import {
  normalizeFqdn,
  ProviderConfigError,
  ProviderError,
  readCredentials,
  type DnsProvider,
  type ProviderEnv,
  type ProviderOptions,
  type RecordHandle,
} from '../types.js';
import { meta } from './meta.js';
import { ACME_CHALLENGE_LABEL } from '../../src/identifiers.js';

export { meta };

export interface AcmeDnsAccount {
  username: string;
  password: string;
  subdomain: string;
  fulldomain: string;
}

const CHALLENGE_LABEL = `${ACME_CHALLENGE_LABEL}.`;

export function create(env: ProviderEnv, opts: ProviderOptions = {}): DnsProvider {
  const c = readCredentials(meta, env);
  const storagePath = c.ACME_DNS_STORAGE_PATH!;
  const baseUrl = opts.baseUrl ?? c.ACME_DNS_API_BASE!;
  const accounts = loadStorage(storagePath);
  const secrets = Object.values(accounts).flatMap((a) => [a.password, a.username]);

  const accountFor = (fqdn: string): { domain: string; account: AcmeDnsAccount } => {
    const domain = fqdn.startsWith(CHALLENGE_LABEL) ? fqdn.slice(CHALLENGE_LABEL.length) : fqdn;
    const account = accounts[domain];
    if (!account) {
      throw new ProviderConfigError(
        `${meta.name}: no account for ${domain} in ${storagePath}; register one with POST /register and add it there`,
        meta.code,
      );
    }
    return { domain, account };
  };

  const update = async (account: AcmeDnsAccount, value: string, signal?: AbortSignal) => {
    const api = adapterClient(
      meta.code,
      opts,
      baseUrl,
      { 'X-Api-User': account.username, 'X-Api-Key': account.password },
      secrets,
    );
    const body = { subdomain: account.subdomain, txt: value };
    const res = await api.request('POST', '/update', body, [], signal);
    if (field(res.body, 'txt') !== value) {
      throw new ProviderError(`acme-dns did not echo the value back${api.summary(res.body)}`, meta.code);
    }
  };

  return {
    name: meta.code,
    async createTxt(fqdn, value, signal) {
      const name = normalizeFqdn(fqdn);
      const { domain, account } = accountFor(name);
      await update(account, value, signal);
      const handle: RecordHandle = {
        provider: meta.code,
        fqdn: name,
        value,
        domain,
        fulldomain: account.fulldomain,
      };
      return handle;
    },
    async deleteTxt() {
      // acme-dns has no delete: it keeps the two newest values and the next update rolls this one out.
    },
  };
}

export function loadStorage(path: string): Record<string, AcmeDnsAccount> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why =
      e instanceof SyntaxError ? 'not valid JSON' : ((e as NodeJS.ErrnoException).code ?? 'unreadable');
    throw new ProviderConfigError(`${meta.name}: ACME_DNS_STORAGE_PATH ${path}: ${why}`, meta.code);
  }
  if (raw === null || typeof raw !== 'object') {
    throw new ProviderConfigError(
      `${meta.name}: ACME_DNS_STORAGE_PATH ${path}: expected an object keyed by domain`,
      meta.code,
    );
  }
  const out: Record<string, AcmeDnsAccount> = {};
  for (const [domain, a] of Object.entries(raw as Record<string, unknown>)) {
    const acc = {
      username: field(a, 'username'),
      password: field(a, 'password'),
      subdomain: field(a, 'subdomain'),
      fulldomain: field(a, 'fulldomain'),
    };
    const bad = Object.entries(acc)
      .filter(([, v]) => typeof v !== 'string' || v === '')
      .map(([k]) => k);
    if (bad.length > 0) {
      throw new ProviderConfigError(
        `${meta.name}: ACME_DNS_STORAGE_PATH ${path}: entry ${domain} lacks ${bad.join(', ')}`,
        meta.code,
      );
    }
    out[normalizeFqdn(domain)] = acc as AcmeDnsAccount;
  }
  return out;
}
