/** Lazy provider registry: metadata is static, an adapter (and any SDK) loads only when created. */
import { meta as acmeDns } from './acme-dns/meta.js';
import { meta as cloudflare } from './cloudflare/meta.js';
import { meta as digitalocean } from './digitalocean/meta.js';
import { meta as exec } from './exec/meta.js';
import { meta as gcloud } from './gcloud/meta.js';
import { meta as hetzner } from './hetzner/meta.js';
import { meta as manual } from './manual/meta.js';
import { meta as rfc2136 } from './rfc2136/meta.js';
import { meta as route53 } from './route53/meta.js';
import {
  ProviderConfigError,
  type DnsProvider,
  type ProviderEnv,
  type ProviderMeta,
  type ProviderOptions,
} from './types.js';

/** What every adapter's index.ts exports. */
export interface ProviderModule {
  create(env: ProviderEnv, opts?: ProviderOptions): DnsProvider;
}

interface Entry {
  meta: ProviderMeta;
  load: () => Promise<ProviderModule>;
}

const REGISTRY: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['acme-dns', { meta: acmeDns, load: () => import('./acme-dns/index.js') }],
  ['cloudflare', { meta: cloudflare, load: () => import('./cloudflare/index.js') }],
  ['digitalocean', { meta: digitalocean, load: () => import('./digitalocean/index.js') }],
  ['exec', { meta: exec, load: () => import('./exec/index.js') }],
  ['gcloud', { meta: gcloud, load: () => import('./gcloud/index.js') }],
  ['hetzner', { meta: hetzner, load: () => import('./hetzner/index.js') }],
  ['manual', { meta: manual, load: () => import('./manual/index.js') }],
  ['rfc2136', { meta: rfc2136, load: () => import('./rfc2136/index.js') }],
  ['route53', { meta: route53, load: () => import('./route53/index.js') }],
]);

export function listProviders(): ProviderMeta[] {
  return [...REGISTRY.values()].map((e) => e.meta);
}

export function providerMeta(code: string): ProviderMeta | undefined {
  return REGISTRY.get(code)?.meta;
}

export async function createProvider(
  code: string,
  env: ProviderEnv,
  opts: ProviderOptions = {},
): Promise<DnsProvider> {
  const entry = REGISTRY.get(code);
  if (!entry) {
    throw new ProviderConfigError(
      `unknown DNS provider "${code}"; known: ${[...REGISTRY.keys()].join(', ')}`,
      code,
    );
  }
  const mod = await entry.load();
  return mod.create(env, opts);
}
