import { describe, expect, it } from '@jest/globals';
import { createProvider, listProviders, providerMeta } from './registry.js';
import { ProviderConfigError } from './types.js';

describe('provider registry', () => {
  it('lists every adapter with its metadata', () => {
    expect(
      listProviders()
        .map((m) => m.code)
        .sort(),
    ).toEqual([
      'acme-dns',
      'cloudflare',
      'digitalocean',
      'exec',
      'gcloud',
      'hetzner',
      'manual',
      'rfc2136',
      'route53',
    ]);
    for (const m of listProviders()) {
      expect(m.docs).toMatch(/^https:\/\//);
      for (const v of m.env) expect(v.name).toMatch(/^[A-Z0-9_]+$/);
    }
    expect(providerMeta('cloudflare')?.env[0]?.aliases).toEqual(['CF_DNS_API_TOKEN']);
  });

  it('each adapter module exports the same meta the registry holds', async () => {
    for (const m of listProviders()) {
      const mod = (await import(`./${m.code}/index.js`)) as { meta: unknown };
      expect(mod.meta).toBe(m);
    }
  });

  it('rejects an unknown code, naming the known ones', async () => {
    await expect(createProvider('nope', {})).rejects.toThrow(ProviderConfigError);
    await expect(createProvider('nope', {})).rejects.toThrow(/known: acme-dns, cloudflare/);
  });
});
