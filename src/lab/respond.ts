/** Turns a received query into the bytes a lab server sends back (or silence), faults included. Pure. */
import dnsPacket from 'dns-packet';
import type { DnsRecord } from '../dns/types.js';
import { normalizeName } from '../dns/names.js';
import type { Behaviour, Fault } from './scenario.js';
import { type LabAnswer, type LabQuestion, upwardReferral } from './authority.js';

/** RFC 1035 4.2.1: without EDNS a UDP message is at most 512 bytes. */
export const CLASSIC_UDP_LIMIT = 512;

const RCODES: Record<string, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};
const NAME_DATA_TYPES = new Set(['NS', 'CNAME', 'DNAME', 'PTR']);

export type Reply = { kind: 'silence' } | { kind: 'bytes'; bytes: Buffer };

export interface Responder {
  /** The server's own answer to a question (authoritative or recursive). */
  answer(q: LabQuestion): LabAnswer;
  fault?: Fault;
  behaviour?: Behaviour;
  /** Root servers, for the upward-referral fault. */
  roots: { name: string; address: string }[];
}

/** True when the fault applies to this question (no names/types restriction means always). */
export function faultApplies(fault: Fault | undefined, q: { name: string; type: string }): boolean {
  if (!fault) return false;
  const name = normalizeName(q.name);
  if (fault.names?.length && !fault.names.some((n) => normalizeName(n) === name)) return false;
  if (fault.types?.length && !fault.types.some((t) => t.toUpperCase() === q.type.toUpperCase())) return false;
  return true;
}

function toWire(r: DnsRecord): dnsPacket.Answer {
  const data = NAME_DATA_TYPES.has(r.type) && r.data === '' ? '.' : r.data;
  return {
    name: r.name === '' ? '.' : r.name,
    type: r.type,
    class: r.class,
    ttl: r.ttl,
    data,
  } as dnsPacket.Answer;
}

/** Bytes that start with the query's ID (so a client matches them) but are no DNS message. */
export function malformedBytes(id: number): Buffer {
  const b = Buffer.from([0, 0, 0x81, 0x80, 0, 1, 0, 5, 0, 0, 0, 0, 0x07, 0x67, 0x61, 0x72, 0x62, 0xff, 0xfe]);
  b.writeUInt16BE(id, 0);
  return b;
}

interface Built {
  answer: LabAnswer;
  /** Message ID to answer with (wrong-id changes it). */
  id: number;
  truncate: boolean;
}

type RequestOpt = dnsPacket.Answer & { udpPayloadSize?: number; flags?: number; ednsVersion?: number };

function requestInfo(req: dnsPacket.DecodedPacket): {
  opt?: RequestOpt;
  dnssec: boolean;
  udpLimit: number;
} {
  const opt = (req.additionals ?? []).find((a) => a.type === 'OPT') as RequestOpt | undefined;
  const dnssec = opt ? ((opt.flags ?? 0) & dnsPacket.DNSSEC_OK) !== 0 : false;
  const udpLimit = opt
    ? Math.max(CLASSIC_UDP_LIMIT, opt.udpPayloadSize ?? CLASSIC_UDP_LIMIT)
    : CLASSIC_UDP_LIMIT;
  return { opt, dnssec, udpLimit };
}

/** RFC 6891 §6.1.3: BADVERS is extended rcode 16, its upper bits carried in the OPT record. */
const BADVERS = 16;
const RCODE_BITS = 4;

