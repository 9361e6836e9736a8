import type { DnsClient, Delegation, Lookup } from '../../src/dns/api.js';
import type { QueryOutcome, ServerEndpoint } from '../../src/dns/types.js';
import { makeResolverFetch } from '../../src/dns/dnssec/fetch.js';
import { answerFromZone } from '../../src/lab/dnssec/memzone.js';
import { validateChain } from '../../src/dns/dnssec/chain.js';
import { isAtOrBelow } from '../../src/dns/names.js';
import { buildWorld, NOW } from './world.js';

// Each zone gets its own fake server address; the fake client answers only for zones that server holds.
function fakes(world: ReturnType<typeof buildWorld>, down = new Set<string>()) {
  const addr = (apex: string) => `127.0.0.${world.zones.findIndex((z) => z.apex === apex) + 10}`;
  const asked: string[] = [];
  const resolver = {
    async findZone(name: string): Promise<Delegation | { error: Lookup }> {
      const zone = world.zones
        .filter((z) => isAtOrBelow(name, z.apex))
        .sort((a, b) => b.apex.length - a.apex.length)[0];
      if (!zone)
        return {
          error: {
            name,
            type: 'NS',
            status: 'NXDOMAIN',
            records: [],
            cnames: [],
            finalName: name,
            exchanges: [],
          },
        };
      return {
        zone: zone.apex,
        parentNs: [],
        servers: [{ address: addr(zone.apex), port: 5300 }],
        unresolvedNs: [],
      };
    },
  };
  const client: DnsClient = {
    sent: 0,
    async query(server: ServerEndpoint, name: string, type: string): Promise<QueryOutcome> {
      const zone = world.zones.find((z) => addr(z.apex) === server.address);
      const question = { name, type };
      asked.push(`${server.address} ${type} ${name}`);
      if (!zone || down.has(zone.apex))
        return {
          ok: false,
          failure: { server: server.address, question, kind: 'timeout', message: 'timed out', rttMs: 1 },
        };
      const r = answerFromZone(zone, name, type);
      const flags = { aa: true, tc: false, rd: false, ra: false, ad: false, cd: true };
      return {
        ok: true,
        response: {
          server: `${server.address}:53`,
          question,
          rcode: r.rcode,
          flags,
          answers: r.answers,
          authorities: r.authorities,
          additionals: [],
          rttMs: 1,
          transport: 'udp',
        },
      };
    },
  };
  return { resolver, client, asked, addr };
}

describe('makeResolverFetch', () => {
  it('asks DS of the parent zone and the rest of the zone itself; the chain validates', async () => {
    const w = buildWorld();
    const f = fakes(w);
    const fetch = makeResolverFetch(f.resolver, f.client);
    const r = await validateChain('www.example.test', 'A', fetch, { trustAnchors: w.anchors, now: NOW });
    expect(r.status).toBe('secure');
    expect(f.asked).toContain(`${f.addr('test')} DS example.test`);
    expect(f.asked).toContain(`${f.addr('example.test')} DNSKEY example.test`);
    expect(f.asked).toContain(`${f.addr('example.test')} A www.example.test`);
  });
  it('a zone whose servers all time out is indeterminate, naming the server', async () => {
    const w = buildWorld();
    const f = fakes(w, new Set(['example.test']));
    const r = await validateChain('www.example.test', 'A', makeResolverFetch(f.resolver, f.client), {
      trustAnchors: w.anchors,
      now: NOW,
    });
    expect(r.status).toBe('indeterminate');
    if (r.status === 'indeterminate') expect(r.detail).toContain(f.addr('example.test'));
  });
});
