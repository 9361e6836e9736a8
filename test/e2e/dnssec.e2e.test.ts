// acme-preflight's DNSSEC verdict against unbound's (the validator Let's Encrypt's resolvers run) on the
// stack's real signed zones: the same name and type, secure/insecure/bogus must agree in every case.
import dgram from 'node:dgram';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import dnsPacket from 'dns-packet';
import { CachingDnsClient } from '../../src/dns/client.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import {
  encodeRR,
  fromDnsRecord,
  makeResolverFetch,
  readTrustAnchorFile,
  validateChain,
  wireToName,
} from '../../src/dns/dnssec/index.js';
import type { ChainResult } from '../../src/dns/dnssec/index.js';
import { generateKey, makeDs, signRrset, signZone } from '../../src/lab/dnssec/sign.js';
import type { SignedZone, SigningKey } from '../../src/lab/dnssec/sign.js';
import { answerFromZones } from '../../src/lab/dnssec/memzone.js';
import { readName } from '../../src/dns/dnssec/wire.js';
import { queryOnce } from '../../src/dns/transport.js';
import type { DnsRecord } from '../../src/dns/types.js';
import { preflight } from '../../src/engine/preflight.js';
import { corpusProfile } from './corpus/harness.js';
import { loadStackEnv } from './stackEnv.js';

const env = loadStackEnv();
const profile = corpusProfile(env);

type Verdict = 'secure' | 'insecure' | 'bogus';

interface Reply {
  rcode: string;
  ad: boolean;
}

/** One question to the stack's unbound over UDP, recursion desired and DO set. */
async function askUnbound(name: string, type: string, cd: boolean): Promise<Reply> {
  const sock = dgram.createSocket('udp4');
  try {
    const id = Math.floor(Math.random() * 65536);
    const flags = dnsPacket.RECURSION_DESIRED | (cd ? dnsPacket.CHECKING_DISABLED : 0);
    const query = dnsPacket.encode({
      id,
      type: 'query',
      flags,
      questions: [{ name, type: type as dnsPacket.RecordType, class: 'IN' }],
      additionals: [
        { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: dnsPacket.DNSSEC_OK } as dnsPacket.Answer,
      ],
    });
    const reply = await new Promise<dnsPacket.DecodedPacket>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`unbound: no answer for ${name} ${type} in 5 s`)),
        5000,
      );
      sock.on('message', (msg) => {
        const p = dnsPacket.decode(msg);
        if (p.id !== id) return;
        clearTimeout(timer);
        resolve(p);
      });
      sock.send(query, env.dnsPort, env.resolver);
    });
    // dns-packet decodes the rcode but its typings omit it.
    return { rcode: (reply as { rcode?: string }).rcode ?? '', ad: reply.flag_ad };
  } finally {
    sock.close();
  }
}

/** AD = secure; SERVFAIL that CD turns into an answer = bogus; an answer without AD = insecure. */
async function unboundVerdict(
  name: string,
  type: string,
): Promise<{ verdict: Verdict | string; rcode: string }> {
  const plain = await askUnbound(name, type, false);
  if (plain.ad) return { verdict: 'secure', rcode: plain.rcode };
  if (plain.rcode === 'SERVFAIL') {
    const cd = await askUnbound(name, type, true);
    const answered = cd.rcode === 'NOERROR' || cd.rcode === 'NXDOMAIN';
    return { verdict: answered ? 'bogus' : `error (SERVFAIL, with CD ${cd.rcode})`, rcode: cd.rcode };
  }
  if (plain.rcode === 'NOERROR' || plain.rcode === 'NXDOMAIN')
    return { verdict: 'insecure', rcode: plain.rcode };
  return { verdict: `error (${plain.rcode})`, rcode: plain.rcode };
}

interface Case {
  name: string;
  type: string;
  /** What the zone was built to be; both validators must say it. */
  expect: Verdict;
  why: string;
  /** acme-preflight's bogus code or insecure reason, where the case is about one. */
  reason?: string;
  /** Other e2e files change its data while this runs: compare verdicts, not rcodes. */
  volatile?: boolean;
}

