/** RFC 2136 adapter: DNS UPDATE signed with TSIG, against the zone's primary server. */
import { DnsUpdateError, findZone, parseServer, sendUpdate } from '../../src/dns/update.js';
import { digestFor, TsigError, type TsigKey } from '../../src/dns/tsig.js';
import {
  cancelled,
  normalizeFqdn,
  ProviderConfigError,
  ProviderError,
  readCredentials,
  redact,
  type DnsProvider,
  type ProviderEnv,
  type ProviderOptions,
  type RecordHandle,
} from '../types.js';
import { meta } from './meta.js';

export { meta };

const DEFAULT_TTL = 120;
const DEFAULT_TIMEOUT_S = 10;

export function create(env: ProviderEnv, opts: ProviderOptions = {}): DnsProvider {
  const c = readCredentials(meta, env);
  const secret = c.RFC2136_TSIG_SECRET!;
  const cfg = (m: string) => new ProviderConfigError(`${meta.name}: ${redact(m, [secret])}`, meta.code);
  let server;
  try {
    server = parseServer(c.RFC2136_NAMESERVER!);
  } catch (e) {
    throw cfg((e as Error).message);
  }
  const algorithm = c.RFC2136_TSIG_ALGORITHM ?? 'hmac-sha256.';
  try {
    digestFor(algorithm);
  } catch (e) {
    throw cfg((e as Error).message);
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret)) throw cfg('RFC2136_TSIG_SECRET is not valid base64');
  const key: TsigKey = { name: c.RFC2136_TSIG_KEY!, algorithm, secret: Buffer.from(secret, 'base64') };
  const ttl = opts.ttl ?? intOr(c.RFC2136_TTL, DEFAULT_TTL, 'RFC2136_TTL', cfg);
  const timeoutMs =
    opts.timeoutMs ?? intOr(c.RFC2136_DNS_TIMEOUT, DEFAULT_TIMEOUT_S, 'RFC2136_DNS_TIMEOUT', cfg) * 1000;

  const wrap = async <T>(what: string, signal: AbortSignal | undefined, f: () => Promise<T>): Promise<T> => {
    if (signal?.aborted) throw cancelled(meta.code, what, signal);
    try {
      return await f();
    } catch (e) {
      if (signal?.aborted) throw cancelled(meta.code, what, signal);
      if (e instanceof DnsUpdateError || e instanceof TsigError) {
        throw new ProviderError(redact(e.message, [secret]), meta.code);
      }
      throw e;
    }
  };

  return {
    name: meta.code,
    async createTxt(fqdn, value, signal) {
      const name = normalizeFqdn(fqdn);
      return wrap(`adding TXT ${name}`, signal, async () => {
        const zone = await findZone(server, name, timeoutMs, signal);
        await sendUpdate({
          server,
          zone,
          key,
          timeoutMs,
          signal,
          ops: [{ op: 'add', name, type: 'TXT', ttl, value }],
        });
        const handle: RecordHandle = { provider: meta.code, fqdn: name, value, zone };
        return handle;
      });
    },
    async deleteTxt(handle, signal) {
      const zone = typeof handle.zone === 'string' ? handle.zone : undefined;
      await wrap(`removing TXT ${handle.fqdn}`, signal, async () => {
        const z = zone ?? (await findZone(server, handle.fqdn, timeoutMs, signal));
        // Class NONE with the exact RDATA: removes only this value; absent value is a no-op (RFC 2136 §3.4.2.4).
        await sendUpdate({
          server,
          zone: z,
          key,
          timeoutMs,
          signal,
          ops: [{ op: 'delete', name: handle.fqdn, type: 'TXT', value: handle.value }],
        });
      });
    },
  };
}

function intOr(v: string | undefined, d: number, name: string, err: (m: string) => Error): number {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw err(`${name} must be a non-negative integer`);
  return n;
}
