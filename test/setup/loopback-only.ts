/**
 * Network safety net for every test: a UDP send or TCP connect to anything but loopback throws.
 * Tests build NetworkProfiles pointing at the lab; this catches one that forgets to.
 */
import dgram from 'node:dgram';
import net from 'node:net';

const isLoopback = (host: unknown): boolean =>
  typeof host === 'string' &&
  (host === 'localhost' ||
    host === '::1' ||
    /^127\./.test(host) ||
    /^::ffff:127\./i.test(host) ||
    host === '');

/**
 * Every refusal, also those the code under test catches and turns into a finding: test/setup/refused.ts
 * fails a hostile-suite test that made one (globalThis, because each test file has its own modules).
 */
export interface Refused {
  what: string;
  host: string;
}
const g = globalThis as { __loopbackGuardRefused?: Refused[] };
g.__loopbackGuardRefused ??= [];

function guard(host: unknown, what: string): void {
  if (host !== undefined && !isLoopback(host)) {
    g.__loopbackGuardRefused!.push({ what, host: String(host) });
    throw new Error(`test network guard: ${what} to ${String(host)} refused (tests talk to loopback only)`);
  }
}

const send = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function patchedSend(this: dgram.Socket, ...args: unknown[]) {
  // send(msg, [offset, length,] port, address, cb)
  const address = args.find((a, i) => i > 0 && typeof a === 'string');
  guard(address, 'UDP send');
  return (send as (...a: unknown[]) => void).apply(this, args);
} as typeof dgram.Socket.prototype.send;

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0];
  const opts = Array.isArray(first) ? first[0] : first;
  if (opts && typeof opts === 'object' && !('path' in (opts as object))) {
    guard((opts as { host?: string }).host ?? 'localhost', 'TCP connect');
  } else if (typeof first === 'number') {
    guard(typeof args[1] === 'string' ? args[1] : 'localhost', 'TCP connect');
  }
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;

const udpConnect = dgram.Socket.prototype.connect;
dgram.Socket.prototype.connect = function patchedUdpConnect(this: dgram.Socket, ...args: unknown[]) {
  guard(typeof args[1] === 'string' ? args[1] : 'localhost', 'UDP connect');
  return (udpConnect as (...a: unknown[]) => void).apply(this, args);
} as typeof dgram.Socket.prototype.connect;