const CASES: Case[] = [
  { name: 'signed.test', type: 'A', expect: 'secure', why: 'ECDSA P-256, NSEC' },
  { name: 'www.signed.test', type: 'A', expect: 'secure', why: 'ECDSA P-256' },
  { name: 'signed.test', type: 'TXT', expect: 'secure', why: 'TXT at the apex' },
  { name: 'signed.test', type: 'AAAA', expect: 'secure', why: 'NODATA proven by NSEC' },
  { name: 'nx.signed.test', type: 'A', expect: 'secure', why: 'NXDOMAIN proven by NSEC' },
  { name: 'acme.test', type: 'A', expect: 'secure', why: 'in test. (RSA/SHA-256)' },
  { name: 'nx.test', type: 'A', expect: 'secure', why: 'NXDOMAIN in test. (RSA)' },
  { name: 'www.web.test', type: 'A', expect: 'secure', why: 'web.test, ECDSA' },
  { name: 'notfound.web.test', type: 'A', expect: 'secure', why: 'web.test name' },
  { name: 'v6.web.test', type: 'AAAA', expect: 'secure', why: 'AAAA' },
  { name: 'mxonly.web.test', type: 'A', expect: 'secure', why: 'NODATA (MX only)' },
  { name: 'mxonly.web.test', type: 'MX', expect: 'secure', why: 'MX' },
  { name: 'leonly.web.test', type: 'CAA', expect: 'secure', why: 'CAA' },
  { name: 'private.web.test', type: 'A', expect: 'secure', why: 'A 10.0.0.1' },
  { name: 'nx.web.test', type: 'A', expect: 'secure', why: 'NXDOMAIN (NSEC)' },
  {
    name: '_acme-challenge.delegated.web.test',
    type: 'TXT',
    expect: 'secure',
    why: 'CNAME into update.test (inline-signed); the corpus may place a TXT there meanwhile',
    volatile: true,
  },
  { name: 'dangling.web.test', type: 'A', expect: 'insecure', why: 'signed CNAME into unsigned good.test' },
  { name: 'chain.web.test', type: 'A', expect: 'insecure', why: 'CNAME chain ending in good.test' },
  {
    name: 'nosig.web.test',
    type: 'A',
    expect: 'bogus',
    why: 'A set without its RRSIG',
    reason: 'missing-rrsig',
  },
  { name: 'caa.test', type: 'CAA', expect: 'secure', why: 'Ed25519, NSEC3' },
  { name: 'www.caa.test', type: 'A', expect: 'secure', why: 'Ed25519, NSEC3' },
  { name: 'caa.test', type: 'TXT', expect: 'secure', why: 'NODATA proven by NSEC3' },
  { name: 'nx.caa.test', type: 'A', expect: 'secure', why: 'NXDOMAIN proven by NSEC3' },
  { name: 'good.test', type: 'A', expect: 'insecure', why: 'no DS: insecure delegation', reason: 'no-ds' },
  { name: 'www.good.test', type: 'A', expect: 'insecure', why: 'insecure delegation' },
  { name: 'alias.good.test', type: 'A', expect: 'insecure', why: 'CNAME in an unsigned zone' },
  { name: 'nx.good.test', type: 'A', expect: 'insecure', why: 'NXDOMAIN, unsigned' },
  { name: 'bogus.test', type: 'A', expect: 'bogus', why: 'RRSIGs expired in 2020' },
  {
    name: 'www.bogus.test',
    type: 'A',
    expect: 'bogus',
    why: 'RRSIGs expired in 2020',
    reason: 'signature-expired',
  },
  { name: 'nx.bogus.test', type: 'A', expect: 'bogus', why: 'expired NSEC signatures' },
  { name: 'update.test', type: 'A', expect: 'secure', why: 'signed by named (inline-signing)' },
  { name: 'www.update.test', type: 'A', expect: 'secure', why: 'inline-signed' },
  { name: 'nx.update.test', type: 'TXT', expect: 'secure', why: 'NXDOMAIN, inline-signed NSEC' },
];

interface Row {
  c: Case;
  ours: ChainResult['status'];
  ourDetail: string;
  theirs: string;
  theirRcode: string;
  oursMs: number;
  theirsMs: number;
}

const rows: Row[] = [];

const detailOf = (r: ChainResult): string =>
  r.status === 'secure'
    ? r.rcode
    : r.status === 'bogus'
      ? r.bogus.code
      : r.status === 'insecure'
        ? r.reason
        : r.detail;

let trustAnchors: string[];

beforeAll(async () => {
  trustAnchors = (await readTrustAnchorFile(env.rootAnchor)).map((a) => a.text);
});

