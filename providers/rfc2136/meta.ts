import type { ProviderMeta } from '../types.js';

export const meta: ProviderMeta = {
  code: 'rfc2136',
  name: 'RFC 2136 (DNS UPDATE with TSIG)',
  description: 'Dynamic DNS UPDATE signed with TSIG, for BIND, Knot, PowerDNS and other servers.',
  env: [
    {
      name: 'RFC2136_NAMESERVER',
      description: 'Primary server, host[:port] (port 53 by default)',
      required: true,
      secret: false,
    },
    { name: 'RFC2136_TSIG_KEY', description: 'TSIG key name, e.g. acme-key.', required: true, secret: false },
    { name: 'RFC2136_TSIG_SECRET', description: 'TSIG secret, base64', required: true, secret: true },
    {
      name: 'RFC2136_TSIG_ALGORITHM',
      description: 'TSIG algorithm (default hmac-sha256.)',
      required: false,
      secret: false,
    },
    {
      name: 'RFC2136_TTL',
      description: 'TTL of the TXT record, seconds (default 120)',
      required: false,
      secret: false,
    },
    {
      name: 'RFC2136_DNS_TIMEOUT',
      description: 'Timeout per DNS message, seconds (default 10)',
      required: false,
      secret: false,
    },
  ],
  docs: 'https://www.rfc-editor.org/rfc/rfc2136',
};
