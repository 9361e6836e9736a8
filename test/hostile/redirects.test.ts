/**
 * Every known way to spell a reserved address (169.254.169.254 above all), in a redirect Location and as
 * the identifier itself: decimal, octal, hex and short IPv4 forms, names that resolve to it (nip.io
 * style), IPv4-mapped, -compatible, NAT64 and 6to4 IPv6 forms, zone ids, userinfo, odd ports, fullwidth
 * digits, scheme-relative and opaque URLs. Each redirect row has its own web server (xN.test at
 * 127.19.5.(N+1)) answering 302 with the row's Location; preflight() must refuse without a connect()
 * to anything but the world, within BOUND_MS, with the refusal in the findings.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { preflight } from '../../src/engine/preflight.js';
import type { Report } from '../../src/report/report.js';
import {
  NAME_DEADLINE_MS,
  expectWellFormed,
  forbidden,
  measure,
  startWorld,
  traceSockets,
  type Cost,
  type World,
} from './world.js';

const BOUND_MS = NAME_DEADLINE_MS + 6000;

/** [what, Location]. */
const LOCATIONS: [string, string][] = [
  ['dotted quad', 'http://169.254.169.254/latest/meta-data/'],
  ['decimal', 'http://2852039166/latest/meta-data/'],
  ['hex', 'http://0xA9FEA9FE/'],
  ['octal', 'http://0251.0376.0251.0376/'],
  ['hex per byte', 'http://0xa9.0xfe.0xa9.0xfe/'],
  ['short form a.b.c', 'http://169.254.43518/'],
  ['short form a.b', 'http://169.16689662/'],
  ['a name that resolves to it (nip.io style)', 'http://169.254.169.254.nip.test/'],
  ['a name whose only address is ::ffff:169.254.169.254', 'http://meta6.nip.test/'],
  ['IPv4-mapped hex', 'http://[::ffff:a9fe:a9fe]/'],
  ['IPv4-mapped dotted', 'http://[::ffff:169.254.169.254]/'],
  ['IPv4-compatible', 'http://[::169.254.169.254]/'],
  ['NAT64 well-known prefix', 'http://[64:ff9b::a9fe:a9fe]/'],
  ['6to4', 'http://[2002:a9fe:a9fe::1]/'],
  ['link-local with a zone id', 'http://[fe80::a9fe:a9fe%25eth0]/'],
  ['IPv4-mapped loopback of a world server', 'http://[::ffff:127.19.5.1]/'],
  ['RFC 1918', 'http://10.0.0.1/'],
  ['0', 'http://0/'],
  ['0.0.0.0', 'http://0.0.0.0/'],
  ['localhost', 'http://localhost/'],
  ['metadata.google.internal', 'http://metadata.google.internal/computeMetadata/v1/'],
  ['userinfo before the address', 'http://user:pass@169.254.169.254/'],
  ['a public-looking userinfo', 'http://x1.test@169.254.169.254/'],
  ['explicit port 80', 'http://169.254.169.254:80/'],
  ['port 8080', 'http://169.254.169.254:8080/'],
  ['https, IPv4-mapped', 'https://[::ffff:a9fe:a9fe]/'],
  [
    'fullwidth digits',
    'http://\uff11\uff16\uff19\uff0e\uff12\uff15\uff14\uff0e\uff11\uff16\uff19\uff0e\uff12\uff15\uff14/',
  ],
  ['scheme-relative', '//169.254.169.254/'],
  ['opaque http:169.254.169.254', 'http:169.254.169.254'],
  ['a backslash before @', 'http://169.254.169.254\\@x1.test/'],
];

/** Identifiers spelled as the address itself: a clear refusal (policy error or usage error), no connect. */
const IDENTIFIERS = [
  '169.254.169.254',
  '::ffff:169.254.169.254',
  '::ffff:a9fe:a9fe',
  '::169.254.169.254',
  '64:ff9b::a9fe:a9fe',
  'fe80::1%eth0',
  '2852039166',
  '0xA9FEA9FE',
  '0251.0376.0251.0376',
  '169.254.169.254.nip.test',
];

