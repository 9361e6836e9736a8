/**
 * Every IPv6 embedding of a reserved IPv4 address (mapped, compatible, NAT64 well-known prefix, 6to4,
 * Teredo server and client) for 10.0.0.0/8, 127.0.0.0/8 and 169.254.0.0/16, through preflight(): as a
 * name's only AAAA record (HTTP-01 and TLS-ALPN-01), as a redirect target, and as a zone's only
 * nameserver glue. The world listens on IPv4 only, so the connect()/send() trace must hold no IPv6
 * destination at all (a mapped spelling of a world address included), and nothing outside the world.
 */
import net from 'node:net';
import ipaddr from 'ipaddr.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { preflight } from '../../src/engine/preflight.js';
import type { Challenge } from '../../src/report/finding.js';
import type { Report } from '../../src/report/report.js';
import { canonicalIp, type EmbeddingForm } from '../../src/net/reserved.js';
import {
  inPool,
  NAME_DEADLINE_MS,
  expectWellFormed,
  forbidden,
  measure,
  startWorld,
  traceSockets,
  type Cost,
  type World,
} from './world.js';

const hex = (b: number[], i: number): string => ((b[i]! << 8) | b[i + 1]!).toString(16);
const bytes = (v4: string): number[] => ipaddr.parse(v4).toByteArray();
const FORMS: Record<EmbeddingForm, (v4: string) => string> = {
  mapped: (v4) => `::ffff:${v4}`,
  compatible: (v4) => `::${v4}`,
  nat64: (v4) => `64:ff9b::${v4}`,
  '6to4': (v4) => `2002:${hex(bytes(v4), 0)}:${hex(bytes(v4), 2)}::1`,
  'teredo-server': (v4) => `2001:0:${hex(bytes(v4), 0)}:${hex(bytes(v4), 2)}:0:0:808:808`,
  'teredo-client': (v4) => {
    const b = bytes(v4).map((x) => x ^ 0xff);
    return `2001:0:808:808:0:0:${hex(b, 0)}:${hex(b, 2)}`;
  },
};
/** The world's own web server (127.19.9.1) is among them: loopback is allowed to the lab, its IPv6 spellings are not. */
const WEB = '127.19.9.1';
const INNER = ['10.0.0.1', '10.255.255.254', '127.0.0.1', WEB, '169.254.0.1', '169.254.169.254'];
const SPELLINGS = INNER.flatMap((v4) =>
  (Object.keys(FORMS) as EmbeddingForm[]).map((form) => ({ form, v4, v6: FORMS[form](v4) })),
);
const BOUND_MS = NAME_DEADLINE_MS + 6000;

type Kind = 'AAAA http-01' | 'AAAA tls-alpn-01' | 'redirect' | 'glue';
const KINDS: Kind[] = ['AAAA http-01', 'AAAA tls-alpn-01', 'redirect', 'glue'];
const nameFor = (kind: Kind, i: number): string =>
  kind.startsWith('AAAA') ? `a${i}.test` : kind === 'redirect' ? `r${i}.test` : `www.g${i}.test`;

describe('reserved IPv4 embedded in IPv6, every form, through preflight()', () => {
  let world: World;
  let trace: ReturnType<typeof traceSockets>;
  const runs = new Map<string, Cost<Report>>();

  beforeAll(async () => {
    world = await startWorld({
      records: SPELLINGS.flatMap(({ v6 }, i) => [
        `a${i}.test. 300 IN AAAA ${v6}`,
        `r${i}.test. 300 IN A ${WEB}`,
        `g${i}.test. 300 IN NS ns.g${i}.test.`,
        `ns.g${i}.test. 300 IN AAAA ${v6}`,
      ]),
      http: [
        {
          address: WEB,
          onConn: (c: net.Socket) =>
            c.once('data', (d: Buffer) => {
              const i = Number(/\r\nHost: r(\d+)\.test/i.exec(d.toString('latin1'))?.[1] ?? -1);
              const to = SPELLINGS[i];
              c.end(
                to
                  ? `HTTP/1.1 302 Found\r\nLocation: http://[${to.v6}]/.well-known/acme-challenge/x\r\nContent-Length: 0\r\n\r\n`
                  : 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n',
              );
            }),
        },
      ],
    });
    trace = traceSockets();
    const challengeOf = (k: Kind): Challenge =>
      k === 'AAAA tls-alpn-01' ? 'tls-alpn-01' : k === 'glue' ? 'dns-01' : 'http-01';
    await inPool(
      KINDS.flatMap((kind) =>
        SPELLINGS.map((_, i) => async () => {
          runs.set(
            `${kind} ${i}`,
            await measure(() =>
              preflight([nameFor(kind, i)], {
                profile: world.profile,
                challenge: challengeOf(kind),
                skip: kind === 'glue' ? ['dnssec'] : ['caa', 'delegation', 'propagation', 'dnssec'],
              }),
            ),
          );
        }),
      ),
    );
    trace.restore();
  }, 120_000);

  afterAll(async () => {
    trace?.restore();
    await world?.stop();
  });

  const cases = KINDS.flatMap((kind) => SPELLINGS.map((s, i) => [kind, s.form, s.v4, s.v6, i] as const));
  it.each(cases)('%s: %s of %s (%s)', (kind, _form, _v4, v6, i) => {
    const { value: report, ms } = runs.get(`${kind} ${i}`)!;
    expect(ms).toBeLessThan(BOUND_MS);
    expectWellFormed(report);
    expect(report.identifiers[0]!.verdict).toBe('fail');
    // The refusal names the address it refused, as written or canonical, so no row passes for another reason.
    const said = report.identifiers[0]!.findings.map((f) => `${f.detail} ${JSON.stringify(f.evidence)}`).join(
      '\n',
    );
    expect(said).toMatch(/reserved|embeds/);
    expect(said.includes(v6) || said.includes(canonicalIp(v6)!)).toBe(true);
  });

  it('no connect() or packet to any IPv6 spelling, and nothing outside the world', () => {
    const targets = trace.targets();
    // The redirect rows reached the world's web server (the trace sees connects that did happen).
    expect(targets.some((t) => t.proto === 'tcp' && t.host === WEB)).toBe(true);
    expect(targets.filter((t) => t.host.includes(':'))).toEqual([]);
    expect(forbidden(targets, world.addresses)).toEqual([]);
  });
});
