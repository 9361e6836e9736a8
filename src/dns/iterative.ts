/** An iterative resolver from the root hints, as a CA's recursive resolver would walk the tree. */
import type {
  AuthoritativeAnswer,
  AnswerVariant,
  CnameLink,
  Delegation,
  Disagreement,
  DnsClient,
  Exchange,
  IterativeResolverApi,
  Lookup,
  LookupStatus,
} from './api.js';
import type { NetworkProfile } from '../profile.js';
import type { DnsRecord, DnsResponse, QueryOptions, ServerEndpoint } from './types.js';
import { CachingDnsClient } from './client.js';
import { BoundedMap } from './bounded.js';
import { classifyStep } from './classify.js';
import { publicSuffixOf } from '../net/psl.js';
import { reservedRange } from '../net/reserved.js';
import { displayName, isAtOrBelow, isBelow, normalizeName, parentName } from './names.js';
import { endpointLabel } from './types.js';
import { performance } from 'node:perf_hooks';
import type { QueryOutcome } from './types.js';
import {
  HEDGE_DELAY_MS,
  LOOKUP_DEADLINE_MS,
  MAX_CNAME_CHAIN,
  MAX_NS_TARGETS_PER_LOOKUP,
  MAX_NS_TARGETS_PER_ZONE,
  MAX_QUERIES_PER_LOOKUP,
  MAX_SENT_PER_ZONE,
} from './limits.js';

export { MAX_QUERIES_PER_LOOKUP };
/** Nested NS-name resolutions; Unbound's default target-fetch-policy "3 2 1 0 0" allows depth 4. */
export const MAX_NS_DEPTH = 4;
/** Referrals followed in one walk; each must descend, so this only guards against absurd depth. */
export const MAX_REFERRALS = 40;

/** A zone cut as learnt from its parent's referral (or the root hints). */
interface ZoneState {
  zone: string;
  parentNs: string[];
  addrs: Map<string, string[]>;
  failed: Map<string, string>;
  referral?: DnsResponse;
}

interface Ctx {
  exchanges: Exchange[];
  budget: { used: number; targets: number; exhausted?: string };
  depth: number;
  resolving: Set<string>;
  /** performance.now() after which no new query is sent for this lookup. */
  deadline: number;
}

interface Problem {
  status: LookupStatus;
  exchange?: Exchange;
  note: string;
  server?: ServerEndpoint;
}

type Walk =
  | { kind: 'answer'; zone: ZoneState; response: DnsResponse; exchange: Exchange; others?: Exchange[] }
  | { kind: 'fail'; zone: ZoneState; status: LookupStatus; decisive?: Exchange; message: string };

/** Questions whose negative answer may stand in for the SOA walk (not DS: it is asked of the parent). */
const PROBE_TYPES = new Set(['A', 'AAAA', 'CNAME', 'CAA', 'TXT']);

const STATUS_PRIORITY: LookupStatus[] = ['SERVFAIL', 'REFUSED', 'LAME', 'MALFORMED', 'TIMEOUT'];

/** Bounds a caller may tighten (tests, benchmarks); defaults are the constants in ./limits.ts. */
export interface ResolverLimits {
  maxQueries: number;
  maxCnameChain: number;
  maxSentPerZone: number;
  maxNsTargetsPerZone: number;
  maxNsTargetsPerLookup: number;
  lookupDeadlineMs: number;
  hedgeDelayMs: number;
}

type Useful = Exclude<ReturnType<typeof classifyStep>, { kind: 'problem' }>;

/** What asking a zone's servers came to: the first useful step, or every server's problem. */
type Asked =
  | { kind: 'step'; exchange: Exchange; step: Useful; others?: Exchange[] }
  | { kind: 'none'; problems: Problem[]; stopped?: string };

/** Bounded so a huge run holds no more than this many results; an entry aged out is only recomputed. */
const MAX_MEMO_ENTRIES = 1024;

class Memo {
  private readonly map = new BoundedMap<string, Promise<unknown>>(MAX_MEMO_ENTRIES);
  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.map.get(key) as Promise<T> | undefined;
    if (!p) {
      p = compute();
      this.map.set(key, p);
    }
    return p;
  }
}

const newCtx = (deadlineMs: number): Ctx => ({
  exchanges: [],
  budget: { used: 0, targets: 0 },
  depth: 0,
  resolving: new Set(),
  deadline: performance.now() + deadlineMs,
});

