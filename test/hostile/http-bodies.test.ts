/**
 * Hostile web and TLS servers, one row each: slowloris (header and body trickle, TLS handshake stall),
 * endless and compressed bodies (the CA reads at most 128 bytes; nothing is decompressed), broken
 * framing, non-HTTP and non-TLS replies. Each name wN.test resolves (lab zone `test`) to 127.19.4.(N+1),
 * where the row's server listens on the world's HTTP and TLS ports. Rows run at once through preflight();
 * each ends within BOUND_MS (the 1.5 s HTTP budget and 4 s name deadline plus slack), in well-formed
 * findings, contacting only the world. The body rows also run through the built CLI in one child
 * process, whose peak RSS must stay under 200 MB and which is killed (a failure) if it does not end.
 */
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { preflight } from '../../src/engine/preflight.js';
import type { Report } from '../../src/report/report.js';
import type { Challenge } from '../../src/report/finding.js';
import { MAX_HEADER_BYTES } from '../../src/http/constants.js';
import { argsForProfile } from '../../src/config/profile.js';
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

const BOUND_MS = NAME_DEADLINE_MS + 6000;
/** The built CLI for all body rows at once: a hung parser is killed here. */
const CLI_KILL_MS = 30_000;
const RSS_BOUND_KB = 200 * 1024;

type Handler = (c: net.Socket) => void;

interface Row {
  what: string;
  http?: Handler;
  tls?: Handler;
  challenge?: Challenge;
  /** The finding that names what happened (a code prefix or pattern over codes and details). */
  shows: RegExp;
  /** Also run through the built CLI (bodies and framing: fast, and where memory matters). */
  cli?: boolean;
}

/** Answers the first request bytes with head, then runs more (for bodies). */
const onRequest =
  (head: string | Buffer, more?: (c: net.Socket) => void): Handler =>
  (c) =>
    c.once('data', () => {
      c.write(head);
      more?.(c);
    });
/** Writes chunk every ms until the peer goes away. */
function every(c: net.Socket, ms: number, chunk: () => Buffer | string): void {
  const t = setInterval(() => {
    if (c.destroyed || c.writableEnded) return clearInterval(t);
    c.write(chunk());
  }, ms);
  c.on('close', () => clearInterval(t));
}
/** Writes as fast as the socket drains, until the peer goes away. */
function flood(c: net.Socket, chunk: Buffer): void {
  const go = (): void => {
    while (!c.destroyed && c.write(chunk));
  };
  c.on('drain', go);
  go();
}
const trickle =
  (text: string, ms: number): Handler =>
  (c) =>
    c.once('data', () => {
      let i = 0;
      every(c, ms, () => text[i++ % text.length]!);
    });

const BOMB = gzipSync(Buffer.alloc(20 * 1024 * 1024));
const OK = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n';

