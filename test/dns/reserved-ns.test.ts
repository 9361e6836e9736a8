import dgram from 'node:dgram';
import { jest } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { CachingDnsClient } from '../../src/dns/client.js';
import { IterativeResolver } from '../../src/dns/iterative.js';

const SCENARIO = `
servers:
  - { name: a.root.test, address: 127.0.1.1, zones: ['.'] }
  - { name: ns.nic.test, address: 127.0.2.1, zones: [test] }
zones:
  .:
    records:
      - . 86400 IN SOA a.root.test. h.root.test. 1 1800 900 604800 86400
      - . 518400 IN NS a.root.test.
      - test. 172800 IN NS ns.nic.test.
      - ns.nic.test. 172800 IN A 127.0.2.1
  test:
    records:
      - test. 900 IN SOA ns.nic.test. h.nic.test. 1 1800 900 604800 900
      - test. 172800 IN NS ns.nic.test.
      - ns.nic.test. 172800 IN A 127.0.2.1
      - private.test. 3600 IN NS ns.private.test.
      - ns.private.test. 3600 IN A 10.0.0.53
      - metadata.test. 3600 IN NS ns.metadata.test.
      - ns.metadata.test. 3600 IN AAAA fe80::53
`;

/** A zone delegated to nameservers at reserved addresses: the tool never sends a packet there. */
describe('nameservers at reserved addresses', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(SCENARIO);
  });
  afterAll(() => lab.stop());

  it.each([
    ['www.private.test', '10.0.0.53'],
    ['www.metadata.test', 'fe80::53'],
  ])('%s: NO_NAMESERVERS naming %s, and no packet to it', async (name, address) => {
    const send = jest.spyOn(dgram.Socket.prototype, 'send');
    try {
      const resolver = new IterativeResolver(lab.profile, new CachingDnsClient(lab.profile));
      const l = await resolver.resolve(name, 'A');
      expect(l.status).toBe('NO_NAMESERVERS');
      expect(l.message).toContain(address);
      expect(l.message).toContain('not queried');
      const targets = send.mock.calls.map((c) => c.filter((a) => typeof a === 'string').join(' '));
      expect(targets.some((t) => t.includes('127.0.2.1'))).toBe(true);
      expect(targets.some((t) => t.includes(address))).toBe(false);
    } finally {
      send.mockRestore();
    }
  });
});
