/** The addresses of this machine's own interfaces: a probe to one of them never leaves the machine. */
import { networkInterfaces } from 'node:os';

export function localAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .map((i) => i.address.replace(/%.*$/, '').toLowerCase());
}