const ROWS: Row[] = [
  // Slowloris and silence
  { what: 'accepts and never answers', http: () => undefined, shows: /HTTP01_READ_TIMEOUT/ },
  {
    what: 'the status line trickled one byte every 100 ms',
    http: trickle(`${OK}\r\n`, 100),
    shows: /HTTP01_READ_TIMEOUT/,
  },
  {
    what: 'a new header line every 10 ms, forever',
    http: onRequest(OK, (c) => every(c, 10, () => `X-Slow: ${Date.now()}\r\n`)),
    shows: /HTTP01_READ_TIMEOUT/,
  },
  {
    what: '200, then the body trickled one byte every 100 ms',
    http: onRequest(`${OK}Content-Length: 100\r\n\r\n`, (c) => every(c, 100, () => 'a')),
    shows: /HTTP01_READ_TIMEOUT/,
  },
  // Huge heads
  {
    what: `1 MB of header bytes that never end (limit ${MAX_HEADER_BYTES} bytes)`,
    http: onRequest(OK, (c) => flood(c, Buffer.from(`X-Pad: ${'p'.repeat(1000)}\r\n`))),
    shows: /HTTP01_CONNECTION_ERROR.*headers-too-large/,
    cli: true,
  },
  {
    what: 'a Server: header of 1 MB',
    http: onRequest(`${OK}Server: ${'s'.repeat(1024 * 1024)}\r\nContent-Length: 2\r\n\r\nok`),
    shows: /HTTP01_CONNECTION_ERROR.*headers-too-large/,
    cli: true,
  },
  // Endless and compressed bodies
  {
    what: 'an endless body without a length (64 KB writes)',
    http: onRequest(`${OK}\r\n`, (c) => flood(c, Buffer.alloc(64 * 1024, 0x61))),
    // A random token's 200 is a catch-all page; its body is read to the limit only.
    shows: /HTTP01_CATCH_ALL.*body starts "a{40}"/,
    cli: true,
  },
  {
    what: 'endless one-byte chunks',
    http: onRequest(`${OK}Transfer-Encoding: chunked\r\n\r\n`, (c) =>
      flood(c, Buffer.from('1\r\na\r\n'.repeat(4096))),
    ),
    shows: /HTTP01_CATCH_ALL.*body starts "a{40}"/,
    cli: true,
  },
  {
    what: 'a Content-Length of 10^18 and an endless body',
    http: onRequest(`${OK}Content-Length: 1000000000000000000\r\n\r\n`, (c) =>
      flood(c, Buffer.alloc(64 * 1024, 0x62)),
    ),
    shows: /HTTP01_CATCH_ALL.*body starts "b{40}"/,
    cli: true,
  },
  {
    what: `a gzip bomb (20 MB of zeros in ${Math.round(BOMB.length / 1024)} KB, Content-Encoding: gzip), sent again and again`,
    http: onRequest(`${OK}Content-Encoding: gzip\r\n\r\n`, (c) => flood(c, BOMB)),
    // Read as the raw bytes it is (the tool asks for identity), never inflated.
    shows: /HTTP01_CATCH_ALL.*body starts "\\u001f/,
    cli: true,
  },
  {
    what: 'a gzip stream cut after 10 bytes (Content-Length: 10)',
    http: onRequest(`${OK}Content-Encoding: gzip\r\nContent-Length: 10\r\n\r\n`, (c) =>
      c.end(BOMB.subarray(0, 10)),
    ),
    shows: /HTTP01_(CATCH_ALL|WRONG_BODY|OK)|did not match|200/,
    cli: true,
  },
  // Broken framing
  {
    what: 'a chunk size of -5 (parseInt took it and looped forever)',
    http: onRequest(`${OK}Transfer-Encoding: chunked\r\n\r\n-5\r\nabc\r\n`),
    shows: /malformed/,
    cli: true,
  },
  {
    what: 'a chunk size of 17 hex digits',
    http: onRequest(`${OK}Transfer-Encoding: chunked\r\n\r\n${'f'.repeat(17)}\r\nabc`),
    shows: /malformed/,
    cli: true,
  },
  {
    what: 'a chunk-size line of 2 KB',
    http: onRequest(`${OK}Transfer-Encoding: chunked\r\n\r\n1;${'e'.repeat(2048)}\r\na\r\n0\r\n\r\n`),
    shows: /malformed/,
    cli: true,
  },
  {
    what: 'an SSH banner instead of HTTP',
    http: onRequest('SSH-2.0-OpenSSH_9.6\r\n'),
    shows: /malformed/,
    cli: true,
  },
  {
    what: 'a reset right after the status line',
    http: onRequest(`${OK}`, (c) => c.resetAndDestroy()),
    shows: /HTTP01_CONNECTION_ERROR/,
  },
  {
    what: 'endless 100 Continue responses',
    http: onRequest('', (c) => every(c, 5, () => 'HTTP/1.1 100 Continue\r\n\r\n')),
    shows: /HTTP01_/,
  },
  // TLS
  {
    what: 'TLS: accepts and never answers the ClientHello',
    challenge: 'tls-alpn-01',
    tls: () => undefined,
    shows: /timeout|handshake/i,
  },
  {
    what: 'TLS: a ServerHello record header trickled one byte every 100 ms',
    challenge: 'tls-alpn-01',
    tls: trickle('\x16\x03\x03\x40\x00', 100),
    shows: /timeout|handshake/i,
  },
  {
    what: 'TLS: a record header claiming 16 KB, then silence',
    challenge: 'tls-alpn-01',
    tls: onRequest(Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00, 0x02])),
    shows: /timeout|handshake/i,
  },
  {
    what: 'TLS: endless random bytes',
    challenge: 'tls-alpn-01',
    tls: onRequest('', (c) =>
      flood(c, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 151 + 7) & 0xff))),
    ),
    shows: /TLS|tls/,
  },
  {
    what: 'TLS: plain HTTP on the TLS port',
    challenge: 'tls-alpn-01',
    tls: onRequest('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'),
    shows: /HTTP/,
  },
  {
    what: 'TLS: closes right after accept',
    challenge: 'tls-alpn-01',
    tls: (c) => c.destroy(),
    shows: /TLS|tls|reset/,
  },
  {
    what: 'TLS: a fatal alert for every ClientHello',
    challenge: 'tls-alpn-01',
    tls: onRequest(Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])),
    shows: /TLS|tls|alert|handshake/i,
  },
  {
    what: 'TLS stall on the certificate probe of an HTTP-01 check',
    http: onRequest(`${OK}Content-Length: 9\r\n\r\nnot-found`),
    tls: () => undefined,
    shows: /CERT_TLS_UNREACHABLE/,
  },
];