const nameOf = (i: number): string => `x${i}.test`;
const addressOf = (i: number): string => `127.19.5.${i + 1}`;
const text = (r: Report): string =>
  r.identifiers
    .flatMap((i) => i.findings.map((f) => `${f.code} ${f.detail} ${JSON.stringify(f.evidence)}`))
    .join('\n');

describe('reserved addresses in every spelling', () => {
  let world: World;
  let trace: ReturnType<typeof traceSockets>;
  const redirects = new Map<number, Cost<Report>>();
  const identifiers = new Map<string, Cost<Report | Error>>();

  beforeAll(async () => {
    world = await startWorld({
      records: [
        ...LOCATIONS.map((_, i) => `${nameOf(i)}. 300 IN A ${addressOf(i)}`),
        '169.254.169.254.nip.test. 300 IN A 169.254.169.254',
        'meta6.nip.test. 300 IN AAAA ::ffff:169.254.169.254',
      ],
      http: LOCATIONS.map(([, location], i) => ({
        address: addressOf(i),
        onConn: (c: net.Socket) =>
          c.once('data', () =>
            c.end(`HTTP/1.1 302 Found\r\nLocation: ${location}\r\nContent-Length: 0\r\n\r\n`, 'utf8'),
          ),
      })),
    });
    trace = traceSockets();
    await Promise.all([
      ...LOCATIONS.map(async (_, i) => {
        redirects.set(
          i,
          await measure(() =>
            preflight([nameOf(i)], {
              profile: world.profile,
              challenge: 'http-01',
              skip: ['caa', 'delegation', 'propagation', 'dnssec'],
            }),
          ),
        );
      }),
      ...IDENTIFIERS.flatMap((id) =>
        (['http-01', 'tls-alpn-01'] as const).map(async (challenge) => {
          identifiers.set(
            `${id} ${challenge}`,
            await measure(() =>
              preflight([id], { profile: world.profile, challenge }).catch((e: unknown) => e as Error),
            ),
          );
        }),
      ),
    ]);
  }, 120_000);

  afterAll(async () => {
    trace?.restore();
    await world?.stop();
  });

  it.each(LOCATIONS.map(([what, location], i) => [what, location, i] as const))(
    'redirect to %s: %s',
    (_what, _location, i) => {
      const { value: report, ms } = redirects.get(i)!;
      expect(ms).toBeLessThan(BOUND_MS);
      expectWellFormed(report);
      expect(report.identifiers[0]!.verdict).toBe('fail');
      // The redirect was seen (the row's server answered) and refused, or its target had no usable address.
      expect(text(report)).toMatch(/HTTP01_(REDIRECT_INVALID|NO_ADDRESSES|CONNECTION_ERROR)/);
      expect(text(report)).toMatch(/redirect|reserved|no valid IP/i);
    },
  );

  it.each(IDENTIFIERS.flatMap((id) => [`${id} http-01`, `${id} tls-alpn-01`]))('identifier %s', (key) => {
    const { value, ms } = identifiers.get(key)!;
    expect(ms).toBeLessThan(BOUND_MS);
    if (value instanceof Error) {
      // Refused before any lookup: one clear line, no stack.
      expect(value.name).toBe('UsageError');
      expect(value.message).not.toMatch(/\n/);
      return;
    }
    expectWellFormed(value);
    expect(value.verdict).toBe('fail');
  });

  it('no connect() or packet to any spelling: only the world was contacted', () => {
    const targets = trace.targets();
    // Each row's server was reached (the trace sees the connects that did happen).
    for (const [, i] of LOCATIONS.map((l, k) => [l, k] as const))
      expect(targets.some((t) => t.proto === 'tcp' && t.host === addressOf(i))).toBe(true);
    expect(forbidden(targets, world.addresses)).toEqual([]);
    // The world listens on IPv4 only: an IPv6 spelling of a world address is still an IPv6 connect.
    expect(targets.filter((t) => t.host.includes(':'))).toEqual([]);
  });
});
