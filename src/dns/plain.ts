/**
 * DNS answers as plain data (DESIGN.md "evidence is plain data"): what a gatherer returns must survive
 * JSON.stringify/JSON.parse unchanged, so a remote perspective can gather it and this process judge it.
 * dns-packet decodes binary RDATA to Buffers; these helpers turn them into strings, once, at the edge.
 */
import type { AuthoritativeAnswer, Delegation, Exchange, Lookup } from './api.js';
import type { DnsRecord, DnsResponse, QueryOutcome, ServerEndpoint } from './types.js';

const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
const bytes = (v: Uint8Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

/** Whether a value is already what JSON would give back: no bytes, dates or undefined fields inside. */
function isPlain(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return v !== undefined;
  if (isBytes(v) || v instanceof Date) return false;
  if (Array.isArray(v)) return v.every(isPlain);
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in v) if (!isPlain((v as Record<string, unknown>)[k])) return false;
  return true;
}

/**
 * Nested binary fields (keys, digests, signatures) as base64; undefined fields left out, as JSON does.
 * A value that is plain already is returned as is: shared answers (a zone's NS, SOA and CAA sets) are made
 * plain for every name that cites them, and copying each time was most of a large run's garbage.
 */
function plainValue(v: unknown): unknown {
  if (isPlain(v)) return v;
  return copyPlain(v);
}

function copyPlain(v: unknown): unknown {
  if (isBytes(v)) return bytes(v).toString('base64');
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(copyPlain);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = copyPlain(x);
    return out;
  }
  return v;
}

/**
 * A value whose type is already plain data, with the undefined fields an object spread leaves behind
 * removed (JSON drops them, so the round trip would differ).
 */
export const withoutUndefinedDeep = <T>(v: T): T => plainValue(v) as T;

/** TXT data is its character-strings as text; opaque RDATA its RFC 3597 form; other binary fields base64. */
export function plainData(type: string, data: unknown): unknown {
  if (typeof data === 'string' || typeof data === 'number' || data === null) return data;
  if (type === 'TXT' || type === 'SPF') {
    const parts = Array.isArray(data) ? (data as unknown[]) : [data];
    return parts.map((p) => (isBytes(p) ? bytes(p).toString('utf8') : String(p)));
  }
  if (isBytes(data)) {
    const b = bytes(data);
    return `\\# ${b.length}${b.length ? ' ' + b.toString('hex').toUpperCase() : ''}`;
  }
  return data === undefined ? null : plainValue(data);
}

/** A record whose data needs no change is returned as is (most are names and addresses). */
export function plainRecord(r: DnsRecord): DnsRecord {
  const data = plainData(r.type, r.data);
  return data === r.data ? r : { ...r, data };
}

/** The same array when every record is plain already (the usual case): no copy per citing name. */
const plainRecords = (rs: DnsRecord[]): DnsRecord[] => {
  let out: DnsRecord[] | undefined;
  for (let i = 0; i < rs.length; i++) {
    const p = plainRecord(rs[i]!);
    if (p !== rs[i] && !out) out = rs.slice(0, i);
    out?.push(p);
  }
  return out ?? rs;
};

export function plainResponse(r: DnsResponse): DnsResponse {
  const answers = plainRecords(r.answers);
  const authorities = plainRecords(r.authorities);
  const additionals = plainRecords(r.additionals);
  if (answers === r.answers && authorities === r.authorities && additionals === r.additionals) return r;
  return { ...r, answers, authorities, additionals };
}

export function plainOutcome(o: QueryOutcome): QueryOutcome {
  if (!o.ok) return o;
  const response = plainResponse(o.response);
  return response === o.response ? o : { ok: true, response };
}

/** Same server, question and timing: the same exchange, also after a JSON round trip lost object identity. */
export function sameExchange(a: Exchange, b: Exchange): boolean {
  if (a === b) return true;
  const x = a.ok ? a.response : a.failure;
  const y = b.ok ? b.response : b.failure;
  return (
    a.ok === b.ok &&
    x.server === y.server &&
    x.rttMs === y.rttMs &&
    x.question.name === y.question.name &&
    x.question.type === y.question.type
  );
}

function withoutUndefined<T extends object>(o: T): T {
  if (!Object.values(o).includes(undefined)) return o;
  const out = {} as T;
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export function plainLookup(l: Lookup): Lookup {
  const exchanges = l.exchanges.map(plainOutcome);
  const at = l.decisive ? l.exchanges.indexOf(l.decisive) : -1;
  const decisive = l.decisive ? (at >= 0 ? exchanges[at] : plainOutcome(l.decisive)) : undefined;
  const disagreement = l.disagreement && {
    ...l.disagreement,
    variants: l.disagreement.variants.map((v) => ({ ...v, records: plainRecords(v.records) })),
  };
  return withoutUndefined({ ...l, records: plainRecords(l.records), exchanges, decisive, disagreement });
}

export function plainDelegation(d: Delegation): Delegation {
  return withoutUndefined({
    ...d,
    servers: d.servers.map(plainEndpoint),
    referral: d.referral ? plainResponse(d.referral) : undefined,
  });
}

export const plainEndpoint = (e: ServerEndpoint): ServerEndpoint => withoutUndefined(e);

export function plainAnswer(a: AuthoritativeAnswer): AuthoritativeAnswer {
  return { server: plainEndpoint(a.server), outcome: plainOutcome(a.outcome) };
}

/** The result of asking every authoritative server (IterativeResolverApi.askAll), as plain data. */
export function plainAskAll(
  r: { delegation: Delegation; answers: AuthoritativeAnswer[] } | { error: Lookup },
): { delegation: Delegation; answers: AuthoritativeAnswer[] } | { error: Lookup } {
  if ('error' in r) return { error: plainLookup(r.error) };
  return { delegation: plainDelegation(r.delegation), answers: r.answers.map(plainAnswer) };
}
