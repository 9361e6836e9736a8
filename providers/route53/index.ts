/**
 * Amazon Route 53 adapter over the official SDK v3 (the only module that imports it, so the registry loads
 * it lazily). TXT values are added to, and removed from, the record set one at a time: a name shared with
 * other values (another client, a second challenge) keeps them.
 */
import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type Change,
  type ResourceRecord,
  type ResourceRecordSet,
  type Route53ClientConfig,
} from '@aws-sdk/client-route-53';
import {
  cancelled,
  firstZone,
  normalizeFqdn,
  pause,
  ProviderConfigError,
  ProviderError,
  readCredentials,
  redact,
  secondsFrom,
  type Credentials,
  type DnsProvider,
  type ProviderEnv,
  type ProviderOptions,
  type RecordHandle,
} from '../types.js';
import { meta } from './meta.js';

export { meta };

/** Route 53 is a global service; any region of the partition signs for us-east-1. */
export const DEFAULT_REGION = 'us-east-1';
/** lego's defaults for AWS_TTL, AWS_PROPAGATION_TIMEOUT, AWS_POLLING_INTERVAL and AWS_MAX_RETRIES. */
const DEFAULT_TTL = 10;
const DEFAULT_WAIT_S = 120;
const DEFAULT_POLL_S = 4;
const DEFAULT_RETRIES = 5;
/** Route 53 TXT: each character-string at most 255 bytes, quoted (API reference, "TXT record type"). */
const TXT_CHUNK = 255;
const CHANGE_COMMENT = 'acme-preflight dns-01';

