/**
 * Bench: what the random source ports (RFC 5452; src/dns/udp-mux.ts) cost against one shared UDP socket,
 * the design they replaced: 100 names at the bench's delay, and 1,000 names with none (where a socket's cost
 * shows most), each run in turn under both shapes; ports are counted on the tool's side from each socket.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { preflight } from '../../src/engine/preflight.js';
import { DEFAULT_UDP_POOL_SHAPE, setUdpPoolShape, type UdpPoolShape } from '../../src/dns/udp-mux.js';
import { benchScenario } from './scenario.js';
import { startLabProcess } from './lab-worker.js';

type Row = (measure: string, value: string, target?: string, ok?: boolean) => void;

const SHARED: UdpPoolShape = { size: 1, queriesPerSocket: Infinity };
const RUNS = 5;
const DELAY_MS = Number(process.env.BENCH_DELAY_MS ?? 20);
/** dgram re-calls send() itself once a new socket is bound: a wrapped callback is counted once. */
const counted = new WeakSet<object>();

/** Counts queries per local port: each send's socket is bound by the time its callback runs. */
function countPorts(): { perPort: Map<number, number>; restore(): void } {
  const perPort = new Map<number, number>();
  const send = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    const cb = args[args.length - 1];
    if (typeof cb === 'function' && !counted.has(cb)) {
      const wrapped = (err: Error | null, bytes: number): void => {
        try {
          const port = this.address().port;
          perPort.set(port, (perPort.get(port) ?? 0) + 1);
        } catch {
          // closed after an error
        }
        (cb as (e: Error | null, n: number) => void)(err, bytes);
      };
      counted.add(wrapped);
      args[args.length - 1] = wrapped;
    }
    return (send as (...a: unknown[]) => void).apply(this, args);
  } as typeof send;
  return { perPort, restore: () => void (dgram.Socket.prototype.send = send) };
}

interface Compared {
  pool: number;
  shared: number;
  ports: { pool: Map<number, number>; shared: Map<number, number> };
}

/** The same names under each shape in turn (medians of RUNS), the ports of each shape's first run. */
async function compare(zones: number, perZone: number, delayMs: number): Promise<Compared> {
  const { scenario, names } = benchScenario(zones, perZone);
  const lab = await startLabProcess(scenario, delayMs);
  const options = {
    profile: { ...lab.profile, extraPublicSuffixes: ['test'], publicResolvers: [] },
    challenge: 'dns-01' as const,
  };
  const pool = DEFAULT_UDP_POOL_SHAPE;
  const times = { pool: [] as number[], shared: [] as number[] };
  const ports = { pool: new Map<number, number>(), shared: new Map<number, number>() };
  try {
    // JIT warm-up: the whole run once under each shape.
    for (const warm of [SHARED, pool]) {
      setUdpPoolShape(warm);
      await preflight(names, options);
    }
    // Alternating runs, and which goes first too, so a slow moment of the machine falls on both sides.
    for (let i = 0; i < RUNS; i++)
      for (const kind of i % 2 === 0 ? (['pool', 'shared'] as const) : (['shared', 'pool'] as const)) {
        setUdpPoolShape(kind === 'pool' ? pool : SHARED);
        const counter = countPorts();
        const t = performance.now();
        const report = await preflight(names, options);
        times[kind].push(performance.now() - t);
        counter.restore();
        if (report.identifiers.some((r) => r.verdict === 'fail'))
          throw new Error(`bench: ${kind} run failed names`);
        if (i === 0) ports[kind] = counter.perPort;
      }
  } finally {
    setUdpPoolShape(pool);
    await lab.stop();
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  return { pool: median(times.pool), shared: median(times.shared), ports };
}

export async function sourcePortCost(row: Row): Promise<void> {
  const spread = (m: Map<number, number>): { total: number; most: number } => {
    const counts = [...m.values()];
    return { total: counts.reduce((a, b) => a + b, 0), most: Math.max(...counts) };
  };
  const share = (m: Map<number, number>): number => {
    const { total, most } = spread(m);
    return most / total;
  };
  const describe = (m: Map<number, number>): string => {
    const { total, most } = spread(m);
    return `${total} queries from ${m.size} ports, at most ${most} from one (${(100 * share(m)).toFixed(1)}%)`;
  };
  const ratio = (c: Compared): string =>
    `${c.pool.toFixed(0)} ms vs ${c.shared.toFixed(0)} ms = ${(c.pool / c.shared).toFixed(2)}x`;
  // A check as users run it (the network's delay) and the worst case (no delay: CPU alone, sockets' cost shows most).
  const check = await compare(10, 10, DELAY_MS);
  row(
    `source ports: 100 names, ${DELAY_MS} ms per answer, random-port pool vs one shared socket (median of ${RUNS} each, alternating)`,
    ratio(check),
    '<= 1.1x',
    check.pool / check.shared <= 1.1,
  );
  const bulk = await compare(10, 100, 0);
  row(
    `source ports: 1000 names, no delay, random-port pool vs one shared socket (median of ${RUNS} each, alternating)`,
    ratio(bulk),
    '<= 1.1x',
    bulk.pool / bulk.shared <= 1.1,
  );
  // Over a whole run the kernel hands a closed socket's port out again, so a port may carry a few sockets' queries.
  row(
    '  ports seen, pool (first run of the 1000)',
    describe(bulk.ports.pool),
    'no port above 1% of the queries',
    share(bulk.ports.pool) <= 0.01,
  );
  row('  ports seen, one shared socket (first run of the 1000)', describe(bulk.ports.shared));
}
