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

/**
 * Every call takes an optional AbortSignal, as lego's and libdns's providers take a context: when it aborts,
 * the call stops at once (its HTTP request, process or wait) and rejects with a ProviderCancelledError.
 */
export interface DnsProvider {
  readonly name: string;
  /** Adds one TXT value; never replaces other values under the same name. */
  createTxt(fqdn: string, value: string, signal?: AbortSignal): Promise<RecordHandle>;
  /** Removes exactly what createTxt created; deleting twice is harmless. */
  deleteTxt(handle: RecordHandle, signal?: AbortSignal): Promise<void>;
  /** The nameservers the provider expects for the zone holding fqdn ("wrong provider" checks). */
  zoneNameservers?(fqdn: string, signal?: AbortSignal): Promise<string[]>;
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
  /** manual: resolves once the operator has done what the message asked; stops waiting when signal aborts. */
  confirm?: (step: ManualStep, signal?: AbortSignal) => Promise<void>;
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
  override readonly name: string = 'ProviderError';
  constructor(
    message: string,
    readonly provider: string,
    readonly status?: number,
  ) {
    super(message);
  }

  /** The provider said no (bad credentials, unknown zone, bad request): configuration, not an outage. */
  get refused(): boolean {
    return this.status !== undefined && this.status >= 400 && this.status < 500 && this.status !== 429;
  }
}

/** The caller's signal aborted the call (Ctrl-C, a deadline): it stopped; nothing later in it was done. */
export class ProviderCancelledError extends ProviderError {
  override readonly name = 'ProviderCancelledError';
}

/** What a signal's reason says, in one line; never a stack. */
export function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  const text = r instanceof Error ? r.message : typeof r === 'string' ? r : '';
  return text.split('\n')[0]!.trim() || 'aborted';
}

/** The error a call stopped by signal rejects with: what was cancelled and why, e.g. "creating TXT x: cancelled (SIGINT)". */
export const cancelled = (provider: string, what: string, signal: AbortSignal): ProviderCancelledError =>
  new ProviderCancelledError(`${what}: cancelled (${abortReason(signal)})`, provider);

/** Throws the cancellation error when signal has already aborted: nothing is sent after Ctrl-C. */
export function throwIfCancelled(provider: string, what: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled(provider, what, signal);
}

/** Waits ms, or rejects with the cancellation error as soon as signal aborts (a provider's own poll). */
export function pause(ms: number, provider: string, what: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(provider, what, signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelled(provider, what, signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
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

/**
 * A fragment of a secret this long or longer is redacted: a token cut by a length limit, or quoted in
 * part, is still most of the token. Shorter runs of its characters are too likely to occur by chance.
 */
export const MIN_SECRET_FRAGMENT = 8;

/** The forms a secret takes on the way out of an adapter: raw, URL-encoded, JSON-escaped, base64. */
function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  forms.add(encodeURIComponent(secret).replace(/%20/g, '+'));
  // base64 of text holding the secret contains one of these, whatever the secret's offset mod 3.
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.from(secret.slice(shift), 'utf8').toString('base64').replace(/=+$/, '');
    // The last one or two characters depend on what follows the secret: drop them.
    const stable = b64.slice(0, b64.length - 2);
    forms.add(stable);
    forms.add(stable.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...forms].filter((f) => f.length > 0);
}

/**
 * Replaces every occurrence of each secret in text, in every form adapters use (raw, URL-encoded,
 * JSON-escaped, base64), and every fragment of one at least MIN_SECRET_FRAGMENT characters long (a cut
 * or partial echo). Redact before cutting: a cut never turns a whole secret into an unrecognised part.
 */
export function redact(text: string, secrets: (string | undefined)[]): string {
  const hide = new Uint8Array(text.length);
  let any = false;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    for (const form of secretForms(secret)) {
      const k = Math.min(MIN_SECRET_FRAGMENT, form.length);
      if (form.length < 4) continue;
      // Every k-long window of the form; a window of text found there starts a hidden run.
      const grams = new Set<string>();
      for (let i = 0; i + k <= form.length; i++) grams.add(form.slice(i, i + k));
      for (let i = 0; i + k <= text.length; i++) {
        if (grams.has(text.slice(i, i + k))) {
          hide.fill(1, i, i + k);
          any = true;
        }
      }
    }
  }
  if (!any) return text;
  let out = '';
  for (let i = 0; i < text.length;) {
    if (hide[i]) {
      while (i < text.length && hide[i]) i++;
      out += '[REDACTED]';
    } else out += text[i++];
  }
  return out;
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
  signal?: AbortSignal,
): Promise<T> {
  for (const name of candidateZones(fqdn)) {
    throwIfCancelled(code, `finding the zone of ${fqdn}`, signal);
    const zone = await lookup(name);
    if (zone !== undefined) return zone;
  }
  throw new ProviderError(notFound, code, 404);
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
