/**
 * Bounded fan-out: a name with thousands of A records (and an AAAA) must not make the tool connect to
 * every address. Before the cap, 4,094 addresses cost 8,191 connect() calls (HTTP and TLS to each).
 */
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { scenarioSchema } from '../../src/lab/scenario.js';
import { preflight } from '../../src/engine/preflight.js';
import { OTHER_ADDRESS_PROBES } from '../../src/checks/fan-out.js';
import type { NetworkProfile } from '../../src/profile.js';

/** As many as one TCP DNS message holds (the lab does not compress owner names). */
const COUNT = 2400;
/** 127.3.0.1 … in DNS order; the first is the CA's IPv4 address. */
const addressOf = (i: number): string => `127.3.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const soa = (z: string): string => `${z}. 300 IN SOA ns.${z}. hostmaster.${z}. 1 7200 3600 1209600 300`;

const scenario = scenarioSchema.parse({
  servers: [
    { name: 'a.root', address: '127.0.65.1', zones: ['.'] },
    { name: 'ns.test', address: '127.0.65.2', zones: ['test'] },
  ],
  zones: {
    '.': {
      records: [
        '. 300 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300',
        '. 300 IN NS a.root.',
        'a.root. 300 IN A 127.0.65.1',
        'test. 300 IN NS ns.test.',
        'ns.test. 300 IN A 127.0.65.2',
      ],
    },
    test: {
      records: [
        soa('test'),
        'test. 300 IN NS ns.test.',
        'ns.test. 300 IN A 127.0.65.2',
        'many.test. 300 IN AAAA ::1',
        ...Array.from({ length: COUNT }, (_, i) => `many.test. 300 IN A ${addressOf(i)}`),
      ],
    },
  },
  // Two addresses that answer differently, so the "addresses differ" diagnosis has something to see.
  web: [
    { address: addressOf(0), http: { mode: 'status', status: 404 } },
    { address: addressOf(1), http: { mode: 'status', status: 500 } },
  ],
});

/** Counts TCP connect() calls per destination port, wrapping net.Socket like the test socket guard. */
function countConnects(): { byPort: Map<number, string[]>; restore(): void } {
  const byPort = new Map<number, string[]>();
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function counted(this: net.Socket, ...args: unknown[]) {
    // net.connect() passes its normalised [options, callback] as the first argument.
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const opts = first as { host?: string; port?: number } | undefined;
    if (opts && typeof opts === 'object' && typeof opts.port === 'number') {
      byPort.set(opts.port, [...(byPort.get(opts.port) ?? []), opts.host ?? '']);
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  return { byPort, restore: () => void (net.Socket.prototype.connect = original) };
}

describe('bounded fan-out over a name with thousands of addresses', () => {
  let lab: Lab;
  let profile: NetworkProfile;
  let counter: ReturnType<typeof countConnects> | undefined;
  beforeAll(async () => {
    lab = await startLab(scenario);
    profile = { ...lab.profile, publicResolvers: [], tlsPort: lab.profile.httpPort + 1 };
  });
  afterEach(() => counter?.restore());
  afterAll(() => lab.stop());

  it.each(['http-01', 'tls-alpn-01'] as const)(
    '%s: the CA’s addresses first, at most OTHER_ADDRESS_PROBES others, the rest counted',
    async (challenge) => {
      counter = countConnects();
      const report = await preflight(['many.test'], { profile, challenge, skip: ['propagation'] });
      counter.restore();
      const http = counter.byPort.get(profile.httpPort) ?? [];
      const tls = counter.byPort.get(profile.tlsPort) ?? [];
      const probed = 2 + OTHER_ADDRESS_PROBES;
      // HTTP-01: the CA's own fetch (first IPv6, IPv4 fallback) plus one pinned fetch per probed address.
      if (challenge === 'http-01') {
        expect(http.length).toBeGreaterThan(0);
        expect(http.length).toBeLessThanOrEqual(2 + probed);
        expect(new Set(http)).toContain('::1');
        expect(new Set(http)).toContain(addressOf(0));
      } else expect(http).toEqual([]);
      // TLS: the certificate probe per probed address (plus a legacy retry each), TLS-ALPN-01's two.
      expect(tls.length).toBeLessThanOrEqual(2 * probed + 2);
      expect(new Set([...http, ...tls]).size).toBeLessThanOrEqual(probed);
      const findings = report.identifiers[0]!.findings;
      const sampled = findings.filter((f) => f.code === 'ADDRESSES_NOT_PROBED');
      expect(sampled.length).toBeGreaterThan(0);
      for (const f of sampled) expect(f.detail).toContain(`${COUNT + 1 - probed} of the name's ${COUNT + 1}`);
      if (challenge === 'http-01') {
        // ::1 refuses while IPv4 answers: the diagnosis names it and says how many were left out.
        const differ = findings.find((f) => f.code === 'HTTP01_IPV6_BROKEN');
        expect(differ?.detail).toContain('::1 (used by the CA): refused');
        expect(differ?.detail).toContain(`${COUNT + 1 - probed} of the name's`);
        expect(differ?.evidence.map((e) => e.answer)).toContain(
          `${probed} of ${COUNT + 1}; ${COUNT + 1 - probed} left out (limit ${OTHER_ADDRESS_PROBES} besides the CA's)`,
        );
      }
    },
    60_000,
  );
});

describe('pickAddresses', () => {
  it('keeps the CA’s first IPv6 and IPv4, then alternates the families up to the limit', async () => {
    const { pickAddresses } = await import('../../src/checks/fan-out.js');
    const v6 = ['2001:db8::1', '2001:db8::2', '2001:db8::3'];
    const v4 = ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'];
    const { picked, notProbed } = pickAddresses(v6, v4, 3);
    expect(picked.map((p) => [p.address, p.caRole])).toEqual([
      ['2001:db8::1', 'first'],
      ['2001:db8::2', 'unused'],
      ['2001:db8::3', 'unused'],
      ['192.0.2.1', 'fallback'],
      ['192.0.2.2', 'unused'],
    ]);
    expect(notProbed).toBe(2);
    expect(pickAddresses([], v4.slice(0, 2)).picked.map((p) => p.caRole)).toEqual(['first', 'unused']);
    expect(pickAddresses([], v4.slice(0, 2)).notProbed).toBe(0);
  });
});