export class IterativeResolver implements IterativeResolverApi {
  readonly client: DnsClient;
  private readonly zones = new Map<string, ZoneState>();
  /** Per name, so bounded: a name that has aged out is placed by one more walk from its zone's cut. */
  private readonly negativeApex = new BoundedMap<string, ZoneState>(MAX_MEMO_ENTRIES * 4);
  /** Whether a zone is a public suffix: asked for every hop of every walk, and fixed for the run. */
  private readonly suffixZones = new Map<string, boolean>();
  /** reservedRange per address learnt from DNS (it parses its range lists on every call). */
  private readonly reservedOf = new Map<string, string | undefined>();
  private readonly limits: ResolverLimits;
  /** (server, type) pairs never answered this run, with the failure: later walks do not wait on them again. */
  private readonly dead = new Map<string, string>();
  /** (server, type) pairs answered this run: a later timeout is about that question, not the server. */
  private readonly alive = new Set<string>();
  /** NS names looked up per zone cut (MAX_NS_TARGETS_PER_ZONE). */
  private readonly targetsOf = new WeakMap<ZoneState, Set<string>>();
  /**
   * Results of the public calls. Every name of a zone asks about the zone's NS, SOA and parent CAA sets,
   * and the client answers each question once anyway, so the same walk need not be run again.
   */
  private readonly memo = new Memo();

  constructor(
    private readonly profile: NetworkProfile,
    client?: DnsClient,
    limits: Partial<ResolverLimits> = {},
  ) {
    this.client = client ?? new CachingDnsClient(profile);
    this.limits = {
      maxQueries: MAX_QUERIES_PER_LOOKUP,
      maxCnameChain: MAX_CNAME_CHAIN,
      maxSentPerZone: MAX_SENT_PER_ZONE,
      maxNsTargetsPerZone: MAX_NS_TARGETS_PER_ZONE,
      maxNsTargetsPerLookup: MAX_NS_TARGETS_PER_LOOKUP,
      lookupDeadlineMs: profile.timeouts.lookupDeadlineMs ?? LOOKUP_DEADLINE_MS,
      hedgeDelayMs: Math.min(HEDGE_DELAY_MS, profile.timeouts.dnsQueryMs),
      ...limits,
    };
    const root: ZoneState = { zone: '', parentNs: [], addrs: new Map(), failed: new Map() };
    for (const h of profile.rootHints) {
      const ns = normalizeName(h.name);
      if (!root.parentNs.includes(ns)) root.parentNs.push(ns);
      root.addrs.set(ns, [...(root.addrs.get(ns) ?? []), h.address]);
    }
    this.zones.set('', root);
  }

  private ctx(): Ctx {
    return newCtx(this.limits.lookupDeadlineMs);
  }

  resolve(name: string, type: string): Promise<Lookup> {
    const n = normalizeName(name);
    const t = type.toUpperCase();
    return this.memo.get(`r|${n}|${t}`, () => this.resolveChain(n, t, this.ctx()));
  }

  findZone(name: string, probe?: string): Promise<Delegation | { error: Lookup }> {
    const n = normalizeName(name);
    return this.memo.get(`z|${n}`, () => this.locateZone(n, probe));
  }

  private async locateZone(name: string, probe?: string): Promise<Delegation | { error: Lookup }> {
    const ctx = this.ctx();
    const found = await this.zoneOf(name, ctx, probe?.toUpperCase());
    if ('error' in found) return found;
    if (found.parentNs.some((ns) => !found.addrs.has(ns) && !found.failed.has(ns)))
      await this.resolveAllNs(found, ctx);
    return toDelegation(found, this.profile.dnsPort);
  }

  askAll(
    name: string,
    type: string,
    opts: QueryOptions = {},
  ): Promise<{ delegation: Delegation; answers: AuthoritativeAnswer[] } | { error: Lookup }> {
    const qname = normalizeName(name);
    const qtype = type.toUpperCase();
    const key = `a|${qname}|${qtype}|${optionsKey(opts)}`;
    return this.memo.get(key, () => this.askEvery(qname, qtype, opts));
  }

  askServers(
    servers: ServerEndpoint[],
    name: string,
    type: string,
    opts: QueryOptions = {},
  ): Promise<AuthoritativeAnswer[]> {
    const qname = normalizeName(name);
    const qtype = type.toUpperCase();
    return Promise.all(
      servers.map(async (server) => ({
        server,
        outcome: await this.client.query(server, qname, qtype, { ...opts, rd: false }),
      })),
    );
  }

