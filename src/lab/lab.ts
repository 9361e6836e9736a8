/** Starts every server of a scenario on loopback and exposes the profile, counters and run-time edits. */
import ipaddr from 'ipaddr.js';
import type { DnsRecord, ServerEndpoint } from '../dns/types.js';
import { isBelow, normalizeName } from '../dns/names.js';
import { parseRecord } from '../dns/presentation.js';
import { type NetworkProfile, withProfile } from '../profile.js';
import { type LabAnswer, type ResolverView, answerAuthoritative, answerRecursive } from './authority.js';
import { type CompiledScenario, type CompiledServer, compileScenario, loadScenario } from './load.js';
import { faultApplies, respond } from './respond.js';
import type { Behaviour, Fault, Scenario } from './scenario.js';
import { LabDnsServer, type Transport } from './server.js';
import { startWeb, type LabWeb } from './web.js';
import { type Edit, type ZoneData, applyEdits, parseEdit, rrKey, sameRecord, zoneFor } from './zone.js';

/** Lab timeouts: loopback answers in well under a millisecond, so faults are detected fast. */
export const LAB_DNS_QUERY_MS = 400;
export const LAB_DNS_RETRIES = 1;
const PORT_ATTEMPTS = 8;

/** Faults after which a resolver gets nothing usable from a server. */
const HARD_FAULTS = new Set([
  'timeout',
  'refused',
  'servfail',
  'noaa',
  'malformed',
  'wrong-id',
  'upward-referral',
]);

export interface LabLogEntry {
  /** Server address. */
  server: string;
  serverName: string;
  name: string;
  type: string;
  transport: Transport;
  dnssec: boolean;
}

export interface LabServerInfo {
  name: string;
  address: string;
  role: 'authoritative' | 'resolver';
  zones: string[];
}

export interface Lab {
  scenario: Scenario;
  profile: NetworkProfile;
  /** The one port every server listens on (UDP and TCP). */
  port: number;
  servers: LabServerInfo[];
  /** Queries received per server address (all transports, faults included). */
  queries: Map<string, number>;
  /** Every question received, in order. */
  log: LabLogEntry[];
  /** Endpoint of a server by name or address. */
  endpoint(server: string): ServerEndpoint;
  /** The records a server currently holds (zone data after edits; a resolver's cache). */
  records(server: string): DnsRecord[];
  /** Replaces, on that server only, the RRsets named by records ("owner TYPE -" deletes one). */
  setRecords(server: string, records: string[]): void;
  /** Adds one record to the server's copy of the zone that holds it. */
  addRecord(server: string, record: string): void;
  /** Removes one record (exact rdata) or a whole RRset ("owner TYPE" or "owner TYPE -"). */
  removeRecord(server: string, record: string): void;
  setFault(server: string, fault: Fault | undefined): void;
  /** Replaces a server's transport and EDNS behaviour (scenario `behaviour`). */
  setBehaviour(server: string, behaviour: Behaviour | undefined): void;
  /** The web servers of the scenario's `web` entries. */
  web: LabWeb;
  /** Clears queries and log. */
  resetCounts(): void;
  stop(): Promise<void>;
}

export interface StartLabOptions {
  /** Port for every server; by default one free on all scenario addresses. */
  port?: number;
  /** Port of the lab's web servers; by default one free on all web addresses. */
  httpPort?: number;
  /** Delay added before every answer (benchmarks, timing tests). */
  delayMs?: number;
}

interface ServerState {
  compiled: CompiledServer;
  info: LabServerInfo;
  zones: Map<string, ZoneData>;
  cache: Map<string, DnsRecord[]>;
  fault?: Fault;
  behaviour?: Behaviour;
  socket: LabDnsServer;
}

type Roots = { name: string; address: string }[];

