import type { ProviderMeta } from '../types.js';

export const meta: ProviderMeta = {
  code: 'cloudflare',
  name: 'Cloudflare',
  description: 'Cloudflare DNS via the v4 API with a scoped API token (Zone:Read, DNS:Edit).',
  env: [
    {
      name: 'CLOUDFLARE_DNS_API_TOKEN',
      aliases: ['CF_DNS_API_TOKEN'],
      description: 'API token with Zone:Read and DNS:Edit on the zone',
      required: true,
      secret: true,
    },
    {
      name: 'CLOUDFLARE_TTL',
      description: 'TTL of the TXT record, seconds (default 120)',
      required: false,
      secret: false,
    },
  ],
  docs: 'https://developers.cloudflare.com/api/resources/dns/subresources/records/methods/create/',
};
