/** Honest vantage: what a check run on the host it checks cannot prove. Pure. */
import ipaddr from 'ipaddr.js';
import type { Finding } from '../report/finding.js';
import { finding } from '../report/catalogue.js';

const canonical = (a: string): string => {
  try {
    return ipaddr.process(a).toString();
  } catch {
    return a.toLowerCase();
  }
};

const inAny = (address: string, cidrs: readonly string[]): boolean => {
  try {
    const addr = ipaddr.process(address);
    return cidrs.some((c) => {
      const [net, bits] = ipaddr.parseCIDR(c);
      return addr.kind() === net.kind() && addr.match([net, bits]);
    });
  } catch {
    return false;
  }
};

/**
 * Addresses the CA would connect to that belong to this machine: a pass from here proves nothing. Ranges given
 * with --allow-address are a lab's "remote" servers sharing the machine, so they count as remote.
 */
export function judgeVantage(
  identifier: string,
  addresses: readonly string[],
  local: readonly string[],
  allow: readonly string[],
): Finding[] {
  const mine = new Set(local.map(canonical));
  const hits = addresses.filter((a) => mine.has(canonical(a)) && !inAny(a, allow));
  if (hits.length === 0) return [];
  return [
    finding('VANTAGE_LOCAL_ADDRESS', identifier, {
      title: `Reachability not proven from here: ${hits.join(', ')} is this machine`,
      detail: `${identifier} resolves to ${hits.join(', ')}, an address of the machine running the check, so the HTTP and TLS probes never left it. A firewall, NAT or security group in front of this machine is not seen, and the CA connects from outside. A failure seen from here still counts: nothing listening fails everywhere.`,
      evidence: hits.map((a) => ({
        source: 'local interfaces',
        answer: `${a} is an address of this machine`,
        address: a,
      })),
      remediation:
        "Run the check from another network (the GitHub Action runs from GitHub's), or add a remote perspective: start `acme-preflight agent` elsewhere and pass --perspective NAME=URL.",
    }),
  ];
}
