/** One DNS question to one server over UDP or TCP: IDs, matching, timeouts, retries, TC fallback. */
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import dnsPacket from 'dns-packet';
import type {
  DnsQuestion,
  DnsRecord,
  DnsResponse,
  QueryFailureKind,
  QueryOptions,
  QueryOutcome,
  ServerEndpoint,
} from './types.js';
import { normalizeName } from './names.js';
import { udpMuxFor } from './udp-mux.js';

/** DNS Flag Day 2020: an EDNS buffer that avoids IP fragmentation. */
export const DEFAULT_UDP_PAYLOAD = 1232;
/** RFC 1035 4.2.2: a TCP message is prefixed by a two-byte length, so at most 65535 bytes. */
export const MAX_TCP_MESSAGE = 65535;
export const DEFAULT_TIMEOUT_MS = 3000;
export const DEFAULT_RETRIES = 2;

export interface TransportOptions extends QueryOptions {
  /** Called for every message put on the wire (retries and TCP fallback included). */
  onSend?: (transport: 'udp' | 'tcp') => void;
  /** Ends the wait (and any retry) at once: the run is over or out of time. */
  signal?: AbortSignal;
}

/** How an aborted query ends: no reply is awaited any more. */
const abortedBy = (signal: AbortSignal): string =>
  signal.reason instanceof Error ? signal.reason.message : 'the run ended';

/** Names whose data is a domain name, normalised like owner names. */
const NAME_DATA_TYPES = new Set(['NS', 'CNAME', 'DNAME', 'PTR']);

export function serverLabel(server: ServerEndpoint): string {
  return `${server.address}:${server.port}`;
}

export function normalizeQuestion(q: DnsQuestion): DnsQuestion {
  return { name: normalizeName(q.name), type: q.type.toUpperCase() };
}

/** Encoded queries by question and flags; only the ID differs between two sends of the same question. */
const queryTemplates = new Map<string, Buffer>();
/** Bounds the template cache on huge runs (memory); a miss only costs an encode. */
const MAX_QUERY_TEMPLATES = 4096;
/**
 * One encoded query per type and flags, for the root name: a new question splices its name in after the
 * 12-byte header. dns-packet's whole-message encoder was the costliest step of sending a query.
 */
const skeletons = new Map<string, Buffer>();
const HEADER_BYTES = 12;
/** dns-packet encodes names with this; its typings leave it out. */
const nameCodec = (dnsPacket as unknown as { name: { encode(name: string): Buffer } }).name;

/** The query message for question q with message id. */
export function buildQuery(id: number, q: DnsQuestion, opts: QueryOptions = {}): Buffer {
  const flags = `${q.type}|${opts.rd ? 1 : 0}${opts.cd ? 1 : 0}${opts.dnssec ? 1 : 0}|${opts.udpPayload ?? ''}|${opts.ednsVersion ?? ''}`;
  const key = `${q.name}|${flags}`;
  let template = queryTemplates.get(key);
  if (!template) {
    let skeleton = skeletons.get(flags);
    if (!skeleton) {
      skeleton = encodeQuery(0, { name: '', type: q.type }, opts);
      skeletons.set(flags, skeleton);
    }
    const name = q.name === '' ? Buffer.from([0]) : nameCodec.encode(q.name);
    template = Buffer.concat([skeleton.subarray(0, HEADER_BYTES), name, skeleton.subarray(HEADER_BYTES + 1)]);
    if (queryTemplates.size >= MAX_QUERY_TEMPLATES) queryTemplates.clear();
    queryTemplates.set(key, template);
  }
  const msg = Buffer.allocUnsafe(template.length);
  template.copy(msg);
  msg.writeUInt16BE(id, 0);
  return msg;
}

