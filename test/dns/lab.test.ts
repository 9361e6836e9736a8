/** The resolver against the shared lab (src/lab), with faults the in-test server does not model. */
import { startLab, type Lab } from '../../src/lab/lab.js';
import { scenarioSchema } from '../../src/lab/scenario.js';
import { CachingDnsClient } from '../../src/dns/client.js';
import { IterativeResolver } from '../../src/dns/iterative.js';

const ip = (n: number): string => `127.0.54.${n}`;
const soa = (z: string): string => `${z}. 300 IN SOA ns1.${z}. hostmaster.${z}. 1 7200 3600 1209600 300`;

const scenario = scenarioSchema.parse({
  servers: [
    { name: 'a.root', address: ip(1), zones: ['.'] },
    { name: 'a.gtld.com', address: ip(2), zones: ['com'] },
    { name: 'ns1.example.com', address: ip(10), zones: ['example.com'], fault: { mode: 'malformed' } },
    { name: 'ns2.example.com', address: ip(11), zones: ['example.com'], fault: { mode: 'truncate' } },
    { name: 'ns1.odd.com', address: ip(12), zones: ['odd.com'], fault: { mode: 'wrong-id' } },
  ],
  zones: {
    '.': {
      records: [
        '. 300 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300',
        '. 300 IN NS a.root.',
        `a.root. 300 IN A ${ip(1)}`,
        'com. 300 IN NS a.gtld.com.',
        `a.gtld.com. 300 IN A ${ip(2)}`,
      ],
    },
    com: {
      records: [
        soa('com'),
        'com. 300 IN NS a.gtld.com.',
        'example.com. 300 IN NS ns1.example.com.',
        'example.com. 300 IN NS ns2.example.com.',
        `ns1.example.com. 300 IN A ${ip(10)}`,
        `ns2.example.com. 300 IN A ${ip(11)}`,
        'odd.com. 300 IN NS ns1.odd.com.',
        `ns1.odd.com. 300 IN A ${ip(12)}`,
      ],
    },
    'example.com': {
      records: [
        soa('example.com'),
        'example.com. 300 IN NS ns1.example.com.',
        'example.com. 300 IN NS ns2.example.com.',
        `ns1.example.com. 300 IN A ${ip(10)}`,
        `ns2.example.com. 300 IN A ${ip(11)}`,
        'www.example.com. 300 IN A 192.0.2.80',
      ],
    },
    'odd.com': {
      records: [soa('odd.com'), 'odd.com. 300 IN NS ns1.odd.com.', 'www.odd.com. 300 IN A 192.0.2.81'],
    },
  },
  web: [],
});

let lab: Lab;
beforeAll(async () => {
  lab = await startLab(scenario);
});
afterAll(() => lab.stop());

test('a malformed reply does not end the wait; a truncating sibling is asked again over TCP', async () => {
  const resolver = new IterativeResolver(lab.profile, new CachingDnsClient(lab.profile));
  const l = await resolver.resolve('www.example.com', 'A');
  expect(l.status).toBe('NOERROR');
  expect(l.records.map((r) => r.data)).toEqual(['192.0.2.80']);
  // The server that sent junk is in the evidence, its reply undecodable (every server of the zone is asked).
  const junk = l.exchanges.find((e) => !e.ok && e.failure.server.startsWith(`${ip(10)}:`));
  expect(junk && !junk.ok && junk.failure.message).toMatch(/cannot be decoded|no usable reply/);
  expect(l.decisive?.ok && l.decisive.response.transport).toBe('tcp');
});

test('a server answering with the wrong message ID gives no answer', async () => {
  const resolver = new IterativeResolver(lab.profile, new CachingDnsClient(lab.profile));
  const l = await resolver.resolve('www.odd.com', 'A');
  expect(l.status).toBe('TIMEOUT');
  expect(l.message).toContain(ip(12));
  expect(l.decisive?.ok === false && l.decisive.failure.kind).toBe('mismatch');
});