  private async askEvery(
    qname: string,
    qtype: string,
    opts: QueryOptions,
  ): Promise<{ delegation: Delegation; answers: AuthoritativeAnswer[] } | { error: Lookup }> {
    const delegation = await this.findZone(qname, qtype);
    if ('error' in delegation) return delegation;
    // A probe (TCP, no EDNS, DO...) is its own kind of question: its silence says nothing of the others.
    const kind = `${qtype}${optionsKey(opts)}`;
    const answers = await Promise.all(
      delegation.servers.map((server) => {
        const known = this.deadFailure(server, qname, kind);
        if (known) return { server, outcome: known };
        return this.client.query(server, qname, qtype, { ...opts, rd: false }).then((outcome) => {
          this.note(server, kind, outcome);
          return { server, outcome };
        });
      }),
    );
    return { delegation, answers };
  }

  /**
   * The zone containing name: walk with an SOA question and read the apex from the SOA owner. With a
   * probe type the caller is about to ask anyway, that question goes first: a negative answer carries the
   * zone's SOA too, and sharing the query saves one per name on large orders.
   */
  private async zoneOf(name: string, ctx: Ctx, probe?: string): Promise<ZoneState | { error: Lookup }> {
    // Already known without asking: a zone cut learnt from a referral, or a name an authoritative
    // negative answer placed in a zone (its SOA names the apex).
    const known = this.zones.get(name) ?? this.negativeApex.get(name);
    if (known) return known;
    if (probe && PROBE_TYPES.has(probe)) {
      const p = await this.walk(name, probe, this.ctx());
      if (p.kind === 'answer' && p.response.answers.length === 0 && p.response.flags.aa) {
        const apex = apexOf(p.response, name, p.zone.zone);
        if (p.response.authorities.some((r) => r.type === 'SOA' && r.name === apex))
          return zoneAt(p.zone, apex);
      }
      // A positive answer or a failure says nothing about the apex: ask for the SOA as before.
    }
    const w = await this.walk(name, 'SOA', ctx);
    if (w.kind === 'fail') {
      return { error: failLookup(name, 'SOA', w, ctx) };
    }
    return zoneAt(w.zone, apexOf(w.response, name, w.zone.zone));
  }

  private async resolveChain(name: string, type: string, ctx: Ctx): Promise<Lookup> {
    const cnames: CnameLink[] = [];
    const seen = new Set([name]);
    let current = name;
    let disagreement: Disagreement | undefined;
    const base = (): Pick<Lookup, 'name' | 'type' | 'cnames' | 'exchanges' | 'disagreement'> => ({
      name,
      type,
      cnames,
      exchanges: ctx.exchanges,
      ...(disagreement ? { disagreement } : {}),
    });
    for (;;) {
      const w = await this.walk(current, type, ctx);
      if (w.kind === 'fail') return { ...failLookup(name, type, w, ctx), cnames, finalName: current };
      disagreement ??= disagreementOf(w, current, type);
      const resp = w.response;
      const zone = apexOf(resp, current, w.zone.zone);
      const who = `${w.exchange.ok ? w.exchange.response.server : ''} (authoritative for ${displayName(zone)})`;
      // Follow the chain inside this answer while it stays in the answering zone.
      let at = current;
      let restart = false;
      for (;;) {
        const records = resp.answers.filter((r) => r.name === at && r.type === type);
        if (records.length > 0) {
          return {
            ...base(),
            status: 'NOERROR',
            records,
            finalName: at,
            zone,
            decisive: w.exchange,
          };
        }
        const cn = resp.answers.find((r) => r.name === at && r.type === 'CNAME');
        if (!cn) break;
        const target = normalizeName(String(cn.data));
        cnames.push({ name: at, target, ttl: cn.ttl, server: resp.server });
        if (seen.has(target)) {
          return {
            ...base(),
            status: 'CNAME_LOOP',
            records: [],
            finalName: target,
            zone,
            decisive: w.exchange,
            message: `CNAME loop: ${cnames.map((c) => c.name).join(' -> ')} -> ${target} (last link from ${resp.server})`,
          };
        }
        if (cnames.length > this.limits.maxCnameChain) {
          return {
            ...base(),
            status: 'CNAME_TOO_LONG',
            records: [],
            finalName: target,
            zone,
            decisive: w.exchange,
            message: `CNAME chain from ${name} longer than ${this.limits.maxCnameChain} links`,
          };
        }
        seen.add(target);
        at = target;
        if (!isAtOrBelow(target, w.zone.zone) || !resp.answers.some((r) => r.name === target)) {
          restart = true;
          break;
        }
      }
      if (restart) {
        current = at;
        continue;
      }
      if (resp.rcode === 'NXDOMAIN') {
        return {
          ...base(),
          status: 'NXDOMAIN',
          records: [],
          finalName: at,
          zone,
          decisive: w.exchange,
          message: `${who} says ${at} does not exist (NXDOMAIN)`,
        };
      }
      return {
        ...base(),
        status: 'NOERROR',
        records: [],
        finalName: at,
        zone,
        decisive: w.exchange,
        message: `${who} says ${at} exists but has no ${type} records (NODATA)`,
      };
    }
  }

