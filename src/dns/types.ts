/** Shapes every DNS answer keeps, so findings can cite who said what. */

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | string;

export interface DnsQuestion {
  /** Lower-case, no trailing dot; '' or '.' is the root. */
  name: string;
  /** 'A', 'AAAA', 'NS', 'CAA', 'TXT', 'DS', 'DNSKEY', ... */
  type: string;
}

export interface DnsRecord {
  name: string;
  type: string;
  class: string;
  ttl: number;
  /** dns-packet's decoded data for the type (string for A/AAAA/CNAME/NS, objects or Buffers otherwise). */
  data: unknown;
}

export interface DnsFlags {
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
}

export interface DnsResponse {
  /** "address:port" of the server that answered. */
  server: string;
  question: DnsQuestion;
  rcode: Rcode;
  flags: DnsFlags;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  rttMs: number;
  transport: 'udp' | 'tcp';
  /** The reply's OPT record (RFC 6891), when it had one: EDNS version and DO bit echoed. */
  edns?: { version: number; do: boolean };
}

/** aborted: not waited for any more (the run ended or its deadline passed). */
export type QueryFailureKind = 'timeout' | 'malformed' | 'network' | 'mismatch' | 'aborted';

export interface QueryFailure {
  server: string;
  question: DnsQuestion;
  kind: QueryFailureKind;
  message: string;
  rttMs: number;
}

export type QueryOutcome = { ok: true; response: DnsResponse } | { ok: false; failure: QueryFailure };

export interface QueryOptions {
  /** Recursion desired (false for authoritative servers). */
  rd?: boolean;
  /** Checking disabled. */
  cd?: boolean;
  /** EDNS0 DO bit. */
  dnssec?: boolean;
  /** EDNS0 UDP payload size; 0 disables EDNS. */
  udpPayload?: number;
  /** EDNS version to send (default 0): a probe for servers that ignore unknown versions (RFC 6891 §6.1.3). */
  ednsVersion?: number;
  /** Go straight to TCP. */
  tcp?: boolean;
  timeoutMs?: number;
  retries?: number;
}

/** A server to ask: address plus port. */
export interface ServerEndpoint {
  address: string;
  port: number;
  /** Nameserver or resolver name, for evidence. */
  name?: string;
}

export const endpointLabel = (e: ServerEndpoint): string =>
  `${e.name ? e.name + ' ' : ''}${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port}`;
