import { readFileSync } from 'node:fs';
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { IANA_IPV4_SPECIAL, IANA_IPV6_SPECIAL } from '../../src/net/iana-registry.js';
import {
  caReservedBlock,
  embeddedIpv4,
  projectRefusal,
  reservedRange,
  type EmbeddingForm,
} from '../../src/net/reserved.js';
import { rawGet } from '../../src/http/raw.js';
import { tlsHandshake } from '../../src/http/tls.js';
import { fetchLikeCa } from '../../src/http/fetch.js';
import { closeAll, freePort, httpServer, labProfile, table } from '../http/helpers.js';

const iana = JSON.parse(
  readFileSync(new URL('../../fixtures/ca-tables/boulder-iana.json', import.meta.url), 'utf8'),
) as {
  isReservedAddr: { ip: string; want: string; project?: string }[];
  isReservedPrefix: { cidr: string; want: boolean }[];
};
/** The lab's allow list: loopback counts as public, as Boulder's test VA allows it. */
const LAB = { allow: ['127.0.0.0/8', '::1/128'] };

describe('Boulder iana/ip_test.go TestIsReservedAddr as data', () => {
  it.each(iana.isReservedAddr.map((r) => [r.ip, r] as const))('%s', (ip, row) => {
    const got = caReservedBlock(ip);
    if (row.want === '') expect(got).toBeUndefined();
    else expect(got?.message).toContain(row.want);
    // Every address the CA refuses the tool refuses too; some more (README "Deliberate differences").
    if (row.want !== '') expect(reservedRange(ip)).toBeDefined();
    if (row.project) expect(projectRefusal(ip)).toBeDefined();
  });
});

describe('Boulder iana/ip_test.go TestIsReservedPrefix as data (overlap with any CA block)', () => {
  const overlaps = (cidr: string): boolean => {
    const [net0, bits] = ipaddr.parseCIDR(cidr);
    return [...IANA_IPV4_SPECIAL, ...IANA_IPV6_SPECIAL].some((row) => {
      const [b, bbits] = ipaddr.parseCIDR(row.block);
      if (b.kind() !== net0.kind()) return false;
      const shorter = Math.min(bits, bbits);
      return net0.match(b, shorter) || b.match(net0, shorter);
    });
  };
  it.each(iana.isReservedPrefix.map((r) => [r.cidr, r.want] as const))('%s -> %s', (cidr, want) => {
    expect(overlaps(cidr)).toBe(want);
  });
});

/** First and last address of a block. */
function edges(block: string): [string, string] {
  const [addr, bits] = ipaddr.parseCIDR(block);
  const bytes = addr.toByteArray();
  const last = bytes.map((b, i) => {
    const hostBits = Math.max(0, Math.min(8, (i + 1) * 8 - bits));
    return b | ((1 << hostBits) - 1);
  });
  return [ipaddr.fromByteArray(bytes).toString(), ipaddr.fromByteArray(last).toString()];
}

describe('one test per IANA special-purpose block (dated data, Boulder iana/data)', () => {
  it.each([...IANA_IPV4_SPECIAL, ...IANA_IPV6_SPECIAL].map((r) => [r.block, r] as const))(
    '%s',
    (block, row) => {
      for (const a of edges(block)) {
        const got = caReservedBlock(a);
        expect(got).toBeDefined();
        // The most specific block wins, as Boulder sorts them; it lies inside this row's block.
        const [net0, bits] = ipaddr.parseCIDR(block);
        const [hit, hitBits] = ipaddr.parseCIDR(got!.block);
        expect(hitBits).toBeGreaterThanOrEqual(bits);
        expect(hit.match(net0, bits)).toBe(true);
        if (got!.block === block)
          expect(got!.message).toBe(`IP address is in a reserved address block: ${row.rfc}: ${row.name}`);
      }
    },
  );

  it('has RFC 9780 100:0:0:1::/64 next to the discard-only 100::/64', () => {
    expect(caReservedBlock('100:0:0:1::1')?.name).toBe('Dummy IPv6 Prefix');
    expect(caReservedBlock('100::1')?.name).toBe('Discard-Only Address Block');
    expect(caReservedBlock('100:0:0:2::1')).toBeUndefined();
  });

  it('treats multicast as the CA does: not reserved, yet never connected to', () => {
    for (const a of ['224.0.0.1', '239.255.255.250', 'ff02::1', 'ff05::1:3']) {
      expect(caReservedBlock(a)).toBeUndefined();
      expect(projectRefusal(a)?.reason).toBe('multicast');
      expect(reservedRange(a, LAB)).toBeDefined();
    }
  });
});

