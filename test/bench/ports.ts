/**
 * Bench: what the random source ports (RFC 5452; src/dns/udp-mux.ts) cost against one shared UDP socket,
 * the design they replaced. The same 1,000 names, no delay (where a socket's cost shows most), run in turn
 * under each shape; the ports are counted on the tool's side from each socket's bound port.
 */
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { preflight } from '../../src/engine/preflight.js';
import { setUdpPoolShape, type UdpPoolShape } from '../../src/dns/udp-mux.js';
import { benchScenario } from './scenario.js';
import { startLabProcess } from './lab-worker.js';

type Row = (measure: string, value: string, target?: string, ok?: boolean) => void;

const SHARED: UdpPoolShape = { size: 1, queriesPerSocket: Infinity };
const RUNS = 3;

/** Counts queries per local port: each send's socket is bound by the time its callback runs. */
function countPorts(): { perPort: Map<number, number>; restore(): void } {
  const perPort = new Map<number, number>();
  const send = dgram.Socket.prototype.send;
  dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
    const cb = args[args.length - 1];
    if (typeof cb === 'function')
      args[args.length - 1] = (err: Error | null, bytes: number) => {
        try {
          const port = this.address().port;
          perPort.set(port, (perPort.get(port) ?? 0) + 1);
        } catch {
          // closed after an error
        }
        (cb as (e: Error | null, n: number) => void)(err, bytes);
      };
    return (send as (...a: unknown[]) => void).apply(this, args);
  } as typeof send;
  return { perPort, restore: () => void (dgram.Socket.prototype.send = send) };
}

export async function sourcePortCost(row: Row): Promise<void> {
  const { scenario, names } = benchScenario(10, 100);
  const lab = await startLabProcess(scenario);
  const options = {
    profile: { ...lab.profile, extraPublicSuffixes: ['test'], publicResolvers: [] },
    challenge: 'dns-01' as const,
  };
  const pool = setUdpPoolShape(SHARED); // the default shape, read by swapping it out
  setUdpPoolShape(pool);
  const times = { pool: [] as number[], shared: [] as number[] };
  const ports = { pool: new Map<number, number>(), shared: new Map<number, number>() };
  try {
    await preflight(names.slice(0, 100), options); // JIT warm-up, for both shapes alike
    // Alternating runs, so a slow moment of the machine falls on both sides.
    for (let i = 0; i < RUNS; i++)
      for (const kind of ['pool', 'shared'] as const) {
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
  const describe = (m: Map<number, number>): string => {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    return `${total} queries from ${m.size} ports, at most ${Math.max(...m.values())} from one`;
  };
  const p = median(times.pool);
  const s = median(times.shared);
  row(
    `source ports: ${names.length} names, no delay, random-port pool vs one shared socket (median of ${RUNS} each, alternating)`,
    `${p.toFixed(0)} ms vs ${s.toFixed(0)} ms = ${(p / s).toFixed(2)}x`,
    '<= 1.1x',
    p / s <= 1.1,
  );
  row(
    '  ports seen, pool (first run)',
    describe(ports.pool),
    `at most ${2 * pool.queriesPerSocket} from one`,
    Math.max(...ports.pool.values()) <= 2 * pool.queriesPerSocket,
  );
  row('  ports seen, one shared socket (first run)', describe(ports.shared));
}
