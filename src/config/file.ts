/**
 * Reads `.acme-preflight.yml`, reporting every problem at once, each as
 * `file:line:col: key.path: what was expected`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigFileError, UsageError } from '../errors.js';
import type { NetworkArgs } from './args.js';
import type { Challenge } from '../report/finding.js';
import { configSchema, keysAt, type Config, type FailOn } from './schema.js';

export type { Config, FailOn } from './schema.js';

export const CONFIG_FILE_NAMES = ['.acme-preflight.yml', '.acme-preflight.yaml'] as const;

/** The config file in `cwd`, if there is one. */
export function findConfigFile(cwd: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name);
    if (existsSync(path) && statSync(path).isFile()) return path;
  }
  return undefined;
}

export function loadConfigFile(path: string): Config {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return resolvePaths(parseConfig(source, basename(path)), dirname(resolve(path)));
}

/** Parses and validates config text; `label` prefixes every message (usually the file's name). */
export function parseConfig(source: string, label: string = CONFIG_FILE_NAMES[0]): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${label}:${line}:${col}`;
  };
  // Every syntax error at once; the schema is only checked on a document that parsed.
  if (doc.errors.length)
    throw new ConfigFileError(doc.errors.map((e) => `${at(e.pos[0])}: ${firstLine(e.message)}`));

  const value: unknown = doc.contents === null ? {} : doc.toJS();
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigFileError([`${at(0)}: expected a mapping of settings (names:, challenge:, network: …)`]);
  }
  const parsed = configSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue) => describeIssue(issue, doc, at));
  throw new ConfigFileError(sortByPosition(problems));
}

/** In file order (line, then column), as a compiler lists them. */
function sortByPosition(lines: string[]): string[] {
  const key = (l: string): number[] => (/:(\d+):(\d+): /.exec(l) ?? [0, 0, 0]).slice(1).map(Number);
  return lines
    .map((l) => ({ l, k: key(l) }))
    .sort((a, b) => a.k[0]! - b.k[0]! || a.k[1]! - b.k[1]!)
    .map((x) => x.l);
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, at: (offset: number) => string): string[] {
  const path = issue.path.map((k) => (typeof k === 'symbol' ? k.toString() : k));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const full = [...path, key];
      const hint = suggest(key, path);
      return `${at(offsetOf(doc, full))}: ${formatPath(full)}: unknown setting${hint ? `; did you mean ${hint}?` : ''}`;
    });
  }
  const where = path.length > 0 ? `${formatPath(path)}: ` : '';
  return [`${at(offsetOf(doc, path))}: ${where}${issue.message.replace(/^Invalid input: /, '')}`];
}

/** Where the key of a setting starts (or the item, in a list); the nearest existing parent if missing. */
function offsetOf(doc: Document, path: readonly (string | number)[]): number {
  for (let n = path.length; n > 0; n--) {
    const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
    const last = path[n - 1];
    if (isMap(parent)) {
      const pair = parent.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(last),
      );
      if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
    } else if (isSeq(parent) && typeof last === 'number') {
      const item = parent.items[last] as { range?: [number, number, number] } | undefined;
      if (item?.range) return item.range[0];
    }
  }
  const root = doc.contents as { range?: [number, number, number] } | null;
  return root?.range?.[0] ?? 0;
}

const formatPath = (path: readonly (string | number)[]): string =>
  path.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${k}` : k), '');

const firstLine = (s: string): string => s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');

const normalise = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');

/** A suggestion only where it is obvious: same letters but for case/dashes, or one or two typos. */
function suggest(key: string, parentPath: readonly (string | number)[]): string | undefined {
  const allowed = keysAt(parentPath);
  const prefix = parentPath.length ? formatPath(parentPath) + '.' : '';
  const exact = allowed.find((k) => normalise(k) === normalise(key));
  if (exact) return prefix + exact;
  const limit = key.length <= 4 ? 1 : 2;
  const near = allowed
    .map((k) => ({ k, d: distance(normalise(k), normalise(key)) }))
    .filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d)[0];
  if (near) return prefix + near.k;
  // A network setting written at the top level.
  if (parentPath.length === 0) {
    const nested = keysAt(['network']).find((k) => normalise(k) === normalise(key));
    if (nested) return `network.${nested}`;
  }
  return undefined;
}

/** The candidate one or two typos away (one for short words), for "did you mean". */
export function nearestWord(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 4 ? 1 : 2;
  return candidates
    .map((k) => ({ k, d: distance(k.toLowerCase(), word.toLowerCase()) }))
    .filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d)[0]?.k;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** File paths in the config are relative to the config file, not to wherever the tool runs. */
function resolvePaths(config: Config, base: string): Config {
  const out: Config = { ...config };
  if (out.webroot) out.webroot = resolve(base, out.webroot);
  if (out.network) {
    const network = { ...out.network };
    if (network.trustAnchor) network.trustAnchor = resolve(base, network.trustAnchor);
    if (network.rootHints) {
      network.rootHints = network.rootHints.map((spec) => {
        const address = spec.includes('=') ? spec.slice(spec.indexOf('=') + 1) : spec;
        return isIP(address) ? spec : resolve(base, spec);
      });
    }
    out.network = network;
  }
  return out;
}

/** The config in the shape of the CLI's parsed options; only keys the file sets are present. */
export interface ConfigArgs extends NetworkArgs {
  names?: string[];
  challenge?: Challenge;
  ca?: string;
  'account-uri'?: string;
  webroot?: string;
  skip?: string[];
  'fail-on'?: FailOn;
  provider?: string;
  'provider-options'?: Record<string, string | number | boolean>;
  perspective?: string[];
  'perspective-token-env'?: Record<string, string>;
}

export function configToArgs(config: Config): ConfigArgs {
  const n = config.network ?? {};
  const args: ConfigArgs = {
    names: config.names,
    challenge: config.challenge,
    ca: config.ca,
    'account-uri': config.accountUri,
    webroot: config.webroot,
    skip: config.skip,
    'fail-on': config.failOn,
    provider: config.provider?.code,
    'provider-options': config.provider?.options,
    'root-hints': n.rootHints,
    'trust-anchor': n.trustAnchor,
    resolver: n.resolvers && (n.resolvers.length === 0 ? ['none'] : n.resolvers),
    'dns-port': n.dnsPort,
    'http-port': n.httpPort,
    'tls-port': n.tlsPort,
    'allow-address': n.allowAddresses,
    'public-suffix': n.publicSuffixes,
    timeout: n.timeout,
    concurrency: n.concurrency,
    perspective: config.perspectives?.map((p) => (typeof p === 'string' ? p : `${p.name}=${p.url}`)),
    'perspective-token-env': tokenEnvs(config.perspectives),
  };
  return dropUndefined(args);
}

function tokenEnvs(list: Config['perspectives']): Record<string, string> | undefined {
  const pairs = (list ?? []).flatMap((p) =>
    typeof p !== 'string' && p.tokenEnv ? [[p.name, p.tokenEnv]] : [],
  );
  return pairs.length ? Object.fromEntries(pairs) : undefined;
}

/** Command-line values win over the file's; a flag not given (undefined, or an empty list) leaves the file's. */
export function mergeArgs<T extends object>(fromFile: Partial<T>, fromCli: T): T {
  const given = Object.entries(fromCli).filter(
    ([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0),
  );
  return { ...fromFile, ...Object.fromEntries(given) } as T;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