  /** Closest cached zone cut for qname (DS lives in the parent of a cut). */
  private closestZone(qname: string, qtype: string): ZoneState {
    let n = qtype === 'DS' && qname !== '' ? parentName(qname) : qname;
    for (;;) {
      const z = this.zones.get(n);
      if (z) return z;
      if (n === '') return this.zones.get('')!;
      n = parentName(n);
    }
  }

  private async walk(qname: string, qtype: string, ctx: Ctx): Promise<Walk> {
    let zs = this.closestZone(qname, qtype);
    for (let hop = 0; hop < MAX_REFERRALS; hop++) {
      const next: ZoneState | undefined = await this.minimisedReferral(zs, qname, qtype, ctx);
      if (next) {
        zs = next;
        continue;
      }
      const asked = await this.askZone(zs, qname, qtype, ctx, true);
      if (asked.kind === 'step') {
        const { step, exchange, others } = asked;
        if (step.kind === 'answer') {
          this.noteNegative(zs, qname, step.response);
          return { kind: 'answer', zone: zs, response: step.response, exchange, others };
        }
        zs = this.adoptReferral(step.child, step.response, zs);
        continue;
      }
      if (asked.stopped) {
        const decisive = [...asked.problems].reverse().find((p) => p.exchange)?.exchange;
        // Out of queries is a resolver's SERVFAIL; out of time is a timeout.
        const status = / after \d+ queries /.test(asked.stopped) ? 'SERVFAIL' : 'TIMEOUT';
        return { kind: 'fail', zone: zs, status, decisive, message: asked.stopped };
      }
      return this.failure(zs, qname, qtype, asked.problems);
    }
    return {
      kind: 'fail',
      zone: zs,
      status: 'SERVFAIL',
      message: `more than ${MAX_REFERRALS} referrals for ${qname}`,
    };
  }

  /** Why no new query may be sent for this lookup, if so (the reason sticks for the whole lookup). */
  private stop(ctx: Ctx, qname: string, qtype: string): string | undefined {
    if (ctx.budget.exhausted) return ctx.budget.exhausted;
    if (ctx.budget.used >= this.limits.maxQueries)
      ctx.budget.exhausted = `gave up on ${qname}/${qtype} after ${this.limits.maxQueries} queries (delegation too deep, too wide or looping)`;
    else if (performance.now() >= ctx.deadline)
      ctx.budget.exhausted = `gave up on ${qname}/${qtype}: the lookup's ${Math.round(this.limits.lookupDeadlineMs / 1000)} s deadline passed`;
    else if (this.client.closed) ctx.budget.exhausted = `gave up on ${qname}/${qtype}: the run ended`;
    return ctx.budget.exhausted;
  }

  /**
   * A failure standing in for a question to a server that never answered this type earlier in the run.
   * Keyed by (server, type): a server that drops only CAA is not taken for dead when CAA is asked first.
   */
  private deadFailure(server: ServerEndpoint, qname: string, kind: string): QueryOutcome | undefined {
    const label = `${server.address}:${server.port}`;
    const key = `${label}|${kind}`;
    const qtype = kind.split('|')[0]!;
    const why = this.dead.get(key);
    if (why === undefined || this.alive.has(key)) return undefined;
    return {
      ok: false,
      failure: {
        server: label,
        question: { name: qname, type: qtype },
        kind: 'timeout',
        message: `${why}; not asked again (it answered no ${qtype} question this run)`,
        rttMs: 0,
      },
    };
  }

  /** Remembers whether a server answers this type of question at all. */
  private note(server: ServerEndpoint, kind: string, outcome: QueryOutcome): void {
    const key = `${server.address}:${server.port}|${kind}`;
    if (outcome.ok) {
      this.alive.add(key);
      this.dead.delete(key);
    } else if (outcome.failure.kind === 'timeout' && !this.alive.has(key) && !this.dead.has(key)) {
      this.dead.set(key, outcome.failure.message);
    }
  }