export function encodeAnswer(
  req: dnsPacket.DecodedPacket,
  built: Built,
  withOpt: boolean,
  dnssec: boolean,
): Buffer {
  const a = built.answer;
  const full = a.rcode === 'BADVERS' ? BADVERS : (RCODES[a.rcode] ?? 2);
  let flags = full & 0xf;
  if (a.aa) flags |= dnsPacket.AUTHORITATIVE_ANSWER;
  if (a.ra) flags |= dnsPacket.RECURSION_AVAILABLE;
  if ((req.flags ?? 0) & dnsPacket.RECURSION_DESIRED) flags |= dnsPacket.RECURSION_DESIRED;
  if ((req.flags ?? 0) & dnsPacket.CHECKING_DISABLED) flags |= dnsPacket.CHECKING_DISABLED;
  if (built.truncate) flags |= dnsPacket.TRUNCATED_RESPONSE;
  const additionals = built.truncate ? [] : a.additionals.map(toWire);
  if (withOpt) {
    additionals.push({
      type: 'OPT',
      name: '.',
      udpPayloadSize: 1232,
      extendedRcode: full >> RCODE_BITS,
      flags: dnssec ? dnsPacket.DNSSEC_OK : 0,
    } as dnsPacket.Answer);
  }
  return dnsPacket.encode({
    id: built.id,
    type: 'response',
    flags,
    questions: req.questions,
    answers: built.truncate ? [] : a.answers.map(toWire),
    authorities: built.truncate ? [] : a.authorities.map(toWire),
    additionals,
  });
}

const emptyAnswer = (rcode: LabAnswer['rcode']): LabAnswer => ({
  rcode,
  aa: false,
  ra: false,
  answers: [],
  authorities: [],
  additionals: [],
});

/** A reply with no records: the rcode, and an OPT record when withOpt. */
const emptyReply = (req: dnsPacket.DecodedPacket, rcode: LabAnswer['rcode'], withOpt: boolean): Reply => ({
  kind: 'bytes',
  bytes: encodeAnswer(req, { answer: emptyAnswer(rcode), id: req.id ?? 0, truncate: false }, withOpt, false),
});

/** What the server's EDNS behaviour makes of a query with an OPT record, before it is answered. */
function ednsReply(
  responder: Responder,
  req: dnsPacket.DecodedPacket,
  opt: RequestOpt | undefined,
): Reply | undefined {
  if (!opt) return undefined;
  const b = responder.behaviour;
  if (b?.edns === 'drop') return { kind: 'silence' };
  if (b?.edns === 'formerr') return emptyReply(req, 'FORMERR', false);
  if (b?.do === 'drop' && ((opt.flags ?? 0) & dnsPacket.DNSSEC_OK) !== 0) return { kind: 'silence' };
  // RFC 6891 §6.1.3: a version above the one implemented (0) gets BADVERS, with an OPT of version 0.
  if ((opt.ednsVersion ?? 0) > 0 && b?.edns !== 'nobadvers') return emptyReply(req, 'BADVERS', true);
  return undefined;
}

/** The reply to one decoded query received over transport. */
export function respond(responder: Responder, req: dnsPacket.DecodedPacket, transport: 'udp' | 'tcp'): Reply {
  const { opt, dnssec, udpLimit } = requestInfo(req);
  const early = ednsReply(responder, req, opt);
  if (early) return early;
  const q0 = req.questions?.[0];
  if (!q0 || req.type !== 'query') return emptyReply(req, 'FORMERR', !!opt);
  const q: LabQuestion = { name: normalizeName(q0.name), type: String(q0.type).toUpperCase(), dnssec };
  const fault = faultApplies(responder.fault, q) ? responder.fault : undefined;
  const id = req.id ?? 0;
  let built: Built = { answer: emptyAnswer('SERVFAIL'), id, truncate: false };
  switch (fault?.mode) {
    case 'timeout':
      return { kind: 'silence' };
    case 'malformed':
      return { kind: 'bytes', bytes: malformedBytes(id) };
    case 'refused':
      built.answer = emptyAnswer('REFUSED');
      break;
    case 'servfail':
      built.answer = emptyAnswer('SERVFAIL');
      break;
    case 'upward-referral':
      built.answer = upwardReferral(responder.roots);
      break;
    default: {
      const answer = responder.answer(q);
      if (fault?.mode === 'noaa') answer.aa = false;
      built = {
        answer,
        id: fault?.mode === 'wrong-id' ? (id + 1) & 0xffff : id,
        truncate: fault?.mode === 'truncate' && transport === 'udp',
      };
    }
  }
  let bytes = encodeAnswer(req, built, !!opt, dnssec);
  if (transport === 'udp' && !built.truncate && bytes.length > udpLimit) {
    bytes = encodeAnswer(req, { ...built, truncate: true }, !!opt, dnssec);
  }
  return { kind: 'bytes', bytes };
}