export function encodeQuery(id: number, q: DnsQuestion, opts: QueryOptions): Buffer {
  const payload = opts.udpPayload ?? DEFAULT_UDP_PAYLOAD;
  const flags = (opts.rd ? dnsPacket.RECURSION_DESIRED : 0) | (opts.cd ? dnsPacket.CHECKING_DISABLED : 0);
  const packet: dnsPacket.Packet = {
    id,
    type: 'query',
    flags,
    questions: [{ name: q.name === '' ? '.' : q.name, type: q.type as dnsPacket.RecordType, class: 'IN' }],
  };
  if (payload > 0) {
    packet.additionals = [
      {
        type: 'OPT',
        name: '.',
        udpPayloadSize: payload,
        ednsVersion: opts.ednsVersion ?? 0,
        flags: opts.dnssec ? dnsPacket.DNSSEC_OK : 0,
      } as dnsPacket.Answer,
    ];
  }
  return dnsPacket.encode(packet);
}

function toRecord(a: dnsPacket.Answer): DnsRecord {
  const r = a as { name: string; type: string; class?: string; ttl?: number; data?: unknown };
  const data = NAME_DATA_TYPES.has(r.type) && typeof r.data === 'string' ? normalizeName(r.data) : r.data;
  return { name: normalizeName(r.name), type: r.type, class: r.class ?? 'IN', ttl: r.ttl ?? 0, data };
}

type DecodedOpt = dnsPacket.Answer & { extendedRcode?: number; ednsVersion?: number; flag_do?: boolean };
const optOf = (p: dnsPacket.DecodedPacket): DecodedOpt | undefined =>
  (p.additionals ?? []).find((a) => a.type === 'OPT') as DecodedOpt | undefined;

/** RFC 6891 §6.1.3: the OPT record's upper rcode bits; 1 over NOERROR is BADVERS (16). */
const EXTENDED_RCODES: Record<number, string> = { 16: 'BADVERS', 17: 'BADKEY', 23: 'BADCOOKIE' };

/** dns-packet decodes the header rcode but its typings omit it, and it ignores the OPT's upper bits. */
function rcodeOf(p: dnsPacket.DecodedPacket): string {
  const low = (p as { rcode?: string }).rcode ?? 'NOERROR';
  const ext = optOf(p)?.extendedRcode ?? 0;
  if (ext === 0) return low;
  const full = (ext << 4) | ((p.flags ?? 0) & 0xf);
  return EXTENDED_RCODES[full] ?? `RCODE${full}`;
}

type Examined =
  | { kind: 'ignore'; why: string }
  | { kind: 'malformed'; message: string }
  | { kind: 'ok'; packet: dnsPacket.DecodedPacket };

/** Decides what a received message is: our answer, someone else's, or garbage. Pure. */
export function examineReply(buf: Buffer, id: number, q: DnsQuestion): Examined {
  if (buf.length < 2)
    return { kind: 'malformed', message: `reply of ${buf.length} byte(s) is not a DNS message` };
  if (buf.readUInt16BE(0) !== id) return { kind: 'ignore', why: 'wrong message ID' };
  let packet: dnsPacket.DecodedPacket;
  try {
    packet = dnsPacket.decode(buf);
  } catch (err) {
    return { kind: 'malformed', message: `reply cannot be decoded: ${(err as Error).message}` };
  }
  // dns-packet reads past the end of a message cut inside a record (an A record decoded as
  // 127.undefined.undefined.undefined): a message whose records end beyond its last byte is malformed.
  const used = (dnsPacket.decode as unknown as { bytes: number }).bytes;
  if (!(used <= buf.length) && packet.flag_tc) {
    // A truncated reply cut anywhere: only its header counts, and the question goes to TCP.
    packet = { ...packet, answers: [], authorities: [], additionals: [] };
  } else if (!(used <= buf.length))
    return {
      kind: 'malformed',
      message: `reply of ${buf.length} bytes is cut inside a record (its records need ${used} bytes)`,
    };
  const badRdata = used <= buf.length ? wrongFixedRdata(buf) : undefined;
  if (badRdata) return { kind: 'malformed', message: `reply has ${badRdata}` };
  if (!packet.flag_qr) return { kind: 'ignore', why: 'message is not a response' };
  const questions = packet.questions ?? [];
  // Servers often drop the question from FORMERR/REFUSED/NOTIMP replies.
  const rcode = rcodeOf(packet);
  if (questions.length === 0 && rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') {
    return { kind: 'ok', packet };
  }
  const rq = questions[0];
  if (
    questions.length !== 1 ||
    !rq ||
    normalizeName(rq.name) !== q.name ||
    String(rq.type).toUpperCase() !== q.type ||
    (rq.class ?? 'IN') !== 'IN'
  ) {
    return { kind: 'ignore', why: 'question does not match' };
  }
  for (const section of [packet.answers, packet.authorities, packet.additionals]) {
    for (const a of section ?? []) {
      if (typeof (a as { name?: unknown }).name !== 'string') {
        return { kind: 'malformed', message: 'reply has a record without an owner name' };
      }
    }
  }
  return { kind: 'ok', packet };
}

