import dnsPacket from 'dns-packet';
import {
  formatRecord,
  parseRecord,
  PresentationError,
  base32hexDecode,
  base32hexEncode,
} from '../../src/dns/presentation.js';
import type { DnsRecord } from '../../src/dns/types.js';
import { normalizeName } from '../../src/dns/names.js';

/** Encodes r with dns-packet and decodes it back, normalising like src/dns/transport.ts. */
function wire(r: DnsRecord): DnsRecord {
  const nameData = ['NS', 'CNAME', 'DNAME', 'PTR'].includes(r.type);
  const buf = dnsPacket.encode({
    type: 'response',
    id: 1,
    answers: [
      {
        name: r.name || '.',
        type: r.type,
        class: r.class,
        ttl: r.ttl,
        data: nameData && r.data === '' ? '.' : r.data,
      } as dnsPacket.Answer,
    ],
  });
  const a = dnsPacket.decode(buf).answers![0] as {
    name: string;
    type: string;
    class: string;
    ttl: number;
    data: unknown;
  };
  const data = nameData ? normalizeName(String(a.data)) : a.data;
  return { name: normalizeName(a.name), type: a.type, class: a.class, ttl: a.ttl, data };
}

// Canonical presentation text: formatRecord(parseRecord(x)) === x.
const CANONICAL = [
  'example.test. 300 IN A 127.0.2.1',
  'example.test. 300 IN AAAA 2001:db8::1',
  'example.test. 86400 IN NS ns1.example.test.',
  'www.example.test. 60 IN CNAME example.test.',
  'example.test. 3600 IN SOA ns1.example.test. hostmaster.example.test. 2026112301 7200 3600 1209600 300',
  'example.test. 300 IN TXT "v=spf1 -all"',
  'example.test. 300 IN TXT "part one" "part \\"two\\"" "back\\\\slash"',
  'example.test. 300 IN TXT "caf\\195\\169"',
  'example.test. 300 IN CAA 0 issue "letsencrypt.org"',
  'example.test. 300 IN CAA 128 issuewild ";"',
  'example.test. 300 IN CAA 0 iodef "mailto:security@example.test"',
  'example.test. 300 IN MX 10 mail.example.test.',
  'example.test. 300 IN MX 0 .',
  '_acme._tcp.example.test. 300 IN SRV 10 5 443 host.example.test.',
  '1.2.0.127.in-addr.arpa. 300 IN PTR example.test.',
  'example.test. 3600 IN DS 12345 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE33E4AD7A1A4E5C3F0B3B6E12',
  'example.test. 3600 IN DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==',
  'example.test. 3600 IN RRSIG A 13 2 300 20261223000000 20261123000000 12345 example.test. AAECAwQFBgcICQ==',
  'example.test. 3600 IN NSEC www.example.test. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY CAA',
  '2vptu5timamqttgl4luu9kg21e0aor3s.example.test. 300 IN NSEC3 1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3T A RRSIG',
  'example.test. 0 IN NSEC3PARAM 1 0 10 AABBCCDD',
  '. 518400 IN NS a.root-servers.test.',
];

describe('presentation format', () => {
  it.each(CANONICAL)('round-trips %s through text and wire', (text) => {
    const r = parseRecord(text);
    expect(formatRecord(r)).toBe(text);
    expect(wire(r)).toEqual(r);
  });

  it('defaults TTL to 300 and class to IN, accepts either order, no trailing dot', () => {
    expect(parseRecord('example.test A 127.0.2.1')).toEqual({
      name: 'example.test',
      type: 'A',
      class: 'IN',
      ttl: 300,
      data: '127.0.2.1',
    });
    expect(parseRecord('Example.TEST. IN 60 a 127.0.2.1')).toMatchObject({
      name: 'example.test',
      ttl: 60,
      type: 'A',
    });
  });

  it('keeps TXT strings exactly as given, as Buffers', () => {
    const r = parseRecord('_acme-challenge.example.test. TXT "abc" "d\\"e" unquoted');
    expect((r.data as Buffer[]).map(String)).toEqual(['abc', 'd"e', 'unquoted']);
    expect(formatRecord(r)).toBe('_acme-challenge.example.test. 300 IN TXT "abc" "d\\"e" "unquoted"');
  });

  it('reads an AAAA with a dotted tail as written: ::a.b.c.d is IPv4-compatible, not IPv4-mapped', () => {
    const wire = (text: string): string => {
      const b = dnsPacket.encode({ type: 'response', answers: [parseRecord(text) as dnsPacket.Answer] });
      return b.subarray(b.length - 16).toString('hex');
    };
    expect(parseRecord('a.test. AAAA ::10.0.0.1').data).toBe('::a00:1');
    expect(wire('a.test. AAAA ::10.0.0.1')).toBe('0000000000000000000000000a000001');
    expect(wire('a.test. AAAA ::ffff:10.0.0.1')).toBe('00000000000000000000ffff0a000001');
    expect(wire('a.test. AAAA 64:ff9b::169.254.169.254')).toBe('0064ff9b0000000000000000a9fea9fe');
    expect(() => parseRecord('a.test. AAAA fe80::1%eth0')).toThrow(PresentationError);
    expect(() => parseRecord('a.test. AAAA 10.0.0.1')).toThrow(PresentationError);
  });

  it('parses CAA into the shape dns-packet decodes', () => {
    expect(parseRecord('example.test. CAA 128 issue "ca.test; accounturi=x"').data).toEqual({
      flags: 128,
      tag: 'issue',
      value: 'ca.test; accounturi=x',
      issuerCritical: true,
    });
  });

  it('accepts RFC 3597 generic rdata', () => {
    expect(parseRecord('example.test. TYPE65534 \\# 3 010203').data).toEqual(Buffer.from([1, 2, 3]));
    expect(parseRecord('example.test. A \\# 4 7F000001').data).toBe('127.0.0.1');
  });

  it('round-trips base32hex', () => {
    const b = Buffer.from('0123456789abcdef0123', 'utf8');
    expect(base32hexDecode(base32hexEncode(b))).toEqual(b);
  });

  it.each([
    ['example.test. A 300.1.1.1', 'not an IPv4 address'],
    ['example.test. MX mail.example.test.', 'MX needs 2'],
    ['example.test. TXT "open', 'unterminated'],
    ['example.test. WHATEVER 1', 'not supported'],
    ['@ A 127.0.0.1', 'fully qualified'],
    ['example.test.', 'expected'],
  ])('rejects %s', (text, message) => {
    expect(() => parseRecord(text)).toThrow(PresentationError);
    expect(() => parseRecord(text)).toThrow(message);
  });
});
