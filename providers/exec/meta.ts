import type { ProviderMeta } from '../types.js';

export const meta: ProviderMeta = {
  code: 'exec',
  name: 'External program',
  description:
    'Runs "<EXEC_PATH> present <fqdn.> <value>" and "<EXEC_PATH> cleanup <fqdn.> <value>" (lego default mode), without a shell.',
  env: [
    { name: 'EXEC_PATH', description: 'Program to run', required: true, secret: false },
    {
      name: 'EXEC_MODE',
      description: 'Only the default mode is supported; RAW needs the key authorization',
      required: false,
      secret: false,
    },
    {
      name: 'EXEC_TIMEOUT',
      description: 'Timeout per run, seconds (default 60)',
      required: false,
      secret: false,
    },
  ],
  docs: 'https://go-acme.github.io/lego/dns/exec/',
};