/** What the resolvers of the lab see: each zone's first healthy server, as delegated by its parent. */
function resolverView(compiled: CompiledScenario, states: ServerState[]) {
  const nsNamesAt = (apex: string): Set<string> | undefined => {
    const parents = [...compiled.zones.keys()].filter((z) => isBelow(apex, z));
    const parent = zoneFor(
      parents.map((p) => ({ apex: p })),
      apex,
    );
    if (!parent) return undefined;
    const ns = (compiled.zones.get(parent.apex) ?? [])
      .filter((r) => r.name === apex && r.type === 'NS')
      .map((r) => normalizeName(String(r.data)));
    return ns.length ? new Set(ns) : undefined;
  };

  const healthyServer = (apex: string, name: string, type: string): ServerState | undefined => {
    const delegated = nsNamesAt(apex);
    return states.find(
      (s) =>
        s.info.role === 'authoritative' &&
        s.zones.has(apex) &&
        (!delegated || delegated.has(s.compiled.name)) &&
        !(s.fault?.mode && HARD_FAULTS.has(s.fault.mode) && faultApplies(s.fault, { name, type })),
    );
  };

  return (cache: Map<string, DnsRecord[]>): ResolverView => ({
    cache,
    zoneFor(name: string, type: string) {
      const z = zoneFor(
        [...compiled.zones.keys()].map((apex) => ({ apex })),
        name,
      );
      if (!z) return undefined;
      // Every zone on the path from the root must have a reachable server.
      for (const apex of [...compiled.zones.keys()].filter((a) => isBelow(z.apex, a) || a === z.apex)) {
        if (!healthyServer(apex, apex === z.apex ? name : apex, apex === z.apex ? type : 'NS'))
          return 'unavailable';
      }
      const server = healthyServer(z.apex, name, type)!;
      return server.zones.get(z.apex)!;
    },
  });
}

interface ServerContext {
  compiled: CompiledScenario;
  roots: Roots;
  queries: Map<string, number>;
  log: LabLogEntry[];
  view: (cache: Map<string, DnsRecord[]>) => ResolverView;
  delayMs?: number;
}

/** One server of the scenario: its own copy of its zones (or a resolver's cache) and its socket, not bound. */
function serverState(c: CompiledServer, ctx: ServerContext): ServerState {
  const zones = new Map<string, ZoneData>();
  for (const apex of c.zones) {
    const own = c.edits.filter((e) => zoneOf(e, c.zones) === apex);
    zones.set(apex, { apex, records: applyEdits(ctx.compiled.zones.get(apex) ?? [], own) });
  }
  const cache = new Map<string, DnsRecord[]>();
  if (c.config.role === 'resolver') applyToCache(cache, c.edits, c.config.staleTtl);
  const state: ServerState = {
    compiled: c,
    info: { name: c.name, address: c.config.address, role: c.config.role, zones: c.zones },
    zones,
    cache,
    fault: c.config.fault,
    behaviour: c.config.behaviour,
    socket: undefined as unknown as LabDnsServer,
  };
  const answer = (q: { name: string; type: string; dnssec?: boolean }): LabAnswer =>
    state.info.role === 'resolver'
      ? answerRecursive(ctx.view(state.cache), q)
      : answerAuthoritative([...state.zones.values()], q);
  state.socket = new LabDnsServer(c.config.address, {
    handle(req, transport) {
      const q = req.questions?.[0];
      const addr = state.info.address;
      ctx.queries.set(addr, (ctx.queries.get(addr) ?? 0) + 1);
      if (q) {
        const opt = (req.additionals ?? []).find((a) => a.type === 'OPT') as { flags?: number } | undefined;
        ctx.log.push({
          server: addr,
          serverName: state.info.name,
          name: normalizeName(q.name),
          type: String(q.type),
          transport,
          dnssec: ((opt?.flags ?? 0) & 0x8000) !== 0,
        });
      }
      return respond(
        { answer, fault: state.fault, behaviour: state.behaviour, roots: ctx.roots },
        req,
        transport,
      );
    },
    tcpOpen: () => state.behaviour?.tcp !== 'off',
    delayMs(req) {
      const q = req.questions?.[0];
      const own =
        q && faultApplies(state.fault, { name: q.name, type: String(q.type) })
          ? (state.fault?.delayMs ?? 0)
          : 0;
      return own + (ctx.delayMs ?? 0);
    },
  });
  return state;
}

