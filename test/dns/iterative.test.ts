import { withProfile, type NetworkProfile } from '../../src/profile.js';
import { CachingDnsClient } from '../../src/dns/client.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { MAX_CNAME_CHAIN } from '../../src/dns/limits.js';
import { ResolverPool } from '../../src/dns/pool.js';
import { startFakeNet, type FakeNet } from './authserver.js';

const ip = (n: number): string => `127.0.53.${n}`;
const ROOT = ip(1);
const COM = ip(2);
const NET = ip(3);

const zones: Record<string, string[]> = {
  '': [
    '. NS a.root',
    `a.root A ${ROOT}`,
    'com NS a.gtld.com',
    `a.gtld.com A ${COM}`,
    'net NS a.gtld.net',
    `a.gtld.net A ${NET}`,
  ],
  com: [
    'com NS a.gtld.com',
    'example.com NS ns1.example.com',
    `ns1.example.com A ${ip(10)}`,
    'outofbw.com NS ns1.provider.net',
    'lame.com NS ns1.lame.com',
    'lame.com NS ns2.lame.com',
    `ns1.lame.com A ${ip(11)}`,
    `ns2.lame.com A ${ip(12)}`,
    'broken.com NS ns1.broken.com',
    'broken.com NS ns2.broken.com',
    `ns1.broken.com A ${ip(13)}`,
    `ns2.broken.com A ${ip(14)}`,
    'slow.com NS ns1.slow.com',
    'slow.com NS ns2.slow.com',
    `ns1.slow.com A ${ip(15)}`,
    `ns2.slow.com A ${ip(16)}`,
    'cyc.com NS ns.cyc.net',
    'up.com NS ns1.up.com',
    `ns1.up.com A ${ip(17)}`,
  ],
  net: [
    'net NS a.gtld.net',
    'provider.net NS ns1.provider.net',
    `ns1.provider.net A ${ip(20)}`,
    'cyc.net NS ns.cyc.com',
  ],
  'example.com': [
    'example.com NS ns1.example.com',
    `ns1.example.com A ${ip(10)}`,
    'www.example.com A 192.0.2.10',
    'mail.example.com A 192.0.2.11',
    'alias.example.com CNAME hop.example.com',
    'hop.example.com CNAME www.provider.net',
    'loop1.example.com CNAME loop2.example.com',
    'loop2.example.com CNAME loop1.example.com',
    'only-txt.example.com TXT hello',
    ...Array.from({ length: MAX_CNAME_CHAIN + 2 }, (_, i) => `c${i}.example.com CNAME c${i + 1}.example.com`),
    ...Array.from({ length: MAX_CNAME_CHAIN }, (_, i) => `d${i}.example.com CNAME d${i + 1}.example.com`),
    `d${MAX_CNAME_CHAIN}.example.com A 192.0.2.40`,
  ],
  'sub.example.com': ['sub.example.com NS ns1.example.com', 'host.sub.example.com TXT x'],
  'provider.net': [
    'provider.net NS ns1.provider.net',
    `ns1.provider.net A ${ip(20)}`,
    'www.provider.net A 192.0.2.20',
  ],
  'outofbw.com': ['outofbw.com NS ns1.provider.net', 'www.outofbw.com A 192.0.2.30'],
  'lame.com': ['lame.com NS ns1.lame.com', 'lame.com NS ns2.lame.com', 'www.lame.com A 192.0.2.40'],
  'broken.com': ['www.broken.com A 192.0.2.41'],
  'slow.com': ['slow.com NS ns1.slow.com', 'slow.com NS ns2.slow.com', 'www.slow.com A 192.0.2.50'],
};

let fakeNet: FakeNet;
let profile: NetworkProfile;

beforeAll(async () => {
  fakeNet = await startFakeNet(
    [
      { address: ROOT, zones: [''] },
      { address: COM, zones: ['com'] },
      { address: NET, zones: ['net'] },
      { address: ip(10), zones: ['example.com', 'sub.example.com'] },
      { address: ip(11), zones: ['lame.com'], fault: 'noaa' },
      { address: ip(12), zones: ['lame.com'] },
      { address: ip(13), zones: ['broken.com'], fault: 'servfail' },
      { address: ip(14), zones: ['broken.com'], fault: 'servfail' },
      { address: ip(15), zones: ['slow.com'], fault: 'timeout' },
      { address: ip(16), zones: ['slow.com'] },
      { address: ip(17), zones: ['up.com'], fault: 'upward' },
      { address: ip(20), zones: ['provider.net', 'outofbw.com'] },
    ],
    zones,
  );
  profile = withProfile({
    rootHints: [{ name: 'a.root', address: ROOT }],
    publicResolvers: [
      { name: 'good', address: ip(12) },
      { name: 'dead', address: ip(15) },
    ],
    dnsPort: fakeNet.port,
    // The fake servers sit on loopback, a reserved range; a lab profile treats it as public.
    allowAddresses: ['127.0.0.0/8'],
    timeouts: { dnsQueryMs: 200, dnsRetries: 1 },
    concurrency: 8,
  });
});
afterAll(() => fakeNet.close());

