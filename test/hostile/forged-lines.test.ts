/**
 * No forged output, end to end: hostile servers put a newline, CR, ANSI and C1 escapes, bidi controls and
 * line separators into a TXT value, a CAA value and an HTTP Server: header. The reports of preflight()
 * go through every renderer (text with and without colour, verbose, Markdown, JSON, annotations, the
 * Action's job summary, log and pull-request comment), and the built CLI prints them (text, Markdown,
 * JSON). No line may start with the forged verdict, none may hold an unsafe character, and JSON must keep
 * the value exactly. The hostile data must reach the report (so each row can fail).
 */
import net from 'node:net';
import nock from 'nock';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { preflight } from '../../src/engine/preflight.js';
import { buildReport, type Report } from '../../src/report/report.js';
import { argsForProfile } from '../../src/config/profile.js';
import { authority, reply } from './servers.js';
import { fakeGitHub } from '../github/fake-github.js';
import { runLocally } from '../github/harness.js';
import {
  NAME_DEADLINE_MS,
  UNSAFE,
  builtCli,
  forbidden,
  measure,
  renderings,
  startWorld,
  traceSockets,
  type ChildRun,
  type World,
} from './world.js';

const FORGED = 'PASS  all checks ok, issuance will succeed';
/** [what, value]: each way to start a line, rewrite the terminal or reorder text. */
const VALUES: [string, string][] = [
  ['newline', `v=1\n${FORGED}`],
  ['carriage return', `v=1\r${FORGED}`],
  ['CR LF', `v=1\r\n${FORGED}`],
  ['ANSI clear screen', `v=1\u001b[2J\u001b[H${FORGED}`],
  ['C1 CSI', `v=1\u009b2J${FORGED}`],
  ['bidi override', `v=1 \u202e${FORGED}\u202c`],
  ['line separator', `v=1\u2028${FORGED}`],
  ['backspaces', `v=1${'\b'.repeat(3)}${FORGED}`],
];
/** A Server: header cannot hold CR LF (it ends the header); a bare LF or CR, escapes and bidi can. */
const HEADER_VALUES = VALUES.filter(([what]) => what !== 'CR LF');

const ZONE = 'forge.test';
const DNS_AT = '127.19.7.1';
const webAt = (i: number): string => `127.19.7.${i + 10}`;
const txtName = (i: number): string => `t${i}.${ZONE}`;
const caaName = (i: number): string => `c${i}.${ZONE}`;
const webName = (i: number): string => `w${i}.test`;
const BOUND_MS = NAME_DEADLINE_MS + 6000;

/** Where each name's hostile value should surface. */
interface Row {
  what: string;
  value: string;
  name: string;
  challenge: 'dns-01' | 'http-01';
}
const ROWS: Row[] = [
  ...VALUES.map(([what, value], i) => ({
    what: `TXT ${what}`,
    value,
    name: txtName(i),
    challenge: 'dns-01' as const,
  })),
  ...VALUES.map(([what, value], i) => ({
    what: `CAA ${what}`,
    value,
    name: caaName(i),
    challenge: 'dns-01' as const,
  })),
  ...HEADER_VALUES.map(([what, value], i) => ({
    what: `Server: ${what}`,
    value,
    name: webName(i),
    challenge: 'http-01' as const,
  })),
];

const lines = (out: string): string[] => out.split('\n');
function expectNoForgery(where: string, out: string): void {
  for (const line of lines(out)) {
    if (line.trimStart().startsWith(FORGED))
      throw new Error(`${where}: a forged line: ${JSON.stringify(line)}`);
    if (UNSAFE.test(line)) throw new Error(`${where}: an unsafe character in ${JSON.stringify(line)}`);
  }
}
/** The value's visible part (what follows the control characters) reached the output. */
const shown = (out: string): boolean => out.includes('all checks ok, issuance will succeed');

