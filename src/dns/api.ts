/** The contracts the checks use. Implemented by the iterative resolver (./iterative.ts) and the pool. */
import type {
  DnsRecord,
  DnsResponse,
  QueryFailure,
  QueryOptions,
  QueryOutcome,
  ServerEndpoint,
} from './types.js';

/** One step of a lookup: which server was asked what, and what it said. */
export type Exchange = QueryOutcome;

export type LookupStatus =
  | 'NOERROR' // answer (possibly empty: NODATA)
  | 'NXDOMAIN'
  | 'SERVFAIL' // every authoritative server failed or said SERVFAIL
  | 'REFUSED'
  | 'TIMEOUT'
  | 'LAME' // no server gave an authoritative answer (no AA, upward referral)
  | 'CNAME_LOOP'
  | 'CNAME_TOO_LONG'
  | 'MALFORMED'
  | 'NO_NAMESERVERS'; // a delegation whose nameservers have no usable address

export interface CnameLink {
  name: string;
  target: string;
  ttl: number;
  server: string;
}

/** The outcome of resolving name/type the way a recursive resolver would, from the root. */
export interface Lookup {
  name: string;
  type: string;
  status: LookupStatus;
  /** Records of the asked type at the end of the CNAME chain. */
  records: DnsRecord[];
  /** CNAMEs followed, in order. */
  cnames: CnameLink[];
  /** Final owner name after CNAMEs. */
  finalName: string;
  /** The zone (apex) that answered the final name, and its servers. */
  zone?: string;
  /** Every exchange made for this lookup (cached ones included), in order: the evidence trail. */
  exchanges: Exchange[];
  /** The exchange the status rests on (the NXDOMAIN, the SERVFAIL, the timeout...). */
  decisive?: Exchange;
  /** Human summary of a failure naming the server(s). */
  message?: string;
  /**
   * The zone's servers answered a question of this lookup differently (the first such question): the
   * lookup took the answer of the server first in the fixed order, and a CA may get any of these.
   */
  disagreement?: Disagreement;
}

/** One answer some of a zone's servers gave, and which servers ("address:port", fixed order) gave it. */
export interface AnswerVariant {
  servers: string[];
  rcode: string;
  /** Answer records at the name: the asked type and CNAMEs. */
  records: DnsRecord[];
}

export interface Disagreement {
  name: string;
  type: string;
  zone: string;
  /** The answer the lookup used comes first. */
  variants: AnswerVariant[];
}

export interface Delegation {
  /** Zone apex, lower-case, no trailing dot ('' for the root). */
  zone: string;
  /** NS names as the parent lists them (referral). */
  parentNs: string[];
  /** Addresses found for each NS name (glue or separate resolution). */
  servers: ServerEndpoint[];
  /** NS names with no usable address, and why. */
  unresolvedNs: { name: string; reason: string }[];
  /** The referral response from the parent. */
  referral?: DnsResponse;
}

export interface AuthoritativeAnswer {
  server: ServerEndpoint;
  outcome: QueryOutcome;
}

export interface DnsClient {
  query(server: ServerEndpoint, name: string, type: string, opts?: QueryOptions): Promise<QueryOutcome>;
  /** Queries sent on the wire so far (not cache hits). */
  readonly sent: number;
  /** True once the run is over: no new query is sent. */
  readonly closed?: boolean;
  /** Ends the run: queries in flight are abandoned, new ones are not sent. */
  close?(reason?: string): void;
}

export interface IterativeResolverApi {
  /** Resolve as a recursive resolver would, following referrals and CNAMEs from the root. */
  resolve(name: string, type: string): Promise<Lookup>;
  /**
   * The zone cut (delegation) that contains name, walked from the root. `probe`: a question type about
   * name the caller will ask anyway, tried before an SOA question.
   */
  findZone(name: string, probe?: string): Promise<Delegation | { error: Lookup }>;
  /** Ask these servers one question directly (a diagnosis of servers a failed lookup met). */
  askServers?(
    servers: ServerEndpoint[],
    name: string,
    type: string,
    opts?: QueryOptions,
  ): Promise<AuthoritativeAnswer[]>;
  /** Ask every authoritative server of the zone containing name the same question, directly. */
  askAll(
    name: string,
    type: string,
    opts?: QueryOptions,
  ): Promise<{ delegation: Delegation; answers: AuthoritativeAnswer[] } | { error: Lookup }>;
}

export type { DnsRecord, DnsResponse, QueryFailure, QueryOptions, QueryOutcome, ServerEndpoint };