const fresh = (): { client: CachingDnsClient; resolver: IterativeResolver } => {
  const client = new CachingDnsClient(profile);
  return { client, resolver: new IterativeResolver(profile, client) };
};
const at = (n: number | string): string => `${typeof n === 'number' ? ip(n) : n}:${fakeNet.port}`;

test('follows referrals with glue to an authoritative answer', async () => {
  const { resolver } = fresh();
  const l = await resolver.resolve('WWW.Example.com.', 'A');
  expect(l.status).toBe('NOERROR');
  expect(l.records.map((r) => r.data)).toEqual(['192.0.2.10']);
  expect(l.zone).toBe('example.com');
  expect(l.finalName).toBe('www.example.com');
  expect(l.exchanges.map((e) => (e.ok ? e.response.server : e.failure.server))).toEqual([
    at(ROOT),
    at(COM),
    at(10),
  ]);
  expect(l.decisive?.ok && l.decisive.response.flags.aa).toBe(true);
  const asked = fakeNet.log.filter((e) => e.name === 'www.example.com');
  expect(asked.length).toBeGreaterThan(0);
  expect(asked.every((e) => !e.rd)).toBe(true);
});

test('stops after the per-lookup query budget', async () => {
  const resolver = new IterativeResolver(profile, new CachingDnsClient(profile), { maxQueries: 2 });
  const l = await resolver.resolve('www.example.com', 'A');
  expect(l.status).toBe('SERVFAIL');
  expect(l.message).toContain('after 2 queries');
  expect(l.exchanges).toHaveLength(2);
});

test('resolves an out-of-bailiwick NS name without glue', async () => {
  const { resolver } = fresh();
  const l = await resolver.resolve('www.outofbw.com', 'A');
  expect(l.status).toBe('NOERROR');
  expect(l.records.map((r) => r.data)).toEqual(['192.0.2.30']);
  const servers = l.exchanges.map((e) => (e.ok ? e.response.server : ''));
  expect(servers).toContain(at(NET));
  expect(servers[servers.length - 1]).toBe(at(20));
});

test('follows a CNAME chain across zones', async () => {
  const { resolver } = fresh();
  const l = await resolver.resolve('alias.example.com', 'A');
  expect(l.status).toBe('NOERROR');
  expect(l.cnames.map((c) => [c.name, c.target])).toEqual([
    ['alias.example.com', 'hop.example.com'],
    ['hop.example.com', 'www.provider.net'],
  ]);
  expect(l.finalName).toBe('www.provider.net');
  expect(l.zone).toBe('provider.net');
  expect(l.records.map((r) => r.data)).toEqual(['192.0.2.20']);
});

test('detects a CNAME loop and an over-long chain', async () => {
  const { resolver } = fresh();
  const loop = await resolver.resolve('loop1.example.com', 'A');
  expect(loop.status).toBe('CNAME_LOOP');
  expect(loop.message).toContain('loop1.example.com');
  const long = await resolver.resolve('c0.example.com', 'A');
  expect(long.status).toBe('CNAME_TOO_LONG');
  expect(long.cnames.length).toBe(MAX_CNAME_CHAIN + 1);
  // Exactly the limit still resolves, as Unbound answers after max-query-restarts CNAMEs.
  const atLimit = await resolver.resolve('d0.example.com', 'A');
  expect(atLimit.status).toBe('NOERROR');
  expect(atLimit.cnames.length).toBe(MAX_CNAME_CHAIN);
  expect(atLimit.records.map((r) => r.data)).toEqual(['192.0.2.40']);
});

test('distinguishes NXDOMAIN from NODATA', async () => {
  const { resolver } = fresh();
  const nx = await resolver.resolve('nope.example.com', 'A');
  expect(nx.status).toBe('NXDOMAIN');
  expect(nx.message).toContain(at(10));
  expect(nx.decisive?.ok && nx.decisive.response.rcode).toBe('NXDOMAIN');
  const nodata = await resolver.resolve('only-txt.example.com', 'A');
  expect(nodata.status).toBe('NOERROR');
  expect(nodata.records).toEqual([]);
  expect(nodata.message).toContain('NODATA');
  const txt = await resolver.resolve('only-txt.example.com', 'TXT');
  expect(txt.records).toHaveLength(1);
});

test('skips a lame server (no AA) and uses its sibling', async () => {
  const { resolver } = fresh();
  const l = await resolver.resolve('www.lame.com', 'A');
  expect(l.status).toBe('NOERROR');
  expect(l.records.map((r) => r.data)).toEqual(['192.0.2.40']);
  const lame = l.exchanges.find((e) => e.ok && e.response.server === at(11));
  expect(lame?.ok && lame.response.flags.aa).toBe(false);
  expect(l.decisive?.ok && l.decisive.response.server).toBe(at(12));
});

