/** A generated internet for the benchmark: a root, one TLD, `zones` zones of `perZone` names each. */
import type { Scenario } from '../../src/lab/scenario.js';

export function benchScenario(zones: number, perZone: number): { scenario: Scenario; names: string[] } {
  const root = '127.0.1.1';
  const tld = '127.0.2.1';
  const zoneRecords: Scenario['zones'] = {
    '.': {
      records: [
        '. 86400 IN SOA a.root.bench. host.root.bench. 1 1800 900 604800 86400',
        '. 518400 IN NS a.root.bench.',
        'a.root.bench. 518400 IN A 127.0.1.1',
        'test. 172800 IN NS ns.nic.test.',
        'ns.nic.test. 172800 IN A 127.0.2.1',
      ],
    },
    test: {
      records: [
        'test. 900 IN SOA ns.nic.test. host.nic.test. 1 1800 900 604800 900',
        'test. 172800 IN NS ns.nic.test.',
        'ns.nic.test. 172800 IN A 127.0.2.1',
      ],
    },
  };
  const servers: Scenario['servers'] = [
    { name: 'a.root.bench', address: root, role: 'authoritative', zones: ['.'], overrides: [] },
    { name: 'ns.nic.test', address: tld, role: 'authoritative', zones: ['test'], overrides: [] },
  ];
  const names: string[] = [];
  for (let z = 0; z < zones; z++) {
    const apex = `z${z}.test`;
    const ns = [`ns1.${apex}`, `ns2.${apex}`];
    const addrs = [
      `127.0.${10 + Math.floor(z / 100)}.${(z % 100) * 2 + 1}`,
      `127.0.${10 + Math.floor(z / 100)}.${(z % 100) * 2 + 2}`,
    ];
    const glue = ns.map((n, i) => `${n}. 3600 IN A ${addrs[i]}`);
    zoneRecords.test!.records.push(...ns.map((n) => `${apex}. 3600 IN NS ${n}.`), ...glue);
    const recs = [
      `${apex}. 3600 IN SOA ${ns[0]}. host.${apex}. 1 7200 3600 1209600 300`,
      ...ns.map((n) => `${apex}. 3600 IN NS ${n}.`),
      ...glue,
      `${apex}. 300 IN CAA 0 issue "letsencrypt.org"`,
    ];
    for (let i = 0; i < perZone; i++) {
      const name = `h${i}.${apex}`;
      recs.push(`${name}. 300 IN A 127.0.200.${(i % 250) + 1}`);
      names.push(name);
    }
    zoneRecords[apex] = { records: recs };
    servers.push(
      ...ns.map((n, i) => ({
        name: n,
        address: addrs[i]!,
        role: 'authoritative' as const,
        zones: [apex],
        overrides: [],
      })),
    );
  }
  return { scenario: { servers, zones: zoneRecords, web: [] }, names };
}