/** Fixed RDATA sizes (RFC 1035 3.4.1, RFC 3596 2.2): dns-packet reads them whatever RDLENGTH says. */
const FIXED_RDATA: Record<number, [string, number]> = { 1: ['A', 4], 28: ['AAAA', 16] };

/** The index after the name at i (labels, then a zero or a pointer), or -1 past the end. */
function skipName(buf: Buffer, i: number): number {
  while (i < buf.length) {
    const len = buf[i]!;
    if ((len & 0xc0) === 0xc0) return i + 2;
    if (len === 0) return i + 1;
    i += len + 1;
  }
  return -1;
}

/**
 * An A or AAAA record whose RDLENGTH is not 4 or 16: dns-packet would decode the bytes after it as the
 * address; the CA's resolver (miekg/dns, Unbound) rejects the message.
 */
function wrongFixedRdata(buf: Buffer): string | undefined {
  const records = buf.readUInt16BE(6) + buf.readUInt16BE(8) + buf.readUInt16BE(10);
  let i = 12;
  for (let q = buf.readUInt16BE(4); q > 0; q--) {
    i = skipName(buf, i);
    if (i < 0) return undefined;
    i += 4;
  }
  for (let r = 0; r < records; r++) {
    i = skipName(buf, i);
    if (i < 0 || i + 10 > buf.length) return undefined;
    const fixed = FIXED_RDATA[buf.readUInt16BE(i)];
    const rdlength = buf.readUInt16BE(i + 8);
    if (fixed && rdlength !== fixed[1])
      return `an ${fixed[0]} record with RDLENGTH ${rdlength} (must be ${fixed[1]})`;
    i += 10 + rdlength;
  }
  return undefined;
}

/**
 * NXDOMAIN says the name at the end of the answer's CNAME chain does not exist (RFC 6604 section 2.1),
 * so records of any other type beside it are ignored, as the CA's resolver does: a name is not made to
 * exist by a server that contradicts itself.
 */
const NXDOMAIN_KEEPS = new Set(['CNAME', 'DNAME', 'RRSIG']);
function answersOf(packet: dnsPacket.DecodedPacket): dnsPacket.Answer[] {
  const answers = packet.answers ?? [];
  if (rcodeOf(packet) !== 'NXDOMAIN') return answers;
  return answers.filter((a) => NXDOMAIN_KEEPS.has(a.type));
}

export function toResponse(
  packet: dnsPacket.DecodedPacket,
  server: string,
  question: DnsQuestion,
  rttMs: number,
  transport: 'udp' | 'tcp',
): DnsResponse {
  return {
    server,
    question,
    rcode: rcodeOf(packet),
    flags: {
      aa: packet.flag_aa,
      tc: packet.flag_tc,
      rd: packet.flag_rd,
      ra: packet.flag_ra,
      ad: packet.flag_ad,
      cd: packet.flag_cd,
    },
    answers: answersOf(packet).map(toRecord),
    authorities: (packet.authorities ?? []).map(toRecord),
    additionals: (packet.additionals ?? []).filter((a) => a.type !== 'OPT').map(toRecord),
    rttMs,
    transport,
    ...ednsOf(packet),
  };
}

