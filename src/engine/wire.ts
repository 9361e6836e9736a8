/**
 * What travels between `check --perspective` and `acme-preflight agent`: plain JSON, versioned.
 * The request names only what the CA's operations need; nothing in it can widen the agent's network policy.
 */
import type { Challenge } from '../report/finding.js';
import type { GatheredNames } from './gathered.js';

/** Bumped on an incompatible change to the request or answer. */
export const AGENT_API_VERSION = 2 as const;
export const GATHER_PATH = '/v1/gather';
export const HEALTH_PATH = '/healthz';

/** RFC 8555 and Boulder's order limit: 100 names per order. */
export const MAX_NAMES_PER_REQUEST = 100;
/** RFC 1035 §2.3.4: a name is at most 253 characters in presentation form (plus a wildcard label). */
export const MAX_NAME_LENGTH = 255;

export interface GatherRequest {
  names: string[];
  challenge: Challenge;
  /** CAA issuer domain, e.g. letsencrypt.org. */
  ca: string;
  accountUri?: string;
}

/** The agent's answer: its evidence per name, plain data; the primary judges it. */
export interface GatherResponse {
  apiVersion: typeof AGENT_API_VERSION;
  perspective: string;
  rir: string;
  agentVersion: string;
  evidence: GatheredNames;
}

export interface HealthResponse {
  status: 'ok';
  perspective: string;
  rir: string;
  agentVersion: string;
  apiVersion: typeof AGENT_API_VERSION;
}

/** The five Regional Internet Registries (BR 3.2.2.9 counts distinct RIRs). */
export const RIRS = ['ARIN', 'RIPE', 'APNIC', 'LACNIC', 'AFRINIC'] as const;
