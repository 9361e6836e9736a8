/**
 * A scenario describes a small internet for the lab: DNS servers on loopback addresses, the zones each
 * serves, per-server differences and faults, and (later) web servers. Files live in fixtures/scenarios/.
 */
import { z } from 'zod';
import { httpResponderSchema } from './web.js';

export const FAULT_MODES = [
  'timeout', // never answers
  'refused', // REFUSED
  'servfail', // SERVFAIL
  'noaa', // answers without the AA bit (lame)
  'malformed', // sends bytes that are not a DNS message
  'truncate', // UDP answers have TC set and no records; TCP works
  'wrong-id', // answers with a different message ID
  'upward-referral', // refers to the root instead of answering
] as const;

const faultSchema = z.object({
  mode: z.enum(FAULT_MODES).optional(),
  /** Delay added before each answer. */
  delayMs: z.number().int().min(0).max(60_000).optional(),
  /** Restrict the fault to these owner names (lower-case, no trailing dot) and/or types. */
  names: z.array(z.string()).optional(),
  types: z.array(z.string()).optional(),
});

/**
 * Transport and EDNS behaviour, as Zonemaster's nameserver tests probe it (RFC 6891, RFC 7766):
 * tcp 'off' resets every TCP connection; edns 'drop' ignores queries with an OPT record, 'formerr'
 * answers them FORMERR without OPT (a server without EDNS), 'nobadvers' answers an unknown EDNS version
 * as if it were 0 instead of BADVERS; do 'drop' ignores queries with the DNSSEC OK bit.
 */
export const behaviourSchema = z.object({
  tcp: z.enum(['on', 'off']).optional(),
  edns: z.enum(['ok', 'drop', 'formerr', 'nobadvers']).optional(),
  do: z.enum(['ok', 'drop']).optional(),
});

const serverSchema = z.object({
  /** Host name, used in NS records and evidence. */
  name: z.string(),
  /** Loopback address (127.0.0.0/8 or ::1). */
  address: z.string(),
  /** 'authoritative' serves its zones; 'resolver' answers recursively from the union of all zones. */
  role: z.enum(['authoritative', 'resolver']).default('authoritative'),
  /** Zones served (apex names, '.' for the root). */
  zones: z.array(z.string()).default([]),
  fault: faultSchema.optional(),
  behaviour: behaviourSchema.optional(),
  /**
   * Per-server differences: records (presentation format) that replace, for this server only, the
   * zone's RRsets with the same owner and type. An entry "owner TYPE -" deletes that RRset here.
   */
  overrides: z.array(z.string()).default([]),
  /** For role 'resolver': TTL countdown shown on overridden (stale) answers. */
  staleTtl: z.number().int().min(0).optional(),
});

const zoneSchema = z.object({
  /** Records in zone-file presentation format, one per entry, fully qualified. */
  records: z.array(z.string()),
});

const webSchema = z.object({
  address: z.string(),
  /** A web server on the lab's HTTP port of this address (see src/lab/web.ts). */
  http: httpResponderSchema.optional(),
  tls: z.record(z.string(), z.unknown()).optional(),
});

export const scenarioSchema = z.object({
  description: z.string().optional(),
  servers: z.array(serverSchema).min(1),
  zones: z.record(z.string(), zoneSchema),
  web: z.array(webSchema).default([]),
  /** Trust anchors (DS or DNSKEY, presentation format) for the lab's root; none when unsigned. */
  trustAnchors: z.array(z.string()).optional(),
  /** How the names in `expect` are checked: a DNS-only scenario skips the families that need web servers. */
  expectOptions: z
    .object({
      challenge: z
        .enum(['http-01', 'dns-01', 'tls-alpn-01', 'dns-account-01', 'dns-persist-01'] as const)
        .optional(),
      /** dns-account-01 and dns-persist-01 need the account URL. */
      accountUri: z.string().optional(),
      skip: z.array(z.string()).optional(),
    })
    .optional(),
  /** What the CA should decide, per name, for tests that compare verdicts. */
  expect: z
    .record(z.string(), z.object({ verdict: z.enum(['pass', 'warn', 'fail']), code: z.string().optional() }))
    .optional(),
});

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioServer = z.infer<typeof serverSchema>;
export type Fault = z.infer<typeof faultSchema>;
export type Behaviour = z.infer<typeof behaviourSchema>;