  /**
   * Asks a zone's servers qname/qtype until one gives an answer or a referral. A server that fails fast
   * (REFUSED, SERVFAIL, lame) is passed over at once; one silent for hedgeDelayMs gets the next server
   * asked alongside it, so a zone of dead servers costs about one query timeout, not one per server.
   * Servers known dead this run are not waited on; the lookup's budget and deadline hold throughout.
   * Every server of a registrant's zone is asked at once, and when one answers (not a referral) the first
   * in the fixed server order wins: which server replied first must not decide the verdict, and servers
   * that disagree are visible in the lookup.
   */
  private askZone(zs: ZoneState, qname: string, qtype: string, ctx: Ctx, record: boolean): Promise<Asked> {
    const nextServer = this.endpoints(zs, ctx);
    const problems: Problem[] = [];
    const everyone = record && zs.zone !== '' && !this.isSuffixZone(zs.zone);
    let sent = 0;
    let launched = 0;
    let exhausted = false;
    let stopped: string | undefined;
    const useful: { order: number; exchange: Exchange; step: Useful }[] = [];
    let found: Extract<Asked, { kind: 'step' }> | undefined;
    /** Queries in flight, with their server and start, so the evidence names any still silent at the end. */
    const inflight = new Map<Promise<void>, { server: ServerEndpoint; started: number }>();
    let wake: (() => void) | undefined;
    const launch = async (): Promise<void> => {
      if (sent >= this.limits.maxSentPerZone) {
        exhausted = true;
        return;
      }
      const s = nextServer();
      const server = s instanceof Promise ? await s : s;
      if (!server) {
        exhausted = true;
        return;
      }
      const order = launched++;
      const known = this.deadFailure(server, qname, qtype);
      if (known && !known.ok) {
        problems.push({ status: 'TIMEOUT', exchange: known, note: known.failure.message, server });
        return;
      }
      // Asking the rest after an answer must not end the lookup: it only stops asking.
      const why = found ? this.outOfBudget(ctx) : this.stop(ctx, qname, qtype);
      if (why) {
        if (!found) stopped = why;
        exhausted = true;
        return;
      }
      ctx.budget.used++;
      sent++;
      const p: Promise<void> = this.client.query(server, qname, qtype, { rd: false }).then((ex) => {
        inflight.delete(p);
        this.note(server, qtype, ex);
        const step = classifyStep(ex, zs.zone, qname, qtype);
        if (step.kind === 'problem') {
          if (record) ctx.exchanges.push(ex);
          problems.push({ status: step.status, exchange: ex, note: step.note, server });
        } else {
          if (record || step.kind === 'referral') ctx.exchanges.push(ex);
          useful.push({ order, exchange: ex, step });
          found ??= { kind: 'step', exchange: ex, step };
        }
        wake?.();
      });
      inflight.set(p, { server, started: performance.now() });
    };
    /** Servers still silent when another answered (or time ran out): evidence, not waited for. */
    const silent = (why: string): void => {
      if (!record) return;
      for (const { server, started } of inflight.values()) {
        const label = `${server.address}:${server.port}`;
        const rttMs = Math.round(performance.now() - started);
        ctx.exchanges.push({
          ok: false,
          failure: {
            server: label,
            question: { name: qname, type: qtype },
            kind: 'timeout',
            message: `no usable reply from ${label} within ${rttMs} ms (${why})`,
            rttMs,
          },
        });
      }
    };
    /** The useful reply of the server first in the fixed order, with the other servers' answers. */
    const pick = (): Extract<Asked, { kind: 'step' }> => {
      const best = useful.reduce((x, y) => (y.order < x.order ? y : x));
      const others = useful
        .filter((u) => u !== best && u.step.kind === 'answer')
        .sort((x, y) => x.order - y.order)
        .map((u) => u.exchange);
      return { kind: 'step', exchange: best.exchange, step: best.step, others };
    };
    return (async (): Promise<Asked> => {
      for (;;) {
        if (found && (!everyone || found.step.kind === 'referral')) {
          const by = found.exchange.ok ? found.exchange.response.server : 'another server';
          silent(`${by} answered first`);
          return found;
        }
        if (found && exhausted && inflight.size === 0) return pick();
        if (inflight.size === 0) {
          if (exhausted) return { kind: 'none', problems, stopped };
          await launch();
          continue;
        }
        // A registrant's zone has every server asked anyway: all at once, not one round trip after another.
        if ((found || everyone) && !exhausted) {
          await launch();
          continue;
        }
        const left = ctx.deadline - performance.now();
        if (left <= 0) {
          if (found) {
            silent('the deadline passed');
            return pick();
          }
          stopped ??= `gave up on ${qname}/${qtype}: the lookup's ${Math.round(this.limits.lookupDeadlineMs / 1000)} s deadline passed while ${inflight.size} server(s) of ${displayName(zs.zone)} had not answered`;
          ctx.budget.exhausted ??= stopped;
          silent('the deadline passed');
          return { kind: 'none', problems, stopped };
        }
        let timer: NodeJS.Timeout | undefined;
        const hedged = await new Promise<boolean>((resolve) => {
          wake = () => resolve(false);
          timer = setTimeout(
            () => resolve(true),
            exhausted || found ? left : Math.min(left, this.limits.hedgeDelayMs),
          );
        });
        clearTimeout(timer);
        wake = undefined;
        if (hedged && !found && !exhausted) await launch();
      }
    })();
  }

