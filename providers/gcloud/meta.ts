import type { ProviderMeta } from '../types.js';

export const meta: ProviderMeta = {
  code: 'gcloud',
  name: 'Google Cloud DNS',
  description:
    'Cloud DNS v1 REST API with a service-account key (JWT signed locally, no SDK). Application Default Credentials are not supported.',
  env: [
    {
      name: 'GCE_SERVICE_ACCOUNT',
      description:
        'Service-account key JSON (or GCE_SERVICE_ACCOUNT_FILE: path to it), role dns.admin on the project',
      required: true,
      secret: true,
    },
    {
      name: 'GCE_PROJECT',
      description: 'Project id (default: project_id of the service account)',
      required: false,
      secret: false,
    },
    {
      name: 'GCE_TTL',
      description: 'TTL of the TXT record set when we create it, seconds (default 120)',
      required: false,
      secret: false,
    },
  ],
  docs: 'https://cloud.google.com/dns/docs/reference/rest/v1/changes/create',
};
