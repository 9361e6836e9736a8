import type { ProviderMeta } from '../types.js';

export const meta: ProviderMeta = {
  code: 'acme-dns',
  name: 'acme-dns',
  description:
    'joohoi/acme-dns: _acme-challenge is a CNAME to an acme-dns subdomain, updated with POST /update. The server keeps the two newest values; it has no delete.',
  env: [
    {
      name: 'ACME_DNS_API_BASE',
      description: 'acme-dns server URL, e.g. https://auth.example.org',
      required: true,
      secret: false,
    },
    {
      name: 'ACME_DNS_STORAGE_PATH',
      description: 'JSON file: {"<domain>": {"username","password","subdomain","fulldomain"}}',
      required: true,
      secret: false,
    },
  ],
  docs: 'https://github.com/joohoi/acme-dns#update-endpoint',
};