  /** Whether the lookup's query budget or deadline is spent, without making that stick for the lookup. */
  private outOfBudget(ctx: Ctx): string | undefined {
    if (ctx.budget.exhausted) return ctx.budget.exhausted;
    if (ctx.budget.used >= this.limits.maxQueries) return 'query budget spent';
    if (performance.now() >= ctx.deadline) return 'deadline passed';
    if (this.client.closed) return 'the run ended';
    return undefined;
  }

  /** An authoritative NXDOMAIN or NODATA whose SOA is the zone's own apex: the name lies in that zone. */
  private noteNegative(zs: ZoneState, qname: string, r: DnsResponse): void {
    if (r.answers.length > 0 || !r.flags.aa) return;
    const soa = r.authorities.find((a) => a.type === 'SOA');
    if (soa && soa.name === zs.zone && isAtOrBelow(qname, zs.zone)) this.negativeApex.set(qname, zs);
  }

  /**
   * QNAME minimisation (RFC 9156), one label at a time above the name: every name under a zone asks the
   * parent the same question ("NS example.com"), so the client's in-flight dedup makes concurrent lookups
   * share one referral instead of each walking from the root. Anything but a referral falls back to the
   * full question at the same zone, which reports problems with the real name.
   */
  private async minimisedReferral(
    zs: ZoneState,
    qname: string,
    qtype: string,
    ctx: Ctx,
  ): Promise<ZoneState | undefined> {
    // Only down to the registrable domain: that is where many names share a parent. Below it, the full
    // question costs no extra round trip and any deeper cut still answers with a referral.
    if (qtype === 'DS' || (zs.zone !== '' && !this.isSuffixZone(zs.zone))) return undefined;
    const labels = qname.split('.');
    const depth = zs.zone === '' ? 1 : zs.zone.split('.').length + 1;
    if (labels.length <= depth) return undefined;
    const step = labels.slice(labels.length - depth).join('.');
    const asked = await this.askZone(zs, step, 'NS', ctx, false);
    if (asked.kind === 'step' && asked.step.kind === 'referral')
      return this.adoptReferral(asked.step.child, asked.step.response, zs);
    return undefined;
  }

  private failure(zs: ZoneState, qname: string, qtype: string, problems: Problem[]): Walk {
    const zoneName = displayName(zs.zone);
    if (problems.length === 0) {
      const why = [...zs.failed].map(([ns, reason]) => `${ns}: ${reason}`).join('; ');
      return {
        kind: 'fail',
        zone: zs,
        status: 'NO_NAMESERVERS',
        message: `no nameserver of ${zoneName} has a usable address${why ? ` (${why})` : ''}`,
      };
    }
    const counts = new Map<LookupStatus, number>();
    for (const p of problems) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
    const status = [...counts.keys()].sort(
      (a, b) => counts.get(b)! - counts.get(a)! || STATUS_PRIORITY.indexOf(a) - STATUS_PRIORITY.indexOf(b),
    )[0]!;
    const decisive = [...problems].reverse().find((p) => p.status === status)?.exchange;
    const detail = problems.map((p) => `${p.server ? endpointLabel(p.server) : '?'} ${p.note}`).join('; ');
    return {
      kind: 'fail',
      zone: zs,
      status,
      decisive,
      message: `no server of ${zoneName} answered ${qname}/${qtype} authoritatively: ${detail}`,
    };
  }

  /** Records a referral's zone cut (first one learnt wins) with in-bailiwick glue. */
  private adoptReferral(child: string, response: DnsResponse, parent: ZoneState): ZoneState {
    const known = this.zones.get(child);
    if (known) return known;
    // Sorted: a parent that rotates its NS set must not change which server is asked first.
    const parentNs = [
      ...new Set(
        response.authorities.filter((r) => r.type === 'NS' && r.name === child).map((r) => String(r.data)),
      ),
    ].sort();
    const zs: ZoneState = { zone: child, parentNs, addrs: new Map(), failed: new Map(), referral: response };
    for (const ns of parentNs) {
      // Glue is trusted only inside the referring zone's bailiwick.
      if (!isAtOrBelow(ns, parent.zone)) continue;
      const glue = response.additionals
        .filter((r: DnsRecord) => r.name === ns && (r.type === 'A' || r.type === 'AAAA'))
        .map((r) => String(r.data));
      if (glue.length > 0) this.adoptAddresses(zs, ns, glue);
    }
    this.zones.set(child, zs);
    return zs;
  }

