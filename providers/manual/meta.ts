import type { ProviderMeta } from '../types.js';

export const meta: ProviderMeta = {
  code: 'manual',
  name: 'Manual',
  description: 'Prints the TXT record to add, waits for confirmation; on cleanup prints what to remove.',
  env: [],
  docs: 'https://go-acme.github.io/lego/dns/manual/',
};