afterAll(() => {
  const lines = [
    '| name | type | built as | acme-preflight | unbound | ours ms | unbound ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows)
    lines.push(
      `| ${r.c.name} | ${r.c.type} | ${r.c.expect}: ${r.c.why} | ${r.ours} (${r.ourDetail}) | ${r.theirs} (${r.theirRcode}) | ${r.oursMs} | ${r.theirsMs} |`,
    );
  writeFileSync(join(env.workdir, 'dnssec-agreement.md'), `${lines.join('\n')}\n`);
});

/** Both verdicts for one case, recorded for the table; asserts they are the built one. */
async function agree(c: Case, resolver: IterativeResolver, client: CachingDnsClient): Promise<void> {
  let t = performance.now();
  const ours = await validateChain(c.name, c.type, makeResolverFetch(resolver, client), {
    trustAnchors,
    now: new Date(),
  });
  const oursMs = Math.round(performance.now() - t);
  t = performance.now();
  const theirs = await unboundVerdict(c.name, c.type);
  const theirsMs = Math.round(performance.now() - t);
  const ourDetail = detailOf(ours);
  rows.push({
    c,
    ours: ours.status,
    ourDetail,
    theirs: theirs.verdict,
    theirRcode: theirs.rcode,
    oursMs,
    theirsMs,
  });
  expect({ ours: ours.status, unbound: theirs.verdict }).toEqual({ ours: c.expect, unbound: c.expect });
  // Same data, too: a secure answer carries the rcode unbound gave.
  if (ours.status === 'secure' && !c.volatile) expect(ours.rcode).toBe(theirs.rcode);
  if (c.reason) expect(ourDetail).toBe(c.reason);
}

describe('DNSSEC verdicts agree with unbound: the stack zones', () => {
  const client = new CachingDnsClient(profile);
  const resolver = new IterativeResolver(profile, client);

  test('the root anchor file parses to at least one DS', () => {
    expect(trustAnchors.length).toBeGreaterThan(0);
    expect(trustAnchors.every((t) => /\sDS\s/.test(t))).toBe(true);
  });

  test.each(CASES)('$name $type: $expect ($why)', (c) => agree(c, resolver, client));
});

// --- Broken children of update.test, served from this process -----------------------------------
// Each child is signed here (src/lab/dnssec/sign.ts) and answered from memory by a small UDP server on
// a spare stack address; its delegation and DS go into update.test by TSIG UPDATE, so BIND signs them.

const CHILD_NS = '127.0.1.9';
const run = (tag: string): string => `${tag}-${randomBytes(3).toString('hex')}.${env.updateZone}`;
const Z = {
  ok: run('ok'),
  dsMismatch: run('rollover'),
  island: run('island'),
  kskUnsigned: run('zskonly'),
  noDenial: run('nodenial'),
  nsec3: run('nsec3'),
};

const rec = (name: string, type: string, data: unknown, ttl = 1): DnsRecord =>
  ({ name, type, class: 'IN', ttl, data }) as DnsRecord;

function childRecords(apex: string): DnsRecord[] {
  return [
    rec(apex, 'SOA', {
      mname: `ns.${apex}`,
      rname: `hostmaster.${apex}`,
      serial: 1,
      refresh: 3600,
      retry: 600,
      expire: 86400,
      minimum: 1,
    }),
    rec(apex, 'NS', `ns.${apex}`),
    rec(`ns.${apex}`, 'A', CHILD_NS),
    rec(apex, 'A', env.web.good),
    rec(`www.${apex}`, 'A', env.web.good),
  ];
}

interface Child {
  zone: SignedZone;
  /** DS published at the parent (none: an unsigned delegation to a signed zone). */
  ds: DnsRecord[];
}

function buildChildren(): Child[] {
  const window = { inception: new Date(Date.now() - 3600_000), expiration: new Date(Date.now() + 86400_000) };
  const keys = (apex: string): [SigningKey, SigningKey] => [
    generateKey(apex, 13, { ksk: true, ttl: 1 }),
    generateKey(apex, 13, { ttl: 1 }),
  ];
  const out: Child[] = [];
  const plain = (apex: string, extra: { denial?: 'nsec' | 'nsec3' | 'none' } = {}): Child => {
    const [ksk, zsk] = keys(apex);
    return {
      zone: signZone(apex, childRecords(apex), { keys: [ksk, zsk], ...window, ttl: 1, ...extra }),
      ds: [makeDs(ksk, 2, 1)],
    };
  };
  out.push(plain(Z.ok));
  out.push(plain(Z.nsec3, { denial: 'nsec3' }));
  out.push(plain(Z.noDenial, { denial: 'none' }));
  // Key rollover gone wrong: the parent's DS is for a key the zone no longer publishes.
  out.push({ ...plain(Z.dsMismatch), ds: [makeDs(generateKey(Z.dsMismatch, 13, { ksk: true }), 2, 1)] });
  // Signed, but the parent has no DS: an island, insecure to every validator.
  out.push({ ...plain(Z.island), ds: [] });
  // The DS names the KSK, but only the ZSK signs the DNSKEY set.
  {
    const [ksk, zsk] = keys(Z.kskUnsigned);
    const zone = signZone(Z.kskUnsigned, childRecords(Z.kskUnsigned), {
      keys: [ksk, zsk],
      ...window,
      ttl: 1,
    });
    const isDnskeySig = (r: DnsRecord): boolean =>
      r.type === 'RRSIG' &&
      String((r.data as { typeCovered?: string }).typeCovered).toUpperCase() === 'DNSKEY';
    const dnskeys = zone.records.filter((r) => r.type === 'DNSKEY');
    zone.records = [...zone.records.filter((r) => !isDnskeySig(r)), signRrset(dnskeys, zsk, window)];
    out.push({ zone, ds: [makeDs(ksk, 2, 1)] });
  }
  return out;
}

const RCODES: Record<string, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

/** Answers from the signed zones in memory, as an authoritative server with EDNS (DO echoed). */
function answer(zones: SignedZone[], query: Buffer): Buffer | undefined {
  if (query.length < 17) return undefined;
  const { wire, end } = readName(query, 12);
  const qtype = query.readUInt16BE(end);
  const types: Record<number, string> = {
    1: 'A',
    2: 'NS',
    6: 'SOA',
    16: 'TXT',
    28: 'AAAA',
    43: 'DS',
    48: 'DNSKEY',
  };
  const r = answerFromZones(zones, wireToName(wire), types[qtype] ?? `TYPE${qtype}`);
  const rrs = (list: DnsRecord[]): Buffer[] => list.map((x) => encodeRR(fromDnsRecord(x)));
  const an = rrs(r.answers);
  const ns = rrs(r.authorities);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR, AA (unless refusing), RD copied, rcode.
  const aa = r.rcode === 'REFUSED' ? 0 : 0x0400;
  header.writeUInt16BE(0x8000 | aa | (query.readUInt16BE(2) & 0x0100) | (RCODES[r.rcode] ?? 2), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(an.length, 6);
  header.writeUInt16BE(ns.length, 8);
  header.writeUInt16BE(1, 10);
  // OPT: payload 1232, DO set.
  const opt = Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0]);
  return Buffer.concat([header, query.subarray(12, end + 4), ...an, ...ns, opt]);
}

