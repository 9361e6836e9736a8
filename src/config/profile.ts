/** Builds a NetworkProfile from command-line options. The only place files named by options are read. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { defaultProfile, type NamedAddress, type NetworkProfile } from '../profile.js';
import { invalidCidrs } from '../net/reserved.js';
import { parseTrustAnchors } from '../dns/dnssec/anchors.js';
import { UsageError } from '../errors.js';
import type { NetworkArgs } from './args.js';

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

/** "1.2.3.4", "name=1.2.3.4". */
function namedAddress(spec: string): NamedAddress | undefined {
  const eq = spec.indexOf('=');
  const name = eq >= 0 ? spec.slice(0, eq) : spec;
  const address = eq >= 0 ? spec.slice(eq + 1) : spec;
  return isIP(address) ? { name, address } : undefined;
}

/** Root hints from named.root-style lines: "A.ROOT-SERVERS.NET. 3600000 A 198.41.0.4". */
export function parseRootHints(text: string): NamedAddress[] {
  const hints: NamedAddress[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/;.*/, '').trim();
    const m = /^(\S+)\s+(?:\d+\s+)?(?:IN\s+)?(A|AAAA)\s+(\S+)$/i.exec(line);
    if (m && isIP(m[3]!)) hints.push({ name: m[1]!.toLowerCase().replace(/\.$/, ''), address: m[3]! });
  }
  return hints;
}

function port(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new UsageError(`--${flag} must be a port number from 1 to 65535`);
  return value;
}

export function profileFromArgs(args: NetworkArgs, base: NetworkProfile = defaultProfile()): NetworkProfile {
  const p: NetworkProfile = { ...base, timeouts: { ...base.timeouts } };
  if (args['root-hints']?.length) {
    p.rootHints = args['root-hints'].flatMap((spec) => {
      const one = namedAddress(spec);
      if (one)
        return [{ name: one.name === one.address ? `root-${one.address}` : one.name, address: one.address }];
      const hints = parseRootHints(readText(spec, 'root hints'));
      if (hints.length === 0) throw new UsageError(`root hints file ${spec} holds no A or AAAA record`);
      return hints;
    });
  }
  // The built-in anchors belong to the real root: with other root servers and no anchor of their own,
  // DNSSEC cannot be judged, so validation is off rather than everything bogus.
  if (args['root-hints']?.length && !args['trust-anchor']) p.trustAnchors = [];
  if (args['trust-anchor']) {
    const file = args['trust-anchor'];
    const text = readText(file, 'trust anchor');
    // Parsed here only to reject a bad file early; records may span lines in parentheses, as unbound allows.
    let count: number;
    try {
      count = parseTrustAnchors(text).length;
    } catch (e) {
      throw new UsageError(`trust anchor file ${file}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (count === 0) throw new UsageError(`trust anchor file ${file} holds no DS or DNSKEY record`);
    p.trustAnchors = text.split('\n');
  }
  if (args.resolver?.length) {
    p.publicResolvers = args.resolver.includes('none')
      ? []
      : args.resolver.map((spec) => {
          const r = namedAddress(spec);
          if (!r) throw new UsageError(`--resolver ${spec} is not an IP address (use IP or name=IP)`);
          return r;
        });
  }
  p.dnsPort = port(args['dns-port'], 'dns-port') ?? p.dnsPort;
  p.httpPort = port(args['http-port'], 'http-port') ?? p.httpPort;
  p.tlsPort = port(args['tls-port'], 'tls-port') ?? p.tlsPort;
  if (args['allow-address']?.length) {
    const bad = invalidCidrs(args['allow-address']);
    if (bad.length)
      throw new UsageError(`--allow-address ${bad.join(', ')} is not a CIDR range (e.g. 127.0.0.0/8)`);
    p.allowAddresses = [...args['allow-address']];
  }
  if (args['public-suffix']?.length) {
    p.extraPublicSuffixes = args['public-suffix'].map((s) => s.toLowerCase().replace(/^\.|\.$/g, ''));
  }
  if (args.timeout !== undefined) {
    if (!(args.timeout > 0 && args.timeout <= 60))
      throw new UsageError('--timeout must be between 0 and 60 seconds');
    p.timeouts.dnsQueryMs = Math.round(args.timeout * 1000);
  }
  if (args.concurrency !== undefined) {
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 1024)
      throw new UsageError('--concurrency must be a whole number from 1 to 1024');
    p.concurrency = args.concurrency;
  }
  return p;
}

/** The flags that rebuild this profile's non-default network settings: the inverse of profileFromArgs. */
export function argsForProfile(p: NetworkProfile, base: NetworkProfile = defaultProfile()): string[] {
  const pair = (flag: string, values: readonly (string | number)[]): string[] =>
    values.flatMap((v) => [`--${flag}`, String(v)]);
  return [
    ...pair(
      'root-hints',
      p.rootHints.map((h) => `${h.name}=${h.address}`),
    ),
    ...pair('dns-port', p.dnsPort !== base.dnsPort ? [p.dnsPort] : []),
    ...pair('http-port', p.httpPort !== base.httpPort ? [p.httpPort] : []),
    ...pair('tls-port', p.tlsPort !== base.tlsPort ? [p.tlsPort] : []),
    ...pair('allow-address', p.allowAddresses),
    ...pair(
      'resolver',
      p.publicResolvers.length ? p.publicResolvers.map((r) => `${r.name}=${r.address}`) : ['none'],
    ),
    ...pair('public-suffix', p.extraPublicSuffixes),
    ...pair(
      'timeout',
      p.timeouts.dnsQueryMs !== base.timeouts.dnsQueryMs ? [p.timeouts.dnsQueryMs / 1000] : [],
    ),
  ];
}