test('reports SERVFAIL naming every server when all fail', async () => {
  const { resolver } = fresh();
  const l = await resolver.resolve('www.broken.com', 'A');
  expect(l.status).toBe('SERVFAIL');
  expect(l.zone).toBe('broken.com');
  expect(l.message).toContain(ip(13));
  expect(l.message).toContain(ip(14));
  expect(l.decisive?.ok && l.decisive.response.rcode).toBe('SERVFAIL');
});

test('an upward referral makes the zone LAME', async () => {
  const { resolver } = fresh();
  const l = await resolver.resolve('www.up.com', 'A');
  expect(l.status).toBe('LAME');
  expect(l.message).toContain(ip(17));
  expect(l.message).toContain('upward');
});

test('retries a server that times out, then succeeds on its sibling', async () => {
  const { resolver, client } = fresh();
  const before = fakeNet.received.get(ip(15)) ?? 0;
  const l = await resolver.resolve('www.slow.com', 'A');
  expect(l.status).toBe('NOERROR');
  expect(l.records.map((r) => r.data)).toEqual(['192.0.2.50']);
  expect((fakeNet.received.get(ip(15)) ?? 0) - before).toBe(2);
  expect(l.exchanges.some((e) => !e.ok && e.failure.kind === 'timeout' && e.failure.server === at(15))).toBe(
    true,
  );
  expect(client.sentTo(at(16))).toBe(1);
});

test('a second name in a walked zone sends no root or TLD query', async () => {
  const { resolver, client } = fresh();
  await resolver.resolve('www.example.com', 'A');
  const root = client.sentTo(at(ROOT));
  const com = client.sentTo(at(COM));
  expect(root).toBe(1);
  expect(com).toBe(1);
  const l = await resolver.resolve('mail.example.com', 'A');
  expect(l.records.map((r) => r.data)).toEqual(['192.0.2.11']);
  expect(client.sentTo(at(ROOT))).toBe(root);
  expect(client.sentTo(at(COM))).toBe(com);
  expect(client.sentTo(at(10))).toBe(2);
});

test('concurrent identical lookups share their queries', async () => {
  const { resolver, client } = fresh();
  const before = fakeNet.received.get(ip(10)) ?? 0;
  const [a, b] = await Promise.all([
    resolver.resolve('www.example.com', 'A'),
    resolver.resolve('www.example.com', 'A'),
  ]);
  expect(a.records).toEqual(b.records);
  expect(client.sent).toBe(3);
  expect((fakeNet.received.get(ip(10)) ?? 0) - before).toBe(1);
});

test('findZone reports the zone cut, its parent NS and server endpoints', async () => {
  const { resolver } = fresh();
  const d = await resolver.findZone('www.outofbw.com');
  if ('error' in d) throw new Error(d.error.message);
  expect(d.zone).toBe('outofbw.com');
  expect(d.parentNs).toEqual(['ns1.provider.net']);
  expect(d.servers).toEqual([{ name: 'ns1.provider.net', address: ip(20), port: fakeNet.port }]);
  expect(d.unresolvedNs).toEqual([]);
  expect(d.referral?.server).toBe(at(COM));
});

test('a child zone on the same servers as its parent is reported by its own apex', async () => {
  const { resolver } = fresh();
  const l = await resolver.resolve('host.sub.example.com', 'A');
  expect(l.status).toBe('NOERROR');
  expect(l.zone).toBe('sub.example.com');
  const d = await resolver.findZone('host.sub.example.com');
  if ('error' in d) throw new Error(d.error.message);
  expect(d.zone).toBe('sub.example.com');
  expect(d.servers.map((s) => s.address)).toEqual([ip(10)]);
});

test('circular NS dependencies end as NO_NAMESERVERS with a reason', async () => {
  const { resolver } = fresh();
  const l = await resolver.resolve('www.cyc.com', 'A');
  expect(l.status).toBe('NO_NAMESERVERS');
  expect(l.message).toContain('ns.cyc.net');
  const d = await resolver.findZone('www.cyc.com');
  expect('error' in d && d.error.status).toBe('NO_NAMESERVERS');
});

test('askAll asks every server of the zone once and shows the lame one', async () => {
  const { resolver } = fresh();
  const r = await resolver.askAll('www.lame.com', 'A');
  if ('error' in r) throw new Error(r.error.message);
  expect(r.delegation.zone).toBe('lame.com');
  expect(r.answers.map((a) => a.server.address).sort()).toEqual([ip(11), ip(12)]);
  const aa = Object.fromEntries(
    r.answers.map((a) => [a.server.address, a.outcome.ok && a.outcome.response.flags.aa]),
  );
  expect(aa).toEqual({ [ip(11)]: false, [ip(12)]: true });
});

test('the resolver pool asks every public resolver in parallel', async () => {
  const pool = new ResolverPool(profile);
  const answers = await pool.ask('www.lame.com', 'A');
  expect(answers.map((a) => [a.resolver.name, a.outcome.ok])).toEqual([
    ['good', true],
    ['dead', false],
  ]);
});
