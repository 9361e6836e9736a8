/**
 * A small DNS world for lab tests that build their scenario in code: a root (a.root), the `test` TLD
 * (a.nic.test), and zones under it whose nameservers are ns1.<zone>, ns2.<zone>, ... with glue. Each
 * zone gets its SOA, NS and glue records; a test adds only what it is about.
 */
import type { z } from 'zod';
import { scenarioSchema, type Scenario } from '../../src/lab/scenario.js';

type ServerInput = z.input<typeof scenarioSchema>['servers'][number];

export interface WorldZone {
  zone: string;
  /** One entry per nameserver (ns1, ns2, ...): what that server does differently (fault, behaviour, overrides). */
  servers: Omit<ServerInput, 'name' | 'address' | 'zones'>[];
  /** Records beyond SOA, NS and glue. */
  records?: string[];
  /** The parent lists the nameservers in reverse order (a referral's order must not choose the server). */
  parentReversed?: boolean;
}

const soa = (z: string): string => `${z}. 300 IN SOA ns1.${z}. hostmaster.${z}. 1 7200 3600 1209600 300`;

/** Server n's address: 0 is the root, 1 the TLD, then the zones' servers in order. */
export const worldAddress = (subnet: number, n: number): string => `127.0.${subnet + n}.1`;

/** The scenario, its servers at worldAddress(subnet, n). */
export function labWorld(subnet: number, zones: WorldZone[]): Scenario {
  const ip = (n: number): string => worldAddress(subnet, n);
  let next = 2;
  const placed = zones.map((z) => ({
    ...z,
    ns: z.servers.map((extra, i) => ({ extra, name: `ns${i + 1}.${z.zone}`, address: ip(next++) })),
  }));
  const nsRecords = (z: (typeof placed)[number], order = z.ns): string[] => [
    ...order.map((s) => `${z.zone}. 300 IN NS ${s.name}.`),
    ...z.ns.map((s) => `${s.name}. 300 IN A ${s.address}`),
  ];
  return scenarioSchema.parse({
    servers: [
      { name: 'a.root', address: ip(0), zones: ['.'] },
      { name: 'a.nic.test', address: ip(1), zones: ['test'] },
      ...placed.flatMap((z) =>
        z.ns.map((s) => ({ ...s.extra, name: s.name, address: s.address, zones: [z.zone] })),
      ),
    ],
    zones: {
      '.': {
        records: [
          '. 300 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300',
          '. 300 IN NS a.root.',
          `a.root. 300 IN A ${ip(0)}`,
          'test. 300 IN NS a.nic.test.',
          `a.nic.test. 300 IN A ${ip(1)}`,
        ],
      },
      test: {
        records: [
          soa('test'),
          'test. 300 IN NS a.nic.test.',
          `a.nic.test. 300 IN A ${ip(1)}`,
          ...placed.flatMap((z) => nsRecords(z, z.parentReversed ? [...z.ns].reverse() : z.ns)),
        ],
      },
      ...Object.fromEntries(
        placed.map((z) => [z.zone, { records: [soa(z.zone), ...nsRecords(z), ...(z.records ?? [])] }]),
      ),
    },
  });
}