function findServer(states: ServerState[], server: string): ServerState {
  const key = normalizeName(server);
  const addr = ipaddr.isValid(server) ? ipaddr.parse(server).toString() : undefined;
  const s = states.find(
    (x) =>
      x.compiled.name === key || (addr !== undefined && ipaddr.parse(x.info.address).toString() === addr),
  );
  if (!s) throw new Error(`no lab server named ${server}`);
  return s;
}

function editServer(s: ServerState, edits: Edit[]): void {
  if (s.info.role === 'resolver') return applyToCache(s.cache, edits, s.compiled.config.staleTtl);
  const perZone = new Map<string, Edit[]>();
  for (const e of edits) {
    const apex = zoneOf(e, [...s.zones.keys()]);
    if (apex === undefined) throw new Error(`${editOwner(e) || '.'} is in no zone ${s.info.name} serves`);
    perZone.set(apex, [...(perZone.get(apex) ?? []), e]);
  }
  for (const [apex, es] of perZone) {
    const z = s.zones.get(apex)!;
    z.records = applyEdits(z.records, es);
  }
}

function addRecordTo(s: ServerState, record: string): void {
  const r = parseRecord(record);
  if (s.info.role === 'resolver') {
    const k = rrKey(r.name, r.type);
    s.cache.set(k, [...(s.cache.get(k) ?? []), withTtl(r, s.compiled.config.staleTtl)]);
    return;
  }
  const apex = zoneOf({ kind: 'replace', record: r }, [...s.zones.keys()]);
  if (apex === undefined) throw new Error(`${r.name || '.'} is in no zone ${s.info.name} serves`);
  const z = s.zones.get(apex)!;
  if (!z.records.some((x) => sameRecord(x, r))) z.records = [...z.records, r];
}

function removeRecordFrom(s: ServerState, record: string): void {
  const whole = /^\s*\S+\s+[A-Za-z][A-Za-z0-9-]*\s*(-\s*)?$/.exec(record);
  if (whole) {
    const [owner, type] = record.trim().split(/\s+/);
    // A resolver forgets the RRset (asks the servers again); a server deletes it.
    if (s.info.role === 'resolver') return void s.cache.delete(rrKey(owner!, type!));
    return editServer(s, [{ kind: 'delete', name: normalizeName(owner!), type: type!.toUpperCase() }]);
  }
  const r = parseRecord(record);
  if (s.info.role === 'resolver') {
    const k = rrKey(r.name, r.type);
    const left = (s.cache.get(k) ?? []).filter((x) => !sameRecord(x, r));
    if (left.length) s.cache.set(k, left);
    else s.cache.delete(k);
    return;
  }
  for (const z of s.zones.values()) z.records = z.records.filter((x) => !sameRecord(x, r));
}

/** The profile that points a check at the lab: its roots, resolvers, ports and address ranges. */
function labProfile(
  scenario: Scenario,
  roots: Roots,
  states: ServerState[],
  port: number,
  web: LabWeb,
): NetworkProfile {
  const allowAddresses = ['127.0.0.0/8', '::1/128'];
  for (const w of scenario.web) {
    const ip = ipaddr.parse(w.address);
    allowAddresses.push(`${ip.toString()}/${ip.kind() === 'ipv4' ? 32 : 128}`);
  }
  return withProfile({
    rootHints: roots.map((r) => ({ ...r })),
    publicResolvers: states
      .filter((s) => s.info.role === 'resolver')
      .map((s) => ({ name: s.info.name, address: s.info.address })),
    trustAnchors: [...(scenario.trustAnchors ?? [])],
    dnsPort: port,
    ...(web.port !== undefined ? { httpPort: web.port } : {}),
    allowAddresses,
    // The lab's TLDs are not in the PSL; the identifier policy must accept names under them.
    extraPublicSuffixes: Object.keys(scenario.zones)
      .map((z) => z.toLowerCase().replace(/\.$/, ''))
      .filter((z) => z !== '' && !z.includes('.')),
    timeouts: { dnsQueryMs: LAB_DNS_QUERY_MS, dnsRetries: LAB_DNS_RETRIES },
  });
}