  private isSuffixZone(zone: string): boolean {
    let suffix = this.suffixZones.get(zone);
    if (suffix === undefined) {
      suffix = publicSuffixOf(zone, this.profile.extraPublicSuffixes) === zone;
      this.suffixZones.set(zone, suffix);
    }
    return suffix;
  }

  /**
   * Endpoints of a zone: glued ones first, then NS names resolved lazily as needed. Each call of the
   * returned function gives the next endpoint (undefined when none is left), synchronously while addresses
   * are known and as a promise when an NS name must be resolved first: an async generator cost a few
   * promise hops per server on every walk, and most walks only need the first server.
   */
  private endpoints(
    zs: ZoneState,
    ctx: Ctx,
  ): () => ServerEndpoint | undefined | Promise<ServerEndpoint | undefined> {
    const seen = new Set<string>();
    const port = this.profile.dnsPort;
    const from = (ns: string): ServerEndpoint[] =>
      (zs.addrs.get(ns) ?? [])
        .filter((a) => !seen.has(a) && seen.add(a))
        .map((address) => ({ name: ns, address, port }));
    let pending: ServerEndpoint[] = [];
    let at = 0;
    let glued = 0;
    let resolved = 0;
    const next = (): ServerEndpoint | undefined | Promise<ServerEndpoint | undefined> => {
      for (;;) {
        if (at < pending.length) return pending[at++];
        if (glued < zs.parentNs.length) {
          pending = from(zs.parentNs[glued++]!);
          at = 0;
          continue;
        }
        if (resolved < zs.parentNs.length) {
          const ns = zs.parentNs[resolved++]!;
          // Resolved meanwhile by a concurrent lookup (after the glued pass saw none): use them now.
          if (zs.addrs.has(ns)) {
            pending = from(ns);
            at = 0;
            continue;
          }
          if (zs.failed.has(ns)) continue;
          return this.resolveNs(zs, ns, ctx).then(() => {
            pending = from(ns);
            at = 0;
            return next();
          });
        }
        return undefined;
      }
    };
    return next;
  }

  private async resolveAllNs(zs: ZoneState, ctx: Ctx): Promise<void> {
    await Promise.all(
      zs.parentNs
        .filter((ns) => !zs.addrs.has(ns) && !zs.failed.has(ns))
        .map((ns) => this.resolveNs(zs, ns, ctx)),
    );
  }

  /**
   * Addresses learnt from DNS (glue, NS lookups) are queried only if public: the tool never sends to a
   * reserved address it was pointed at by someone else's zone. Configured root hints are the user's choice.
   */
  private adoptAddresses(zs: ZoneState, ns: string, addrs: string[]): void {
    const usable = addrs.filter((a) => !this.reserved(a)).sort();
    if (usable.length > 0) {
      zs.addrs.set(ns, usable);
      zs.failed.delete(ns);
      return;
    }
    const list = addrs.map((a) => `${a} (${this.reserved(a)})`).join(', ');
    zs.failed.set(ns, `only reserved addresses ${list}: not queried`);
  }

  private reserved(address: string): string | undefined {
    if (this.reservedOf.has(address)) return this.reservedOf.get(address);
    const range = reservedRange(address, { allow: this.profile.allowAddresses });
    this.reservedOf.set(address, range);
    return range;
  }

