/**
 * The issue's own case: 4,094 A records, as many as one 65,535-byte TCP DNS message holds when every
 * owner name is a 2-byte compression pointer. A hostile server answers UDP with TC and TCP with that
 * message. Before the fan-out cap the tool made 8,191 connect() calls for it; now it dials the CA's
 * address and at most OTHER_ADDRESS_PROBES others, says how many it left out, ends within the name
 * deadline, and the built CLI stays under 200 MB.
 */
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { preflight } from '../../src/engine/preflight.js';
import { OTHER_ADDRESS_PROBES } from '../../src/checks/fan-out.js';
import { argsForProfile } from '../../src/config/profile.js';
import type { Report } from '../../src/report/report.js';
import { authority, dnsOverTcp, reply } from './servers.js';
import {
  NAME_DEADLINE_MS,
  builtCli,
  expectWellFormed,
  forbidden,
  measure,
  startWorld,
  traceSockets,
  type ChildRun,
  type Cost,
  type World,
} from './world.js';

const COUNT = 4094;
const ZONE = 'fan.test';
const NAME = `many.${ZONE}`;
const DNS_AT = '127.19.8.1';
/** 127.20.0.1 … in DNS order; nothing listens beyond the first two, so a stray dial is refused at once. */
const addressOf = (i: number): string => `127.20.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const BOUND_MS = NAME_DEADLINE_MS + 6000;

/** The answer to "A many.fan.test" with COUNT records, each owner a pointer to the question's name. */
function hugeAnswer(q: dnsPacket.DecodedPacket): Buffer {
  const head = reply(q, {});
  const records = Buffer.alloc(COUNT * 16);
  for (let i = 0; i < COUNT; i++) {
    const o = i * 16;
    records.writeUInt16BE(0xc00c, o);
    records.writeUInt16BE(1, o + 2); // A
    records.writeUInt16BE(1, o + 4); // IN
    records.writeUInt32BE(300, o + 6);
    records.writeUInt16BE(4, o + 10);
    for (const [k, part] of addressOf(i).split('.').entries()) records[o + 12 + k] = Number(part);
  }
  const out = Buffer.concat([head, records]);
  out.writeUInt16BE(COUNT, 6);
  return out;
}

const isMany = (q: dnsPacket.DecodedPacket, type: string): boolean =>
  (q.questions?.[0]?.name ?? '').toLowerCase() === NAME && q.questions?.[0]?.type === type;

describe(`bounded fan-out over ${COUNT} addresses in one TCP message`, () => {
  let world: World;
  let trace: ReturnType<typeof traceSockets>;
  const runs = new Map<string, Cost<Report>>();
  let child: ChildRun;

  beforeAll(async () => {
    const good = authority(ZONE, DNS_AT);
    const answer = (q: dnsPacket.DecodedPacket): Buffer =>
      isMany(q, 'A') ? hugeAnswer(q) : isMany(q, 'AAAA') || isMany(q, 'CAA') ? reply(q, {}) : good(q);
    world = await startWorld({
      records: [`${ZONE}. 300 IN NS ns.${ZONE}.`, `ns.${ZONE}. 300 IN A ${DNS_AT}`],
      dns: [
        {
          address: DNS_AT,
          udp: (q, send) => {
            if (!isMany(q, 'A')) return send(answer(q));
            const tc = reply(q, {});
            tc.writeUInt16BE(tc.readUInt16BE(2) | 0x0200, 2);
            send(tc);
          },
          tcp: dnsOverTcp((q, send) => send(answer(q))),
        },
      ],
      // The CA's address and one other answer, differently, so the "addresses differ" diagnosis has work.
      http: [0, 1].map((i) => ({
        address: addressOf(i),
        onConn: (c: net.Socket) =>
          c.once('data', () =>
            c.end(`HTTP/1.1 ${i === 0 ? 404 : 500} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`),
          ),
      })),
    });
    // Only the two listeners count as the world's; the rest of 127.20/16 is what must not be dialled.
    expect(
      hugeAnswer(dnsPacket.decode(dnsPacket.encode({ id: 1, questions: [{ name: NAME, type: 'A' }] })))
        .length,
    ).toBe(65535);
    trace = traceSockets();
    for (const challenge of ['http-01', 'tls-alpn-01'] as const)
      runs.set(
        challenge,
        await measure(() =>
          preflight([NAME], { profile: world.profile, challenge, skip: ['propagation', 'dnssec'] }),
        ),
      );
    trace.restore();
    child = await builtCli(
      [
        'check',
        NAME,
        '--format',
        'json',
        ...argsForProfile(world.profile),
        '--skip',
        'propagation',
        '--skip',
        'dnssec',
      ],
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    trace?.restore();
    await world?.stop();
  });

  const dialled = (targets: { proto: string; host: string }[]): Set<string> =>
    new Set(targets.filter((t) => t.proto === 'tcp' && t.host.startsWith('127.20.')).map((t) => t.host));

  it.each(['http-01', 'tls-alpn-01'])(
    '%s: ends in time, the CA’s address first, the rest counted',
    (challenge) => {
      const { value: report, ms } = runs.get(challenge)!;
      expect(ms).toBeLessThan(BOUND_MS);
      expectWellFormed(report);
      const findings = report.identifiers[0]!.findings;
      // All 4,094 were read (the message was decoded, not dropped) and all but the probed ones left out.
      const probed = 1 + OTHER_ADDRESS_PROBES;
      const notProbed = findings.filter((f) => f.code === 'ADDRESSES_NOT_PROBED');
      expect(notProbed.length).toBeGreaterThan(0);
      for (const f of notProbed) expect(f.detail).toContain(`${COUNT - probed} of the name's ${COUNT}`);
    },
  );

  it(`no more than ${1 + OTHER_ADDRESS_PROBES} of the ${COUNT} addresses were dialled, by either challenge`, () => {
    const hosts = dialled(trace.targets());
    expect(hosts).toContain(addressOf(0));
    expect(hosts.size).toBeLessThanOrEqual(1 + OTHER_ADDRESS_PROBES);
    // Each probed address costs a handful of connects (HTTP, TLS, a legacy TLS retry), never thousands.
    const connects = trace.targets().filter((t) => t.proto === 'tcp' && t.host.startsWith('127.20.')).length;
    expect(connects).toBeLessThanOrEqual(2 * 4 * (1 + OTHER_ADDRESS_PROBES));
    expect(forbidden(trace.targets(), [...world.addresses, ...hosts])).toEqual([]);
  });

  it('the built CLI: same cap, ends by itself, peak RSS under 200 MB', () => {
    expect(child.killed).toBe(false);
    expect(child.ms).toBeLessThan(BOUND_MS + 5000);
    expect(child.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(child.maxRssKb).toBeLessThan(200 * 1024);
    const report = JSON.parse(child.stdout) as Report;
    expect(report.identifiers[0]!.findings.map((f) => f.code)).toContain('ADDRESSES_NOT_PROBED');
    const hosts = dialled(child.targets);
    expect(hosts.size).toBeGreaterThan(0);
    expect(hosts.size).toBeLessThanOrEqual(1 + OTHER_ADDRESS_PROBES);
    expect(forbidden(child.targets, [...world.addresses, ...hosts])).toEqual([]);
  });
});
