/** The parsed command-line options of every command, as types: a leaf module config and cli both use. */
import type { Challenge } from '../report/finding.js';

export interface NetworkArgs {
  'root-hints'?: string[];
  'trust-anchor'?: string;
  resolver?: string[];
  'dns-port'?: number;
  'http-port'?: number;
  'tls-port'?: number;
  'allow-address'?: string[];
  'public-suffix'?: string[];
  timeout?: number;
  concurrency?: number;
  'name-deadline'?: number;
  'run-deadline'?: number;
}

export interface OutputArgs {
  format: 'text' | 'json' | 'markdown';
  color?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

export interface AcmeDryRunArgs {
  'acme-dry-run'?: boolean;
  'acme-directory'?: string;
}

/** Remote perspectives (check --perspective). */
export interface PerspectiveArgs {
  perspective?: string[];
  /** From the config file: the variable holding each perspective's token. */
  'perspective-token-env'?: Record<string, string>;
  'perspective-ca'?: string;
  'perspective-cert'?: string;
  'perspective-key'?: string;
}

export interface CheckArgs extends NetworkArgs, OutputArgs, AcmeDryRunArgs, PerspectiveArgs {
  names: string[];
  challenge?: Challenge;
  ca?: string;
  'account-uri'?: string;
  skip?: string[];
  webroot?: string;
  provider?: string;
  'propagation-timeout'?: number;
  config?: string;
  'fail-on'?: 'error' | 'warning' | 'never';
}

export interface GuardArgs extends CheckArgs {
  /** The command after `--`. */
  '--'?: (string | number)[];
}

/** The challenges whose TXT record a provider places: the dns01 command and the hooks. */
export type PlacedChallenge = 'dns-01' | 'dns-account-01';

export interface Dns01Args extends NetworkArgs, OutputArgs {
  action: 'present' | 'verify' | 'cleanup';
  challenge?: PlacedChallenge;
  'account-uri'?: string;
  name: string;
  value?: string;
  expect?: string;
  provider?: string;
  stale?: boolean;
  wait?: boolean;
  'propagation-timeout'?: number;
  'state-file'?: string;
  'public-resolvers'?: boolean;
}

export interface HookArgs extends NetworkArgs {
  challenge?: PlacedChallenge;
  'account-uri'?: string;
  provider?: string;
  webroot?: string;
  'propagation-timeout'?: number;
  'state-file'?: string;
  config?: string;
}

export const HOOK_KINDS = ['certbot-auth', 'certbot-cleanup', 'lego'] as const;
export type HookKind = (typeof HOOK_KINDS)[number];

export interface HookCliArgs extends HookArgs {
  kind: HookKind;
  args?: (string | number)[];
  '--'?: (string | number)[];
}
