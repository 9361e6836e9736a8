/** Schema of `.acme-preflight.yml`: the one file that drives the CLI, the hooks and the GitHub Action. */
import { z } from 'zod';
import { invalidCidrs } from '../net/reserved.js';
import { issuerDomainFor } from './ca.js';
import { FAMILY_NAMES } from '../engine/registry.js';

export const CONFIG_CHALLENGES = [
  'http-01',
  'dns-01',
  'tls-alpn-01',
  'dns-account-01',
  'dns-persist-01',
] as const;
export const FAIL_ON = ['error', 'warning', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Whether a run with this verdict fails under `failOn` (CLI exit code 1, a failed Action step). */
export function failsOn(verdict: 'pass' | 'warn' | 'fail', failOn: FailOn): boolean {
  if (failOn === 'never') return false;
  if (failOn === 'warning') return verdict !== 'pass';
  return verdict === 'fail';
}

const PORT = 'expected a number from 1 to 65535';
const port = z
  .number({ error: PORT })
  .int({ error: PORT })
  .min(1, { error: PORT })
  .max(65535, { error: PORT });

const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });
const list = (what: string) => z.array(text(what), { error: `expected a list of ${what}s` });

const validCa = (s: string): boolean => {
  try {
    return issuerDomainFor(s) !== undefined;
  } catch {
    return false;
  }
};

export const networkSchema = z.strictObject(
  {
    /** Addresses, name=address, or named.root files (relative to the config file). */
    rootHints: list('root server address or hints file').optional(),
    trustAnchor: text('a trust anchor file').optional(),
    /** An empty list means: compare with no public resolver. */
    resolvers: list('resolver address').optional(),
    dnsPort: port.optional(),
    httpPort: port.optional(),
    tlsPort: port.optional(),
    allowAddresses: list('CIDR range')
      .refine((l) => invalidCidrs(l).length === 0, { error: 'expected CIDR ranges such as 127.0.0.0/8' })
      .optional(),
    publicSuffixes: list('domain name').optional(),
    timeout: z
      .number({ error: 'expected seconds, a number above 0 and at most 60' })
      .gt(0, { error: 'expected seconds, a number above 0 and at most 60' })
      .max(60, { error: 'expected seconds, a number above 0 and at most 60' })
      .optional(),
    concurrency: z
      .number({ error: 'expected a whole number from 1 to 1024' })
      .int({ error: 'expected a whole number from 1 to 1024' })
      .min(1, { error: 'expected a whole number from 1 to 1024' })
      .max(1024, { error: 'expected a whole number from 1 to 1024' })
      .optional(),
  },
  { error: 'expected a mapping of network settings (dnsPort:, resolvers: …)' },
);

const providerOptionValue = z.union([z.string(), z.number(), z.boolean()], {
  error: 'expected a string, number or true/false',
});

export const providerSchema = z.strictObject(
  {
    code: text('a DNS provider code, e.g. cloudflare'),
    options: z
      .record(z.string(), providerOptionValue, { error: 'expected a mapping of option: value' })
      .optional(),
  },
  { error: 'expected a provider code, or a mapping with code: and options:' },
);

/** A remote perspective: `name=url`, or a mapping naming the variable that holds its token. */
export const perspectiveSchema = z.union(
  [
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}=https?:\/\/\S+$/, { error: 'expected NAME=URL' }),
    z.strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, { error: 'expected a name of letters, digits, . _ -' }),
      url: z.url({ protocol: /^https?$/, error: 'expected the http(s) URL of an acme-preflight agent' }),
      tokenEnv: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, { error: 'expected an environment variable name' })
        .optional(),
    }),
  ],
  { error: 'expected NAME=URL or a mapping with name:, url: and tokenEnv:' },
);

export const configSchema = z.strictObject({
  names: list('domain name or IP address').min(1, { error: 'expected at least one name' }).optional(),
  challenge: z
    .enum(CONFIG_CHALLENGES, { error: `expected one of ${CONFIG_CHALLENGES.join(', ')}` })
    .optional(),
  /** `provider: cloudflare` is short for `provider: { code: cloudflare }`. */
  provider: z.preprocess((v) => (typeof v === 'string' ? { code: v } : v), providerSchema).optional(),
  ca: text('a CA issuer domain or short name')
    .refine(validCa, { error: 'expected a CA issuer domain (e.g. letsencrypt.org) or a known CA name' })
    .optional(),
  accountUri: z.url({ protocol: /^https$/, error: 'expected the https URL of an ACME account' }).optional(),
  webroot: text('a directory').optional(),
  network: networkSchema.optional(),
  failOn: z.enum(FAIL_ON, { error: `expected one of ${FAIL_ON.join(', ')}` }).optional(),
  skip: z
    .array(
      text('a check family name').refine((s) => FAMILY_NAMES.includes(s), {
        error: (i) => `${JSON.stringify(i.input)} is not a check family (${FAMILY_NAMES.join(', ')})`,
      }),
      { error: 'expected a list of check family names' },
    )
    .optional(),
  /** Remote perspectives (acme-preflight agent); tokens come from the environment, never from this file. */
  perspectives: z.array(perspectiveSchema, { error: 'expected a list of perspectives' }).optional(),
});

export type Config = z.infer<typeof configSchema>;
export type NetworkConfig = z.infer<typeof networkSchema>;

/** Keys allowed in the mapping at a path, for "did you mean" on an unknown key. */
export function keysAt(path: readonly PropertyKey[]): string[] {
  const [first, ...rest] = path;
  if (first === undefined) return Object.keys(configSchema.shape);
  if (rest.length > 0) return [];
  if (first === 'network') return Object.keys(networkSchema.shape);
  if (first === 'provider') return Object.keys(providerSchema.shape);
  return [];
}