function ednsOf(packet: dnsPacket.DecodedPacket): Pick<DnsResponse, 'edns'> {
  const opt = optOf(packet);
  return opt ? { edns: { version: opt.ednsVersion ?? 0, do: opt.flag_do === true } } : {};
}

function failure(
  server: string,
  question: DnsQuestion,
  kind: QueryFailureKind,
  message: string,
  rttMs: number,
): QueryOutcome {
  return { ok: false, failure: { server, question, kind, message, rttMs } };
}

/** No usable reply in time: a timeout, or only replies that did not match the question. */
function silence(
  label: string,
  q: DnsQuestion,
  proto: 'UDP' | 'TCP',
  ignored: string,
  timeoutMs: number,
  rttMs: number,
): QueryOutcome {
  return ignored
    ? failure(
        label,
        q,
        'mismatch',
        `only unmatched replies from ${label} (${ignored}) within ${timeoutMs} ms`,
        rttMs,
      )
    : failure(label, q, 'timeout', `no reply from ${label} over ${proto} within ${timeoutMs} ms`, rttMs);
}

function udpAttempt(server: ServerEndpoint, q: DnsQuestion, opts: TransportOptions): Promise<QueryOutcome> {
  const label = serverLabel(server);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const start = performance.now();
    let ignored = '';
    let malformed = '';
    let done = false;
    const elapsed = (): number => Math.round(performance.now() - start);
    const finish = (o: QueryOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      ticket.release();
      resolve(o);
    };
    // Anyone can send a datagram with the server's address: a reply that is not a well-formed answer to
    // this question is set aside and the real one awaited, as a resolver does. Only when nothing better
    // came is the malformed reply the outcome.
    const ticket = udpMuxFor(server.address).open(server.address, server.port, {
      reply(buf) {
        const ex = examineReply(buf, ticket.id, q);
        if (ex.kind === 'ignore') ignored = ex.why;
        else if (ex.kind === 'malformed') malformed = ex.message;
        else finish({ ok: true, response: toResponse(ex.packet, label, q, elapsed(), 'udp') });
      },
      stray(buf) {
        // A reply no query is waiting for (wrong ID, or garbage): keep waiting, but say so on timeout.
        const ex = examineReply(buf, ticket.id, q);
        if (ex.kind === 'ignore') ignored = ex.why;
      },
      error(err) {
        finish(failure(label, q, 'network', `UDP to ${label}: ${err.message}`, elapsed()));
      },
    });
    const msg = buildQuery(ticket.id, q, opts);
    const signal = opts.signal;
    const onAbort = (): void =>
      finish(failure(label, q, 'aborted', `query to ${label} abandoned: ${abortedBy(signal!)}`, elapsed()));
    if (signal?.aborted) {
      // finish() below clears a timer that does not exist yet: set it first.
      setImmediate(onAbort);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () =>
        finish(
          malformed
            ? failure(label, q, 'malformed', `${label} (UDP): ${malformed}`, elapsed())
            : silence(label, q, 'UDP', ignored, timeoutMs, elapsed()),
        ),
      timeoutMs,
    );
    opts.onSend?.('udp');
    ticket.send(msg, (err) => {
      if (err) finish(failure(label, q, 'network', `UDP to ${label}: ${err.message}`, elapsed()));
    });
  });
}

