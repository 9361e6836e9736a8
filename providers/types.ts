/** The DNS-provider adapter contract: small, libdns-like, lego-named credentials. */
import { readFileSync } from 'node:fs';

/** What createTxt returns: plain JSON, so `dns01 cleanup` can delete in a later process. */
export interface RecordHandle {
  /** Provider code that created it. */
  provider: string;
  /** Lower-case FQDN, no trailing dot. */
  fqdn: string;
  /** The TXT value as created (unquoted). */
  value: string;
  /** Provider-specific identifiers (zone id, record id, ...); JSON-serialisable only. */
  [key: string]: string | number | boolean | null;
}

export interface DnsProvider {
  readonly name: string;
  /** Adds one TXT value; never replaces other values under the same name. */
  createTxt(fqdn: string, value: string): Promise<RecordHandle>;
  /** Removes exactly what createTxt created; deleting twice is harmless. */
  deleteTxt(handle: RecordHandle): Promise<void>;
  /** The nameservers the provider expects for the zone holding fqdn ("wrong provider" checks). */
  zoneNameservers?(fqdn: string): Promise<string[]>;
}

export interface ProviderEnvVar {
  name: string;
  description: string;
  required: boolean;
  secret: boolean;
  /** Other accepted names (lego aliases), tried after name. */
  aliases?: string[];
}

export interface ProviderMeta {
  code: string;
  name: string;
  description: string;
  env: ProviderEnvVar[];
  /** Link to the provider's API documentation. */
  docs: string;
}

/** Environment handed in by the config layer; adapters never read process.env. */
export type ProviderEnv = Record<string, string | undefined>;

/** Options an adapter may use; all optional, tests inject loopback endpoints here. */
export interface ProviderOptions {
  /** Override the API base URL (tests point it at a loopback server). */
  baseUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** TTL for created records, seconds. */
  ttl?: number;
  /** manual: where instructions are written. */
  output?: { write(chunk: string): unknown };
  /** manual: resolves once the operator has done what the message asked. */
  confirm?: (step: ManualStep) => Promise<void>;
}

export interface ManualStep {
  action: 'add' | 'remove';
  fqdn: string;
  value: string;
  message: string;
}

export class ProviderConfigError extends Error {
  override readonly name = 'ProviderConfigError';
  constructor(
    message: string,
    readonly provider: string,
    readonly missing: string[] = [],
  ) {
    super(message);
  }
}

/** An API or protocol failure; the message never carries credentials. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  constructor(
    message: string,
    readonly provider: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export type Credentials = Record<string, string | undefined>;

export interface ReadCredentialsOptions {
  readFile?: (path: string) => string;
}

/**
 * Resolves each declared variable from env, then aliases, then <NAME>_FILE (trailing newline trimmed).
 * Throws one ProviderConfigError naming every missing required variable.
 */
export function readCredentials(
  meta: ProviderMeta,
  env: ProviderEnv,
  opts: ReadCredentialsOptions = {},
): Credentials {
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  const out: Credentials = {};
  const missing: string[] = [];
  for (const v of meta.env) {
    let value: string | undefined;
    for (const n of [v.name, ...(v.aliases ?? [])]) {
      value = nonEmpty(env[n]);
      if (value === undefined) {
        const file = nonEmpty(env[`${n}_FILE`]);
        if (file !== undefined) {
          try {
            value = nonEmpty(readFile(file).replace(/\r?\n$/, ''));
          } catch (e) {
            const code = (e as NodeJS.ErrnoException).code ?? 'error';
            throw new ProviderConfigError(
              `${meta.name}: cannot read ${n}_FILE (${file}): ${code}`,
              meta.code,
            );
          }
        }
      }
      if (value !== undefined) break;
    }
    out[v.name] = value;
    if (value === undefined && v.required) missing.push(v.name);
  }
  if (missing.length > 0) {
    const names = missing
      .map((m) => {
        const v = meta.env.find((e) => e.name === m);
        const alts = [m, ...(v?.aliases ?? [])];
        return alts.join(' or ') + ` (or ${m}_FILE)`;
      })
      .join(', ');
    throw new ProviderConfigError(
      `${meta.name}: missing required environment variable${missing.length > 1 ? 's' : ''}: ${names}`,
      meta.code,
      missing,
    );
  }
  return out;
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

/** Replaces every occurrence of each secret in text, so API bodies and URLs can be quoted safely. */
export function redact(text: string, secrets: (string | undefined)[]): string {
  let t = text;
  for (const s of secrets) if (s && s.length >= 4) t = t.split(s).join('[REDACTED]');
  return t;
}

/** Lower-case, no trailing dot. */
export function normalizeFqdn(fqdn: string): string {
  return fqdn.trim().toLowerCase().replace(/\.+$/, '');
}

/** Candidate zones for fqdn, longest first, stopping above the last two labels' parent (never the TLD alone). */
export function candidateZones(fqdn: string): string[] {
  const labels = normalizeFqdn(fqdn).split('.');
  const out: string[] = [];
  for (let i = 0; i < labels.length - 1; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/**
 * The provider's zone for fqdn: asks about each candidate zone, longest first, and returns the first one
 * found. `notFound` says where it looked, for the error when none is.
 */
export async function firstZone<T>(
  code: string,
  fqdn: string,
  lookup: (zone: string) => Promise<T | undefined>,
  notFound: string,
): Promise<T> {
  for (const name of candidateZones(fqdn)) {
    const zone = await lookup(name);
    if (zone !== undefined) return zone;
  }
  throw new ProviderError(notFound, code);
}

/** The id of a record the provider just created; a response without one is an error naming the record. */
export function createdRecordId<T extends 'string' | 'number'>(
  code: string,
  fqdn: string,
  id: unknown,
  type: T,
): T extends 'string' ? string : number {
  if (typeof id !== type) throw new ProviderError(`creating TXT ${fqdn}: no record id in response`, code);
  return id as T extends 'string' ? string : number;
}

/** fqdn relative to zone: '@' at the apex. */
export function relativeName(fqdn: string, zone: string): string {
  const f = normalizeFqdn(fqdn);
  const z = normalizeFqdn(zone);
  if (f === z) return '@';
  if (!f.endsWith('.' + z)) throw new Error(`${f} is not inside zone ${z}`);
  return f.slice(0, f.length - z.length - 1);
}

/** Parses an optional whole number of seconds from a credential variable. */
export function secondsFrom(
  meta: ProviderMeta,
  name: string,
  value: string | undefined,
  dflt: number,
): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new ProviderConfigError(
      `${meta.name}: ${name} must be a whole number of seconds, got "${value}"`,
      meta.code,
    );
  }
  return n;
}
