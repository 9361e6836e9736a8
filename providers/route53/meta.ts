import type { ProviderMeta } from '../types.js';

export const meta: ProviderMeta = {
  code: 'route53',
  name: 'Amazon Route 53',
  description:
    'Route 53 through the official AWS SDK v3. Adds its value to the TXT record set (UPSERT) and removes only that value. ' +
    'Without AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY the SDK default chain resolves credentials ' +
    '(it reads the process environment, shared config files, SSO, web identity, container and EC2 instance metadata).',
  env: [
    {
      name: 'AWS_ACCESS_KEY_ID',
      description: 'Access key id (with AWS_SECRET_ACCESS_KEY); unset: the SDK default credential chain',
      required: false,
      secret: true,
    },
    {
      name: 'AWS_SECRET_ACCESS_KEY',
      description: 'Secret access key paired with AWS_ACCESS_KEY_ID',
      required: false,
      secret: true,
    },
    {
      name: 'AWS_SESSION_TOKEN',
      description: 'Session token of temporary credentials (STS, assumed roles)',
      required: false,
      secret: true,
    },
    {
      name: 'AWS_REGION',
      description: 'Region for the SDK (Route 53 is global; default us-east-1)',
      required: false,
      secret: false,
    },
    {
      name: 'AWS_PROFILE',
      description: 'Shared config/credentials profile the SDK default chain uses',
      required: false,
      secret: false,
    },
    {
      name: 'AWS_HOSTED_ZONE_ID',
      description: 'Hosted zone id to use instead of looking the zone up by name',
      required: false,
      secret: false,
    },
    {
      name: 'AWS_TTL',
      description: 'TTL of the TXT record set when we create it, seconds (default 10)',
      required: false,
      secret: false,
    },
    {
      name: 'AWS_PROPAGATION_TIMEOUT',
      description: 'How long to wait for a change to reach INSYNC, seconds (default 120; 0: do not wait)',
      required: false,
      secret: false,
    },
    {
      name: 'AWS_POLLING_INTERVAL',
      description: 'Pause between GetChange calls while waiting, seconds (default 4)',
      required: false,
      secret: false,
    },
    {
      name: 'AWS_MAX_RETRIES',
      description: 'Retries of a failed API call by the SDK (default 5)',
      required: false,
      secret: false,
    },
  ],
  docs: 'https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html',
};