const nameOf = (i: number): string => `w${i}.test`;
const addressOf = (i: number): string => `127.19.4.${i + 1}`;
const findingText = (r: Report): string =>
  r.identifiers
    .flatMap((i) => i.findings.map((f) => `${f.code} ${f.detail} ${JSON.stringify(f.evidence)}`))
    .join('\n');

describe('hostile web and TLS servers, one per row', () => {
  let world: World;
  let trace: ReturnType<typeof traceSockets>;
  let child: ChildRun;
  const results = new Map<number, Cost<Report>>();
  const cliRows = ROWS.map((r, i) => [r, i] as const).filter(([r]) => r.cli);

  beforeAll(async () => {
    world = await startWorld({
      records: ROWS.map((_, i) => `${nameOf(i)}. 300 IN A ${addressOf(i)}`),
      http: ROWS.flatMap((r, i) => (r.http ? [{ address: addressOf(i), onConn: r.http }] : [])),
      tls: ROWS.flatMap((r, i) => (r.tls ? [{ address: addressOf(i), onConn: r.tls }] : [])),
    });
    // The built CLI first: a parser that loops forever is killed there instead of hanging this process.
    child = await builtCli(
      [
        'check',
        ...cliRows.map(([, i]) => nameOf(i)),
        '--format',
        'json',
        ...argsForProfile(world.profile),
        ...['caa', 'delegation', 'propagation', 'dnssec'].flatMap((f) => ['--skip', f]),
      ],
      CLI_KILL_MS,
    );
    if (child.killed) return;
    trace = traceSockets();
    await Promise.all(
      ROWS.map(async (row, i) => {
        results.set(
          i,
          await measure(() =>
            preflight([nameOf(i)], {
              profile: world.profile,
              challenge: row.challenge ?? 'http-01',
              skip: ['caa', 'delegation', 'propagation', 'dnssec'],
            }),
          ),
        );
      }),
    );
  }, 120_000);

  afterAll(async () => {
    trace?.restore();
    await world?.stop();
  });

  it.each(ROWS.map((row, i) => [row.what, i] as const))('%s', (_what, i) => {
    expect(child.killed).toBe(false);
    const row = ROWS[i]!;
    const { value: report, ms } = results.get(i)!;
    expect(ms).toBeLessThan(BOUND_MS);
    expectWellFormed(report);
    // No hostile server serves a key authorization: the CA would fail every one of them.
    expect(report.identifiers[0]!.verdict).not.toBe('pass');
    expect(findingText(report)).toMatch(row.shows);
    // What was read is bounded: MAX_BODY_BYTES of body, MAX_HEADER_BYTES of head at most.
    expect(JSON.stringify(report).length).toBeLessThan(MAX_HEADER_BYTES + 64 * 1024);
  });

  it(`the built CLI checks all ${cliRows.length} body rows at once, ends by itself, peak RSS under ${RSS_BOUND_KB / 1024} MB`, () => {
    expect(child.killed).toBe(false);
    expect(child.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(child.code).toBe(1);
    expect(child.maxRssKb).toBeLessThan(RSS_BOUND_KB);
    const report = JSON.parse(child.stdout) as Report;
    expect(report.identifiers.map((x) => x.identifier).sort()).toEqual(
      cliRows.map(([, i]) => nameOf(i)).sort(),
    );
    for (const [row, i] of cliRows) {
      const id = report.identifiers.find((x) => x.identifier === nameOf(i))!;
      expect(findingText({ ...report, identifiers: [id] })).toMatch(row.shows);
    }
    expect(child.targets.length).toBeGreaterThan(cliRows.length);
    expect(forbidden(child.targets, world.addresses)).toEqual([]);
  });

  it('no connection went anywhere but the world', () => {
    const targets = trace.targets();
    expect(targets.filter((t) => t.proto === 'tcp').length).toBeGreaterThanOrEqual(ROWS.length);
    expect(forbidden(targets, world.addresses)).toEqual([]);
  });
});