/** Route 53 TXT value: quoted strings of at most 255 characters, `"` and `\` escaped. */
export function toTxtValue(value: string): string {
  const parts: string[] = [];
  for (let i = 0; i === 0 || i < value.length; i += TXT_CHUNK) {
    parts.push('"' + value.slice(i, i + TXT_CHUNK).replace(/(["\\])/g, '\\$1') + '"');
  }
  return parts.join(' ');
}

/** Inverse of toTxtValue; also decodes the \ddd octal escapes Route 53 uses for special characters. */
export function fromTxtValue(v: string): string {
  const unescape = (s: string) =>
    s.replace(/\\(\d{3}|.)/g, (_m, e: string) => (e.length === 3 ? String.fromCharCode(parseInt(e, 8)) : e));
  const parts = [...v.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unescape(m[1]!));
  return parts.length > 0 ? parts.join('') : unescape(v);
}

/** Route 53 names: lower-case, trailing dot, \ddd escapes (e.g. \052 for *). */
function sameName(a: string | undefined, fqdn: string): boolean {
  if (a === undefined) return false;
  const decoded = a.replace(/\\(\d{3})/g, (_m, d: string) => String.fromCharCode(parseInt(d, 8)));
  return normalizeFqdn(decoded) === fqdn;
}

function wholeNumber(name: string, value: string | undefined, dflt: number): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new ProviderConfigError(`${meta.name}: ${name} must be a whole number, got "${value}"`, meta.code);
  }
  return n;
}

/** Builds the SDK client; explicit keys when env has them, else the SDK default chain (see meta). */
export function clientConfig(c: Credentials, opts: ProviderOptions = {}): Route53ClientConfig {
  const keyId = c.AWS_ACCESS_KEY_ID;
  const secret = c.AWS_SECRET_ACCESS_KEY;
  if ((keyId === undefined) !== (secret === undefined)) {
    const missing = keyId === undefined ? 'AWS_ACCESS_KEY_ID' : 'AWS_SECRET_ACCESS_KEY';
    throw new ProviderConfigError(
      `${meta.name}: ${missing} is missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY together, or neither to use the SDK default credential chain`,
      meta.code,
      [missing],
    );
  }
  const retries = wholeNumber('AWS_MAX_RETRIES', c.AWS_MAX_RETRIES, DEFAULT_RETRIES);
  return {
    region: c.AWS_REGION ?? DEFAULT_REGION,
    ...(keyId !== undefined && secret !== undefined
      ? { credentials: { accessKeyId: keyId, secretAccessKey: secret, sessionToken: c.AWS_SESSION_TOKEN } }
      : {}),
    ...(c.AWS_PROFILE !== undefined ? { profile: c.AWS_PROFILE } : {}),
    ...(opts.baseUrl !== undefined ? { endpoint: opts.baseUrl } : {}),
    // Settings the SDK would otherwise take from process.env or ~/.aws/config ("auto" mode may probe IMDS).
    defaultsMode: 'standard',
    retryMode: 'standard',
    maxAttempts: retries + 1,
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    ignoreConfiguredEndpointUrls: true,
    requestHandler: { requestTimeout: opts.timeoutMs ?? 30_000, connectionTimeout: opts.timeoutMs ?? 30_000 },
  };
}

/**
 * Runs one SDK call, handing it the caller's signal (the SDK aborts the request); any failure becomes a
 * redacted ProviderError saying what was attempted, a ProviderCancelledError when the signal stopped it.
 */
type SdkCall = <T>(
  what: string,
  run: (o: { abortSignal?: AbortSignal }) => Promise<T>,
  signal: AbortSignal | undefined,
) => Promise<T>;

/** The caller for one adapter: these secrets are redacted from every error. */
const sdkCaller =
  (secrets: (string | undefined)[]): SdkCall =>
  async <T>(
    what: string,
    run: (o: { abortSignal?: AbortSignal }) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> => {
    if (signal?.aborted) throw cancelled(meta.code, what, signal);
    try {
      return await run(signal ? { abortSignal: signal } : {});
    } catch (e) {
      if (signal?.aborted) throw cancelled(meta.code, what, signal);
      const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      const hint =
        err.name === 'CredentialsProviderError'
          ? ' (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)'
          : '';
      throw new ProviderError(
        redact(`${what}: ${err.name ?? 'Error'}: ${err.message ?? String(e)}${hint}`, secrets),
        meta.code,
        err.$metadata?.httpStatusCode,
      );
    }
  };

interface ZoneSettings {
  fixedZone: string | undefined;
  waitS: number;
  pollS: number;
}

/** Hosted-zone lookup, the TXT record set at a name, and one change batch waited for. */
function route53Records(client: Route53Client, call: SdkCall, { fixedZone, waitS, pollS }: ZoneSettings) {
  async function findZone(fqdn: string, signal?: AbortSignal): Promise<string> {
    if (fixedZone) return fixedZone;
    return firstZone(
      meta.code,
      fqdn,
      async (name) => {
        const out = await call(
          `looking up hosted zone ${name}`,
          (o) => client.send(new ListHostedZonesByNameCommand({ DNSName: name, MaxItems: 10 }), o),
          signal,
        );
        // The list starts at DNSName and goes on with later names; private zones never answer the CA.
        const z = out.HostedZones?.find((h) => sameName(h.Name, name) && h.Config?.PrivateZone !== true);
        return z?.Id?.replace(/^\/hostedzone\//, '');
      },
      `no public Route 53 hosted zone visible to these credentials contains ${fqdn}`,
      signal,
    );
  }

  /** The simple-routing TXT record set at fqdn, if any. */
  async function getTxtSet(
    zoneId: string,
    fqdn: string,
    signal?: AbortSignal,
  ): Promise<ResourceRecordSet | undefined> {
    const list = new ListResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      StartRecordName: fqdn + '.',
      StartRecordType: 'TXT',
      MaxItems: 10,
    });
    const out = await call(`reading TXT ${fqdn}`, (o) => client.send(list, o), signal);
    return out.ResourceRecordSets?.find(
      (r) => sameName(r.Name, fqdn) && r.Type === 'TXT' && r.SetIdentifier === undefined,
    );
  }

  async function change(zoneId: string, what: string, ch: Change, signal?: AbortSignal): Promise<void> {
    const batch = new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Comment: CHANGE_COMMENT, Changes: [ch] },
    });
    const out = await call(what, (o) => client.send(batch, o), signal);
    let status = out.ChangeInfo?.Status;
    const id = out.ChangeInfo?.Id;
    const deadline = Date.now() + waitS * 1000;
    while (status === 'PENDING' && id !== undefined && Date.now() < deadline) {
      const waiting = `waiting for change ${id}`;
      if (pollS > 0) await pause(pollS * 1000, meta.code, waiting, signal);
      const got = await call(waiting, (o) => client.send(new GetChangeCommand({ Id: id }), o), signal);
      status = got.ChangeInfo?.Status;
    }
    // Still PENDING after the wait: the change is accepted and will apply; the caller checks propagation.
  }

  return { findZone, getTxtSet, change };
}