export async function startLab(input: Scenario | string, opts: StartLabOptions = {}): Promise<Lab> {
  const scenario = typeof input === 'string' ? loadScenario(input) : input;
  const compiled = compileScenario(scenario);
  const queries = new Map<string, number>();
  const log: LabLogEntry[] = [];
  const states: ServerState[] = [];
  const roots: Roots = compiled.servers
    .filter((s) => s.config.role === 'authoritative' && s.zones.includes(''))
    .map((s) => ({ name: s.name, address: s.config.address }));

  const ctx = { compiled, roots, queries, log, view: resolverView(compiled, states), delayMs: opts.delayMs };
  for (const c of compiled.servers) states.push(serverState(c, ctx));
  const port = await bindAll(
    states.map((s) => s.socket),
    opts.port,
  );
  const web = await startWeb(scenario.web, opts.httpPort);
  const find = (server: string): ServerState => findServer(states, server);

  return {
    scenario,
    profile: labProfile(scenario, roots, states, port, web),
    port,
    servers: states.map((s) => s.info),
    queries,
    log,
    endpoint(server) {
      const s = find(server);
      return { address: s.info.address, port, name: s.info.name };
    },
    records(server) {
      const s = find(server);
      return s.info.role === 'resolver'
        ? [...s.cache.values()].flat()
        : [...s.zones.values()].flatMap((z) => z.records);
    },
    setRecords(server, records) {
      editServer(find(server), records.map(parseEdit));
    },
    addRecord(server, record) {
      addRecordTo(find(server), record);
    },
    removeRecord(server, record) {
      removeRecordFrom(find(server), record);
    },
    setFault(server, fault) {
      find(server).fault = fault;
    },
    setBehaviour(server, behaviour) {
      find(server).behaviour = behaviour;
    },
    resetCounts() {
      queries.clear();
      log.length = 0;
    },
    web,
    async stop() {
      await Promise.all([...states.map((s) => s.socket.close()), web.stop()]);
    },
  };
}

const editOwner = (e: Edit): string => (e.kind === 'delete' ? e.name : e.record.name);

function zoneOf(e: Edit, apexes: string[]): string | undefined {
  return zoneFor(
    apexes.map((apex) => ({ apex })),
    editOwner(e),
  )?.apex;
}

const withTtl = (r: DnsRecord, ttl: number | undefined): DnsRecord => (ttl === undefined ? r : { ...r, ttl });

function applyToCache(cache: Map<string, DnsRecord[]>, edits: Edit[], ttl: number | undefined): void {
  const fresh = new Map<string, DnsRecord[]>();
  for (const e of edits) {
    if (e.kind === 'delete') {
      fresh.set(rrKey(e.name, e.type), []);
      continue;
    }
    const k = rrKey(e.record.name, e.record.type);
    fresh.set(k, [...(fresh.get(k) ?? []), withTtl(e.record, ttl)]);
  }
  for (const [k, v] of fresh) cache.set(k, v);
}

/** Binds every server on one port: the first picks it (unless given), the others follow; retries on EADDRINUSE. */
async function bindAll(servers: LabDnsServer[], fixed?: number): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < (fixed === undefined ? PORT_ATTEMPTS : 1); attempt++) {
    const bound: LabDnsServer[] = [];
    try {
      let port = fixed ?? 0;
      for (const s of servers) {
        port = await s.listen(port);
        bound.push(s);
      }
      return port;
    } catch (e) {
      lastError = e;
      await Promise.all(bound.map((s) => s.close()));
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
    }
  }
  throw lastError;
}
