import http from 'node:http';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { withProfile, type NetworkProfile } from '../../src/profile.js';
import type { ResolveAddresses } from '../../src/http/fetch.js';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface Closer {
  close(): Promise<void>;
}

const closers: Closer[] = [];
export async function closeAll(): Promise<void> {
  await Promise.all(closers.splice(0).map((c) => c.close()));
}

function track<T extends net.Server>(server: T): T {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  closers.push({
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return server;
}

export async function httpServer(address: string, port: number, handler: Handler): Promise<number> {
  const server = track(http.createServer(handler));
  server.listen(port, address);
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

/** A raw TCP server for hostile behaviour. */
export async function tcpServer(
  address: string,
  port: number,
  onConn: (s: net.Socket) => void,
): Promise<number> {
  const server = track(net.createServer(onConn));
  server.listen(port, address);
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

/** A free port number on loopback (listen on 0, close). */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  const s = net.createServer();
  s.listen(0, address);
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * A listening socket whose accept queue is full, so further SYNs are dropped: a connect timeout.
 * Python's listen(0) without accept() gives exactly that on Linux; one filler connection fills it.
 */
export async function blackhole(address: string): Promise<{ port: number; stop: () => void }> {
  const child: ChildProcess = spawn('python3', [
    '-c',
    `import socket,time\ns=socket.socket()\ns.bind(('${address}',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)`,
  ]);
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  const port = Number(line.toString().trim());
  const filler = net.connect(port, address);
  await once(filler, 'connect');
  return {
    port,
    stop: () => {
      filler.destroy();
      child.kill();
    },
  };
}

export function labProfile(
  httpPort: number,
  tlsPort: number,
  extra: Partial<NetworkProfile> = {},
): NetworkProfile {
  return withProfile({
    httpPort,
    tlsPort,
    allowAddresses: ['127.0.0.0/8', '::1/128'],
    timeouts: { httpDialMs: 400, httpTotalMs: 1500 },
    ...extra,
  });
}

export function table(entries: Record<string, { v4?: string[]; v6?: string[] }>): ResolveAddresses {
  return async (host) => {
    const e = entries[host];
    if (!e) {
      return {
        v4: [],
        v6: [],
        evidence: [{ source: 'lab', query: `A ${host}`, answer: 'NXDOMAIN' }],
        error: {
          status: 'NXDOMAIN',
          message: `DNS problem: NXDOMAIN looking up A for ${host} - check that a DNS record exists for this domain`,
        },
      };
    }
    return {
      v4: e.v4 ?? [],
      v6: e.v6 ?? [],
      evidence: [
        { source: 'lab', query: `A/AAAA ${host}`, answer: [...(e.v6 ?? []), ...(e.v4 ?? [])].join(' ') },
      ],
    };
  };
}
