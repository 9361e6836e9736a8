/** Reads and checks scenario files: YAML, the zod schema, then the records and cross-references. */
import { existsSync, readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { parse as parseYaml } from 'yaml';
import type { DnsRecord } from '../dns/types.js';
import { isAtOrBelow, normalizeName } from '../dns/names.js';
import { parseRecord } from '../dns/presentation.js';
import { type Scenario, type ScenarioServer, scenarioSchema } from './scenario.js';
import { type Edit, parseEdit, zoneFor } from './zone.js';

export class ScenarioError extends Error {
  constructor(
    message: string,
    /** The offending key, e.g. `servers[0].address` or `zones.good.test.records[2]`. */
    readonly key?: string,
  ) {
    super(message);
    this.name = 'ScenarioError';
  }
}

function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(top level)';
}

/** Parses and validates scenario YAML text; errors name the key at fault. */
export function parseScenario(text: string, source = 'scenario'): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ScenarioError(`${source}: invalid YAML: ${(e as Error).message}`);
  }
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = keyPath(issue.path);
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
    const msg = /received undefined/.test(issue.message)
      ? `missing required key (${issue.message})`
      : issue.message;
    throw new ScenarioError(`${source}: ${key}: ${msg}${more}`, key);
  }
  compileScenario(result.data, source);
  return result.data;
}

/** A scenario from a file path or from YAML text (anything with a newline or a ':' that is no file). */
export function loadScenario(pathOrText: string): Scenario {
  const looksLikePath = !pathOrText.includes('\n') && existsSync(pathOrText);
  if (looksLikePath) return parseScenario(readFileSync(pathOrText, 'utf8'), pathOrText);
  if (!pathOrText.includes('\n') && /\.ya?ml$/i.test(pathOrText)) {
    throw new ScenarioError(`scenario file ${pathOrText} not found`);
  }
  return parseScenario(pathOrText);
}

export interface CompiledServer {
  config: ScenarioServer;
  /** Normalised name. */
  name: string;
  /** Zone apexes served (normalised). */
  zones: string[];
  edits: Edit[];
}

export interface CompiledScenario {
  scenario: Scenario;
  /** Zone apex (normalised, '' for the root) to its records as the scenario defines them. */
  zones: Map<string, DnsRecord[]>;
  servers: CompiledServer[];
}

const isLoopback = (a: string): boolean => {
  if (!ipaddr.isValid(a)) return false;
  const ip = ipaddr.parse(a);
  return ip.range() === 'loopback';
};

/** Checks records, addresses and references; throws ScenarioError naming the key. */
export function compileScenario(s: Scenario, source = 'scenario'): CompiledScenario {
  const fail = (key: string, msg: string): never => {
    throw new ScenarioError(`${source}: ${key}: ${msg}`, key);
  };
  const zones = new Map<string, DnsRecord[]>();
  for (const [key, zone] of Object.entries(s.zones)) {
    const apex = normalizeName(key);
    if (zones.has(apex)) fail(`zones.${key}`, `zone ${key} is listed twice`);
    const records = zone.records.map((text, i) => {
      let r: DnsRecord;
      try {
        r = parseRecord(text);
      } catch (e) {
        return fail(`zones.${key}.records[${i}]`, (e as Error).message);
      }
      if (!isAtOrBelow(r.name, apex))
        fail(`zones.${key}.records[${i}]`, `owner ${r.name || '.'} is outside zone ${key}`);
      return r;
    });
    zones.set(apex, records);
  }
  const names = new Set<string>();
  const addresses = new Set<string>();
  const servers = s.servers.map((cfg, i): CompiledServer => {
    const at = `servers[${i}]`;
    if (!isLoopback(cfg.address))
      fail(`${at}.address`, `${cfg.address} is not a loopback address (127.0.0.0/8 or ::1)`);
    const addr = ipaddr.parse(cfg.address).toString();
    if (addresses.has(addr)) fail(`${at}.address`, `address ${cfg.address} is used by two servers`);
    addresses.add(addr);
    const name = normalizeName(cfg.name);
    if (names.has(name)) fail(`${at}.name`, `server name ${cfg.name} is used twice`);
    names.add(name);
    const served = cfg.zones.map((z, j) => {
      const apex = normalizeName(z);
      if (!zones.has(apex)) fail(`${at}.zones[${j}]`, `zone ${z} is not defined under zones`);
      return apex;
    });
    const edits = cfg.overrides.map((text, j) => {
      let e: Edit;
      try {
        e = parseEdit(text);
      } catch (err) {
        return fail(`${at}.overrides[${j}]`, (err as Error).message);
      }
      const owner = e.kind === 'delete' ? e.name : e.record.name;
      if (
        cfg.role === 'authoritative' &&
        !zoneFor(
          served.map((apex) => ({ apex })),
          owner,
        )
      ) {
        fail(`${at}.overrides[${j}]`, `owner ${owner || '.'} is in no zone ${cfg.name} serves`);
      }
      return e;
    });
    return { config: cfg, name, zones: served, edits };
  });
  s.web.forEach((w, i) => {
    if (!ipaddr.isValid(w.address)) fail(`web[${i}].address`, `${w.address} is not an IP address`);
  });
  (s.trustAnchors ?? []).forEach((t, i) => {
    try {
      parseRecord(t);
    } catch (e) {
      fail(`trustAnchors[${i}]`, (e as Error).message);
    }
  });
  return { scenario: s, zones, servers };
}