export function create(env: ProviderEnv, opts: ProviderOptions = {}): DnsProvider {
  const c = readCredentials(meta, env);
  const config = clientConfig(c, opts);
  const ttl = opts.ttl ?? secondsFrom(meta, 'AWS_TTL', c.AWS_TTL, DEFAULT_TTL);
  const waitS = secondsFrom(meta, 'AWS_PROPAGATION_TIMEOUT', c.AWS_PROPAGATION_TIMEOUT, DEFAULT_WAIT_S);
  const pollS = secondsFrom(meta, 'AWS_POLLING_INTERVAL', c.AWS_POLLING_INTERVAL, DEFAULT_POLL_S);
  const fixedZone = c.AWS_HOSTED_ZONE_ID?.replace(/^\/?hostedzone\//, '');
  const secrets = [c.AWS_ACCESS_KEY_ID, c.AWS_SECRET_ACCESS_KEY, c.AWS_SESSION_TOKEN];
  const client = new Route53Client(config);

  const call = sdkCaller(secrets);
  const { findZone, getTxtSet, change } = route53Records(client, call, { fixedZone, waitS, pollS });

  const ours = (value: string) => (r: ResourceRecord) =>
    r.Value !== undefined && fromTxtValue(r.Value) === value;

  return {
    name: meta.code,
    async createTxt(fqdn, value, signal) {
      const name = normalizeFqdn(fqdn);
      const zoneId = await findZone(name, signal);
      const existing = await getTxtSet(zoneId, name, signal);
      const records = existing?.ResourceRecords ?? [];
      const present = records.some(ours(value));
      if (!present) {
        const set: ResourceRecordSet = {
          Name: name + '.',
          Type: 'TXT',
          TTL: existing?.TTL ?? ttl,
          // Values already there are sent back verbatim: UPSERT replaces the whole set.
          ResourceRecords: [...records.map((r) => ({ Value: r.Value })), { Value: toTxtValue(value) }],
        };
        await change(zoneId, `adding TXT ${name}`, { Action: 'UPSERT', ResourceRecordSet: set }, signal);
      }
      // A value that was already there is not ours to delete later.
      const handle: RecordHandle = { provider: meta.code, fqdn: name, value, zoneId, preexisting: present };
      return handle;
    },
    async deleteTxt(handle, signal) {
      if (handle.preexisting === true) return;
      const zoneId = typeof handle.zoneId === 'string' ? handle.zoneId : await findZone(handle.fqdn, signal);
      const existing = await getTxtSet(zoneId, handle.fqdn, signal);
      const records = existing?.ResourceRecords ?? [];
      if (!existing || !records.some(ours(handle.value))) return;
      const rest = records.filter((r) => !ours(handle.value)(r)).map((r) => ({ Value: r.Value }));
      const set = { Name: existing.Name, Type: existing.Type, TTL: existing.TTL };
      await change(
        zoneId,
        `removing TXT ${handle.fqdn}`,
        rest.length === 0
          ? // DELETE must name the set exactly as it stands.
            {
              Action: 'DELETE',
              ResourceRecordSet: { ...set, ResourceRecords: records.map((r) => ({ Value: r.Value })) },
            }
          : { Action: 'UPSERT', ResourceRecordSet: { ...set, ResourceRecords: rest } },
        signal,
      );
    },
    async zoneNameservers(fqdn, signal) {
      const zoneId = await findZone(normalizeFqdn(fqdn), signal);
      const out = await call(
        `reading hosted zone ${zoneId}`,
        (o) => client.send(new GetHostedZoneCommand({ Id: zoneId }), o),
        signal,
      );
      return (out.DelegationSet?.NameServers ?? []).map((n) => normalizeFqdn(n));
    },
  };
}