const FORMS: Record<EmbeddingForm, (v4: string) => string> = {
  mapped: (v4) => `::ffff:${v4}`,
  compatible: (v4) => `::${v4}`,
  nat64: (v4) => `64:ff9b::${v4}`,
  '6to4': (v4) => {
    const b = ipaddr.parse(v4).toByteArray();
    const h = (x: number, y: number): string => ((x << 8) | y).toString(16);
    return `2002:${h(b[0]!, b[1]!)}:${h(b[2]!, b[3]!)}::1`;
  },
  'teredo-server': (v4) => {
    const b = ipaddr.parse(v4).toByteArray();
    const h = (x: number, y: number): string => ((x << 8) | y).toString(16);
    return `2001:0:${h(b[0]!, b[1]!)}:${h(b[2]!, b[3]!)}:0:0:808:808`;
  },
  'teredo-client': (v4) => {
    const b = ipaddr
      .parse(v4)
      .toByteArray()
      .map((x) => x ^ 0xff);
    const h = (x: number, y: number): string => ((x << 8) | y).toString(16);
    return `2001:0:808:808:0:0:${h(b[0]!, b[1]!)}:${h(b[2]!, b[3]!)}`;
  },
};
/** Edges and a middle address of 10/8, 127/8 and 169.254/16 (issue 19 point 3). */
const INNER = ['10.0.0.1', '10.255.255.254', '127.0.0.1', '127.1.2.3', '169.254.0.1', '169.254.169.254'];
const SPELLINGS = INNER.flatMap((v4) =>
  (Object.keys(FORMS) as EmbeddingForm[]).map((form) => [form, v4, FORMS[form](v4)] as const),
);

describe('every IPv6 spelling of a reserved IPv4 address is refused', () => {
  it.each(SPELLINGS)('%s %s = %s', (form, v4, v6) => {
    expect(embeddedIpv4(v6)).toContainEqual({ form, ipv4: v4 });
    // Even with loopback allowed (labs), an IPv6 spelling of it is not.
    expect(reservedRange(v6, LAB)).toBeDefined();
  });

  it('refuses the deprecated IPv4-compatible block ::/96 although the CA does not', () => {
    expect(caReservedBlock('::8.8.8.8')).toBeUndefined();
    expect(projectRefusal('::8.8.8.8')?.reason).toBe('ipv4-compatible');
    expect(caReservedBlock('::169.254.169.254')).toBeUndefined();
    expect(projectRefusal('::169.254.169.254')?.reason).toBe('embeds-reserved-ipv4');
  });
});

describe('connect() trace: no attempt to any spelling', () => {
  let P = 0;
  let T = 0;
  const spellings = SPELLINGS.map(([, , v6]) => v6);
  beforeAll(async () => {
    P = await freePort('127.0.0.2');
    T = await freePort('127.0.0.2');
    await httpServer('127.0.0.2', P, (req, res) => {
      const n = Number(/^\/to\/(\d+)$/.exec(req.url ?? '')?.[1] ?? -1);
      if (n >= 0) {
        res.writeHead(302, { location: `http://[${spellings[n]}]/latest/meta-data/` });
        return res.end();
      }
      res.statusCode = 404;
      res.end();
    });
  });
  afterAll(closeAll);

  it('HTTP, TLS, DNS answers and redirects never reach connect()', async () => {
    const profile = labProfile(P, T);
    const trace = jest.spyOn(net.Socket.prototype, 'connect');
    try {
      const names: Record<string, { v4?: string[]; v6?: string[] }> = {};
      spellings.forEach((a, i) => (names[`n${i}.example.com`] = { v6: [a] }));
      const deps = { profile, resolveAddresses: table({ ...names, 'example.com': { v4: ['127.0.0.2'] } }) };
      for (const [i, a] of spellings.entries()) {
        const raw = await rawGet({
          address: a,
          port: P,
          hostHeader: 'x',
          path: '/',
          userAgent: 'test',
          dialMs: 200,
          deadline: Date.now() + 500,
          maxHeaderBytes: 1024,
          maxBodyBytes: 128,
          allow: profile.allowAddresses,
        });
        expect(raw.outcome).toBe('reserved');
        const t = await tlsHandshake({
          address: a,
          port: T,
          dialMs: 200,
          timeoutMs: 200,
          allow: profile.allowAddresses,
        });
        expect(t.outcome).not.toBe('ok');
        const viaDns = await fetchLikeCa(`http://n${i}.example.com/.well-known/acme-challenge/t`, deps);
        expect(viaDns.ok).toBe(false);
        const viaRedirect = await fetchLikeCa(`http://example.com/to/${i}`, deps);
        expect(viaRedirect.ok).toBe(false);
        expect(viaRedirect.redirects).toEqual([]);
      }
      // net.connect() hands Socket#connect its normalised arguments as one array.
      const targets = trace.mock.calls.map((args) => {
        const first = args[0] as unknown;
        const o = (Array.isArray(first) ? first[0] : first) as { host?: string } | number;
        return typeof o === 'object' ? String(o.host) : String(args[1]);
      });
      // The redirecting lab server was reached; none of the spellings was.
      expect(targets.filter((h) => h === '127.0.0.2').length).toBe(spellings.length);
      for (const a of spellings) {
        const canonical = ipaddr.parse(a).toString();
        expect(
          targets.filter((h) => h === a || (h.includes(':') && ipaddr.parse(h).toString() === canonical)),
        ).toEqual([]);
      }
    } finally {
      trace.mockRestore();
    }
  });
});