  /** Finds an NS name's addresses by a nested iterative lookup (A, then AAAA). */
  private async resolveNs(zs: ZoneState, ns: string, ctx: Ctx): Promise<void> {
    // Distinct names: lookups running at once that each resolve the same NS name count it once.
    const zoneTargets = this.targetsOf.get(zs) ?? new Set<string>();
    if (!zoneTargets.has(ns) && zoneTargets.size >= this.limits.maxNsTargetsPerZone) {
      zs.failed.set(
        ns,
        `not looked up: a resolver looks up at most ${this.limits.maxNsTargetsPerZone} nameserver names of one zone (Unbound MAX_DP_TARGET_COUNT)`,
      );
      return;
    }
    if (ctx.budget.targets >= this.limits.maxNsTargetsPerLookup) {
      zs.failed.set(
        ns,
        `not looked up: this lookup already looked up ${this.limits.maxNsTargetsPerLookup} nameserver names (Unbound MAX_TARGET_COUNT)`,
      );
      return;
    }
    zoneTargets.add(ns);
    this.targetsOf.set(zs, zoneTargets);
    ctx.budget.targets++;
    if (ctx.resolving.has(ns)) {
      zs.failed.set(ns, `circular dependency: resolving ${ns} requires ${ns} itself`);
      return;
    }
    if (ctx.depth >= MAX_NS_DEPTH) {
      zs.failed.set(ns, `NS name resolution nested more than ${MAX_NS_DEPTH} deep`);
      return;
    }
    const sub: Ctx = { ...ctx, depth: ctx.depth + 1, resolving: new Set([...ctx.resolving, ns]) };
    let last: Lookup | undefined;
    for (const type of ['A', 'AAAA']) {
      const l = await this.resolveChain(ns, type, sub);
      last = l;
      const addrs = l.status === 'NOERROR' ? l.records.map((r) => String(r.data)) : [];
      if (addrs.length > 0) {
        this.adoptAddresses(zs, ns, addrs);
        return;
      }
      if (l.status !== 'NOERROR') break;
    }
    if (zs.addrs.has(ns)) return;
    const inZone = isAtOrBelow(ns, zs.zone)
      ? ' (inside the zone it serves, and the parent gave no glue)'
      : '';
    const reason =
      last && last.status === 'NOERROR'
        ? `no A or AAAA records${inZone}`
        : `${last?.status ?? 'unresolved'}${last?.message ? `: ${last.message}` : ''}${inZone}`;
    zs.failed.set(ns, reason);
  }
}

/** The query options that make a question a different one to a server ('' for a plain one). */
function optionsKey(o: QueryOptions): string {
  if (!o.cd && !o.dnssec && !o.tcp && o.udpPayload === undefined && o.ednsVersion === undefined) return '';
  return `|${o.cd ? 1 : 0}${o.dnssec ? 1 : 0}${o.tcp ? 1 : 0}|${o.udpPayload ?? ''}|${o.ednsVersion ?? ''}`;
}

/** Whether the servers that answered a walk's last question gave different answers, and which. */
function disagreementOf(
  w: Extract<Walk, { kind: 'answer' }>,
  qname: string,
  qtype: string,
): Disagreement | undefined {
  if (!w.others || w.others.length === 0) return undefined;
  const variants = new Map<string, AnswerVariant>();
  for (const ex of [w.exchange, ...w.others]) {
    if (!ex.ok) continue;
    const r = ex.response;
    const records = r.answers.filter((a) => a.type === qtype || a.type === 'CNAME');
    const key = `${r.rcode}|${records
      .map((a) => `${a.name} ${a.type} ${JSON.stringify(a.data)}`)
      .sort()
      .join('|')}`;
    const v = variants.get(key);
    if (v) v.servers.push(r.server);
    else variants.set(key, { servers: [r.server], rcode: r.rcode, records });
  }
  if (variants.size < 2) return undefined;
  return { name: qname, type: qtype, zone: w.zone.zone, variants: [...variants.values()] };
}

/** The zone at apex: the cut's own, or a child zone the same servers host without a referral between them. */
function zoneAt(cut: ZoneState, apex: string): ZoneState {
  return apex === cut.zone ? cut : { ...cut, zone: apex, referral: undefined };
}

/** The apex that answered: the SOA owner when the same servers also host a child zone. */
function apexOf(resp: DnsResponse, name: string, cut: string): string {
  const soa = [...resp.answers, ...resp.authorities].find(
    (r) => r.type === 'SOA' && isAtOrBelow(name, r.name) && isBelow(r.name, cut),
  );
  return soa ? soa.name : cut;
}

function failLookup(name: string, type: string, w: Extract<Walk, { kind: 'fail' }>, ctx: Ctx): Lookup {
  return {
    name,
    type,
    status: w.status,
    records: [],
    cnames: [],
    finalName: name,
    zone: w.zone.zone,
    exchanges: ctx.exchanges,
    decisive: w.decisive,
    message: w.message,
  };
}

function toDelegation(zs: ZoneState, port: number): Delegation {
  const servers: ServerEndpoint[] = [];
  const seen = new Set<string>();
  for (const ns of zs.parentNs) {
    for (const address of zs.addrs.get(ns) ?? []) {
      if (seen.has(address)) continue;
      seen.add(address);
      servers.push({ name: ns, address, port });
    }
  }
  const unresolvedNs = zs.parentNs
    .filter((ns) => !zs.addrs.has(ns))
    .map((ns) => ({ name: ns, reason: zs.failed.get(ns) ?? 'not resolved' }));
  return { zone: zs.zone, parentNs: [...zs.parentNs], servers, unresolvedNs, referral: zs.referral };
}