function tcpAttempt(server: ServerEndpoint, q: DnsQuestion, opts: TransportOptions): Promise<QueryOutcome> {
  const label = serverLabel(server);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const id = randomInt(0, 0x10000);
    const msg = buildQuery(id, q, opts);
    const start = performance.now();
    const elapsed = (): number => Math.round(performance.now() - start);
    let buffered = Buffer.alloc(0);
    let ignored = '';
    let done = false;
    const sock = net.connect({ host: server.address, port: server.port });
    const onAbort = (): void =>
      finish(
        failure(label, q, 'aborted', `query to ${label} abandoned: ${abortedBy(opts.signal!)}`, elapsed()),
      );
    const finish = (o: QueryOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      resolve(o);
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => finish(silence(label, q, 'TCP', ignored, timeoutMs, elapsed())),
      timeoutMs,
    );
    if (opts.signal?.aborted) setImmediate(onAbort);
    sock.on('connect', () => {
      const framed = Buffer.alloc(msg.length + 2);
      framed.writeUInt16BE(msg.length, 0);
      msg.copy(framed, 2);
      opts.onSend?.('tcp');
      sock.write(framed);
    });
    sock.on('error', (err) =>
      finish(failure(label, q, 'network', `TCP to ${label}: ${err.message}`, elapsed())),
    );
    sock.on('close', () =>
      finish(
        failure(label, q, 'network', `TCP connection to ${label} closed before a full reply`, elapsed()),
      ),
    );
    sock.on('data', (chunk: Buffer) => {
      if (done) return;
      if (buffered.length + chunk.length > MAX_TCP_MESSAGE + 2) {
        finish(
          failure(
            label,
            q,
            'malformed',
            `${label} (TCP) sent more than ${MAX_TCP_MESSAGE + 2} bytes`,
            elapsed(),
          ),
        );
        return;
      }
      buffered = Buffer.concat([buffered, chunk]);
      while (!done && buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < len + 2) return;
        const one = Buffer.from(buffered.subarray(2, len + 2));
        buffered = buffered.subarray(len + 2);
        const ex = examineReply(one, id, q);
        if (ex.kind === 'ignore') {
          ignored = ex.why;
          continue;
        }
        if (ex.kind === 'malformed') {
          finish(failure(label, q, 'malformed', `${label} (TCP): ${ex.message}`, elapsed()));
          return;
        }
        finish({ ok: true, response: toResponse(ex.packet, label, q, elapsed(), 'tcp') });
      }
    });
  });
}

/** Retries only on timeout; any other first outcome is passed through without an extra promise hop. */
function withRetries(attempt: () => Promise<QueryOutcome>, retries: number): Promise<QueryOutcome> {
  const again = async (out: QueryOutcome): Promise<QueryOutcome> => {
    for (let i = 0; i < retries && !out.ok && out.failure.kind === 'timeout'; i++) out = await attempt();
    if (!out.ok && out.failure.kind === 'timeout' && retries > 0) {
      out.failure.message += ` (${retries + 1} attempts)`;
    }
    return out;
  };
  return attempt().then((out) =>
    out.ok || out.failure.kind !== 'timeout' || retries === 0 ? out : again(out),
  );
}

/**
 * Asks one server one question. Never throws: failures come back as { ok: false }.
 * Retries only on timeout; a truncated UDP answer is retried over TCP.
 */
export function queryOnce(
  server: ServerEndpoint,
  question: DnsQuestion,
  opts: TransportOptions = {},
): Promise<QueryOutcome> {
  const retries = Math.max(0, opts.retries ?? DEFAULT_RETRIES);
  const failed = (err: unknown): QueryOutcome =>
    failure(
      serverLabel(server),
      normalizeQuestion(question),
      'network',
      `query to ${serverLabel(server)} failed: ${(err as Error).message}`,
      0,
    );
  try {
    const q = normalizeQuestion(question);
    const tcp = (): Promise<QueryOutcome> => withRetries(() => tcpAttempt(server, q, opts), retries);
    if (opts.tcp) return tcp().catch(failed);
    // The common case (one UDP answer, not truncated) takes no extra promise hop.
    return withRetries(() => udpAttempt(server, q, opts), retries)
      .then((udp) => (udp.ok && udp.response.flags.tc ? tcp() : udp))
      .catch(failed);
  } catch (err) {
    return Promise.resolve(failed(err));
  }
}
