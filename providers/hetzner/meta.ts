import type { ProviderMeta } from '../types.js';

export const meta: ProviderMeta = {
  code: 'hetzner',
  name: 'Hetzner DNS',
  description: 'Hetzner DNS Console via the dns.hetzner.com API.',
  env: [
    { name: 'HETZNER_API_KEY', description: 'DNS Console API token', required: true, secret: true },
    {
      name: 'HETZNER_TTL',
      description: 'TTL of the TXT record, seconds (default 120)',
      required: false,
      secret: false,
    },
  ],
  docs: 'https://dns.hetzner.com/api-docs',
};