function nsupdate(lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('nsupdate', ['-t', '5', '-k', env.tsig.keyFile], (err, _out, stderr) =>
      err ? reject(new Error(`nsupdate: ${err.message} ${stderr}`)) : resolve(),
    );
    child.stdin?.end(
      [`server ${env.updateServer}`, `zone ${env.updateZone}`, ...lines, 'send', ''].join('\n'),
    );
  });
}

const dsLine = (ds: DnsRecord): string => {
  const d = ds.data as { keyTag: number; algorithm: number; digestType: number; digest: Buffer };
  return `${d.keyTag} ${d.algorithm} ${d.digestType} ${d.digest.toString('hex')}`;
};

/** Polls BIND (bounded) until the delegation is published and, with a DS, that DS is signed. */
async function delegationPublished(c: Child): Promise<void> {
  const until = Date.now() + 5000;
  for (;;) {
    const o = await queryOnce(
      { address: env.updateServer, port: env.dnsPort },
      { name: c.zone.apex, type: 'DS' },
      { rd: false, dnssec: true, retries: 0, timeoutMs: 1000 },
    );
    const ready =
      o.ok &&
      (c.ds.length
        ? o.response.answers.some((r) => r.type === 'RRSIG')
        : o.response.authorities.some((r) => r.type === 'NSEC' && r.name === c.zone.apex));
    if (ready) return;
    if (Date.now() > until) throw new Error(`${c.zone.apex}: delegation not published by BIND within 5 s`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const BROKEN: Case[] = [
  { name: Z.ok, type: 'A', expect: 'secure', why: 'served from memory: the control' },
  { name: `nx.${Z.ok}`, type: 'A', expect: 'secure', why: 'NXDOMAIN proven by NSEC (control)' },
  { name: `nx.${Z.nsec3}`, type: 'A', expect: 'secure', why: 'NXDOMAIN proven by NSEC3' },
  { name: Z.nsec3, type: 'TXT', expect: 'secure', why: 'NODATA proven by NSEC3' },
  {
    name: Z.dsMismatch,
    type: 'A',
    expect: 'bogus',
    why: 'DS at the parent matches no DNSKEY (rollover gone wrong)',
    reason: 'ds-no-matching-dnskey',
  },
  {
    name: `www.${Z.dsMismatch}`,
    type: 'A',
    expect: 'bogus',
    why: 'DS matches no DNSKEY',
    reason: 'ds-no-matching-dnskey',
  },
  {
    name: Z.kskUnsigned,
    type: 'A',
    expect: 'bogus',
    why: 'DNSKEY set signed by the ZSK only',
    reason: 'dnskey-not-signed-by-ds-key',
  },
  {
    name: `nx.${Z.noDenial}`,
    type: 'A',
    expect: 'bogus',
    why: 'NXDOMAIN without NSEC/NSEC3',
    reason: 'denial-missing',
  },
  {
    name: Z.noDenial,
    type: 'TXT',
    expect: 'bogus',
    why: 'NODATA without NSEC/NSEC3',
    reason: 'denial-missing',
  },
  { name: Z.island, type: 'A', expect: 'insecure', why: 'signed zone, no DS at the parent', reason: 'no-ds' },
  { name: `www.${Z.island}`, type: 'A', expect: 'insecure', why: 'signed island', reason: 'no-ds' },
];

describe('DNSSEC verdicts agree with unbound: broken children of update.test', () => {
  const client = new CachingDnsClient(profile);
  const resolver = new IterativeResolver(profile, client);
  let children: Child[];
  let server: dgram.Socket | undefined;

  beforeAll(async () => {
    children = buildChildren();
    const zones = children.map((c) => c.zone);
    const sock = dgram.createSocket('udp4');
    sock.on('message', (msg, from) => {
      const reply = answer(zones, msg);
      if (reply) sock.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(env.dnsPort, CHILD_NS, () => resolve());
    });
    server = sock;
    const lines: string[] = [];
    for (const c of children) {
      const apex = c.zone.apex;
      lines.push(`update add ${apex}. 1 IN NS ns.${apex}.`, `update add ns.${apex}. 1 IN A ${CHILD_NS}`);
      for (const ds of c.ds) lines.push(`update add ${apex}. 1 IN DS ${dsLine(ds)}`);
    }
    await nsupdate(lines);
    await Promise.all(children.map(delegationPublished));
  });

  afterAll(async () => {
    server?.close();
    if (children?.length)
      await nsupdate(
        children.flatMap((c) => [`update delete ${c.zone.apex}.`, `update delete ns.${c.zone.apex}.`]),
      );
  });

  test.each(BROKEN)('$name $type: $expect ($why)', (c) => agree(c, resolver, client));
});

describe('preflight() on bogus names', () => {
  test.each(['www.bogus.test', 'nosig.web.test'])(
    '%s: the first error is DNSSEC_BOGUS_* with the CA message "DNSSEC: Bogus"',
    async (name) => {
      const report = await preflight([name], { profile, challenge: 'http-01', skip: ['propagation'] });
      const findings = [...report.orderFindings, ...report.identifiers.flatMap((i) => i.findings)];
      const firstError = findings.find((f) => f.severity === 'error');
      expect(firstError?.code).toMatch(/^DNSSEC_BOGUS_/);
      expect(firstError?.caMessage).toContain('DNSSEC: Bogus');
    },
  );
});

describe('the public resolvers view, beside our own', () => {
  it('a bogus name carries unbound answering SERVFAIL without CD and an answer with CD as evidence', async () => {
    const withUnbound = { ...profile, publicResolvers: [{ name: 'unbound', address: env.resolver }] };
    const report = await preflight(['www.bogus.test'], { profile: withUnbound, challenge: 'http-01' });
    const bogus = report.identifiers[0]!.findings.find((f) => f.code.startsWith('DNSSEC_BOGUS_'))!;
    const fromUnbound = bogus.evidence.filter((e) => e.source.startsWith('unbound'));
    expect(fromUnbound.length).toBeGreaterThan(0);
    expect(fromUnbound[0]!.answer).toMatch(/^bogus: SERVFAIL.*with CD: NOERROR/);
  });

  it('a signed name is secure for us and carries the AD bit at unbound: no disagreement', async () => {
    const withUnbound = { ...profile, publicResolvers: [{ name: 'unbound', address: env.resolver }] };
    const report = await preflight(['www.signed.test'], {
      profile: withUnbound,
      challenge: 'dns-01',
      skip: ['propagation'],
    });
    const codes = report.identifiers[0]!.findings.map((f) => f.code);
    expect(codes).not.toContain('DNSSEC_RESOLVER_DISAGREES');
    expect(codes.filter((c) => c.startsWith('DNSSEC_BOGUS'))).toEqual([]);
  });
});
