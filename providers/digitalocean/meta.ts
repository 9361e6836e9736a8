import type { ProviderMeta } from '../types.js';

export const meta: ProviderMeta = {
  code: 'digitalocean',
  name: 'DigitalOcean',
  description: 'DigitalOcean Domains via the v2 API.',
  env: [
    {
      name: 'DO_AUTH_TOKEN',
      description: 'Personal access token with write scope',
      required: true,
      secret: true,
    },
    {
      name: 'DO_TTL',
      description: 'TTL of the TXT record, seconds (default 30)',
      required: false,
      secret: false,
    },
  ],
  docs: 'https://docs.digitalocean.com/reference/api/api-reference/#tag/Domain-Records',
};