describe('forged lines from hostile DNS and HTTP data, through every renderer and the built CLI', () => {
  let world: World;
  let trace: ReturnType<typeof traceSockets>;
  const reports = new Map<string, Report>();
  const costs = new Map<string, number>();
  const cliRuns = new Map<string, ChildRun>();

  beforeAll(async () => {
    const good = authority(ZONE, DNS_AT);
    world = await startWorld({
      records: [
        `${ZONE}. 300 IN NS ns.${ZONE}.`,
        `ns.${ZONE}. 300 IN A ${DNS_AT}`,
        ...HEADER_VALUES.map((_, i) => `${webName(i)}. 300 IN A ${webAt(i)}`),
      ],
      dns: [
        {
          address: DNS_AT,
          udp: (q, send) => {
            const name = (q.questions?.[0]?.name ?? '').toLowerCase();
            const type = q.questions?.[0]?.type;
            const t = /^_acme-challenge\.t(\d+)\.forge\.test$/.exec(name);
            if (t && type === 'TXT')
              return send(
                reply(q, {
                  answers: [{ name, type: 'TXT', ttl: 60, data: [Buffer.from(VALUES[+t[1]!]![1])] }],
                }),
              );
            const c = /^c(\d+)\.forge\.test$/.exec(name);
            if (c && type === 'CAA')
              return send(
                reply(q, {
                  answers: [
                    {
                      name,
                      type: 'CAA',
                      ttl: 60,
                      data: { flags: 0, tag: 'issue', value: VALUES[+c[1]!]![1] },
                    },
                  ],
                }),
              );
            if ((t || c) && !name.startsWith('_')) return send(reply(q, {}));
            send(good(q));
          },
        },
      ],
      http: HEADER_VALUES.map(([, value], i) => ({
        address: webAt(i),
        onConn: (c: net.Socket) =>
          c.once('data', () =>
            c.end(
              Buffer.from(
                `HTTP/1.1 403 Forbidden\r\nServer: ${value}\r\nContent-Length: ${Buffer.byteLength(value)}\r\n\r\n${value}`,
                'utf8',
              ),
            ),
          ),
      })),
    });
    trace = traceSockets();
    await Promise.all(
      ROWS.map(async (row) => {
        const { value, ms } = await measure(() =>
          preflight([row.name], {
            profile: world.profile,
            challenge: row.challenge,
            skip: row.challenge === 'http-01' ? ['caa', 'delegation', 'propagation', 'dnssec'] : ['dnssec'],
          }),
        );
        reports.set(row.what, value);
        costs.set(row.what, ms);
      }),
    );
    trace.restore();
    // The built CLI, each format, all names of a challenge in one run.
    for (const format of ['text', 'markdown', 'json'])
      for (const challenge of ['dns-01', 'http-01'] as const)
        cliRuns.set(
          `${format} ${challenge}`,
          await builtCli(
            [
              'check',
              ...ROWS.filter((r) => r.challenge === challenge).map((r) => r.name),
              '--challenge',
              challenge,
              '--format',
              format,
              '--verbose',
              ...argsForProfile(world.profile),
              '--skip',
              'dnssec',
            ],
            60_000,
          ),
        );
  }, 180_000);

  afterAll(async () => {
    trace?.restore();
    await world?.stop();
  });

  it.each(ROWS.map((r) => [r.what] as const))('%s: every in-process renderer', (what) => {
    const report = reports.get(what)!;
    expect(costs.get(what)).toBeLessThan(BOUND_MS);
    const outs = renderings(report);
    // The hostile data reached the report (so the row can fail): every rendering shows it, escaped.
    for (const where of ['text -v', 'markdown', 'json'])
      expect([where, shown(outs[where]!)]).toEqual([where, true]);
    expect(shown(outs.text! + outs.annotations!)).toBe(true);
    for (const [where, out] of Object.entries(outs)) expectNoForgery(where, out);
  });

  it('the Action: job summary, log, annotations and the pull-request comment', async () => {
    nock.disableNetConnect();
    try {
      const all = [...reports.values()];
      const merged = buildReport({
        version: '0.0.0',
        ca: all[0]!.ca,
        identifiers: all.flatMap((r) => r.identifiers),
        orderFindings: [],
        durationMs: 1,
        dnsQueries: 1,
      });
      const gh = fakeGitHub();
      const run = await runLocally({ report: merged, inputs: { names: ROWS.map((r) => r.name).join(' ') } });
      expect(run.result.comment).toBe('created');
      const body = gh.requests.find((r) => r.method === 'POST')!.body!.body!;
      expect(shown(run.summary)).toBe(true);
      expect(shown(body)).toBe(true);
      expectNoForgery('summary', run.summary);
      expectNoForgery('comment', body);
      // The log carries the annotations as workflow commands; @actions/core escapes their own newlines.
      expectNoForgery('log', run.stdout);
      const json = readFileSync(run.result.jsonPath!, 'utf8');
      expectNoForgery('json-path file', json);
    } finally {
      nock.cleanAll();
      nock.enableNetConnect();
    }
  });

  it.each(['text', 'markdown', 'json'].flatMap((f) => [`${f} dns-01`, `${f} http-01`]))(
    'the built CLI, --format %s',
    (key) => {
      const run = cliRuns.get(key)!;
      expect(run.killed).toBe(false);
      expect(run.code).toBe(1);
      expect(shown(run.stdout)).toBe(true);
      expectNoForgery('stdout', run.stdout);
      expectNoForgery('stderr', run.stderr);
      expect(run.maxRssKb).toBeLessThan(200 * 1024);
      expect(forbidden(run.targets, world.addresses)).toEqual([]);
      if (key.startsWith('json')) expect(() => JSON.parse(run.stdout) as unknown).not.toThrow();
    },
  );

  it('nothing but the world was contacted', () => {
    expect(trace.targets().length).toBeGreaterThan(ROWS.length);
    expect(forbidden(trace.targets(), world.addresses)).toEqual([]);
  });
});
