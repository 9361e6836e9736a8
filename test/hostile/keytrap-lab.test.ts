/**
 * KeyTrap (CVE-2023-50387) served over loopback: a signed zone whose DNSKEY RRset holds 40 keys sharing one
 * key tag and 60 signatures over it that all name that tag, none valid (a validator without a cap tries
 * 40 x 60 = 2,400 signature checks for one RRset, and again for every lookup in the zone). Through
 * preflight() and the built CLI: DNSSEC_INDETERMINATE naming the cap, bounded time, peak RSS under 200 MB,
 * nothing outside the lab contacted.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { Scenario } from '../../src/lab/index.js';
import type { DnsRecord } from '../../src/dns/types.js';
import { formatRecord, parseRecord } from '../../src/dns/presentation.js';
import { preflight } from '../../src/engine/preflight.js';
import { argsForProfile } from '../../src/config/profile.js';
import { MAX_FAILED_VALIDATIONS_PER_RRSET } from '../../src/dns/dnssec/chain.js';
import { keyTag } from '../../src/dns/dnssec/verify.js';
import { fromDnsRecord } from '../../src/dns/dnssec/wire.js';
import { signRrset } from '../../src/lab/dnssec/sign.js';
import type { Report } from '../../src/report/report.js';
import { keyFor, rr, signedScenario } from '../dnssec/signed-lab.js';
import { builtCli, forbidden } from './world.js';

const ZONE = 'trap.test';
const NAME = `www.${ZONE}`;
const NS = '127.0.74.1';
const COLLIDING_KEYS = 40;
const FORGED_SIGS = 60;
/** Signatures valid around the real clock, so the built CLI (which has no --now) validates them. */
const DAY = 86_400_000;
const window = { inception: new Date(Date.now() - DAY), expiration: new Date(Date.now() + 30 * DAY) };
/** One name, well under a minute: the cap makes the validation cost milliseconds. */
const BOUND_MS = 5000;

/** DNSKEYs with the zone key's tag: swapping bytes at positions of the same parity keeps it (RFC 4034 B). */
function collidingKeys(key: DnsRecord, n: number): DnsRecord[] {
  const d = key.data as { flags: number; algorithm: number; key: Buffer };
  const out: DnsRecord[] = [];
  for (let i = 0; out.length < n && i < d.key.length - 2; i++) {
    const k = Buffer.from(d.key);
    [k[i], k[i + 2]] = [k[i + 2]!, k[i]!];
    if (!k.equals(d.key)) out.push({ ...key, data: { ...d, key: k } } as DnsRecord);
  }
  return out;
}

/** The signed scenario with trap.test's DNSKEY RRset and its signatures replaced by the trap. */
function trapScenario(): Scenario {
  const s = signedScenario(
    [
      {
        apex: ZONE,
        servers: [{ name: `ns1.${ZONE}`, address: NS }],
        records: [rr(NAME, 'A', '127.0.0.10'), rr(`_acme-challenge.${NAME}`, 'TXT', ['x'])],
      },
    ],
    window,
  );
  const key = keyFor(ZONE);
  const keys = [...collidingKeys(key.dnskey, COLLIDING_KEYS), key.dnskey];
  const good = signRrset(keys, key, window);
  const forged = Array.from({ length: FORGED_SIGS }, (_, i) => {
    const data = { ...(good.data as { signature: Buffer }) };
    const sig = Buffer.from(data.signature);
    sig[i % sig.length] = (sig[i % sig.length]! + 1) & 0xff;
    return { ...good, data: { ...data, signature: sig } } as DnsRecord;
  });
  const isApexKeyOrItsSig = (line: string): boolean => {
    const r = parseRecord(line);
    if (r.name !== ZONE) return false;
    return (
      r.type === 'DNSKEY' ||
      (r.type === 'RRSIG' && (r.data as { typeCovered: string }).typeCovered === 'DNSKEY')
    );
  };
  const zone = s.zones[ZONE]!;
  zone.records = [
    ...zone.records.filter((l) => !isApexKeyOrItsSig(l)),
    ...keys.map(formatRecord),
    ...forged.map(formatRecord),
  ];
  return s;
}

describe(`KeyTrap zone on loopback: ${COLLIDING_KEYS} colliding keys, ${FORGED_SIGS} forged signatures`, () => {
  let lab: Lab;
  let anchorFile: string;
  beforeAll(async () => {
    const scenario = trapScenario();
    lab = await startLab(scenario);
    anchorFile = join(mkdtempSync(join(tmpdir(), 'keytrap-')), 'anchor.ds');
    writeFileSync(anchorFile, `${(scenario.trustAnchors ?? []).join('\n')}\n`);
  });
  afterAll(() => lab.stop());

  it('the served DNSKEY RRset really is the trap: every key has the zone key tag', () => {
    const tag = keyTag(fromDnsRecord(keyFor(ZONE).dnskey).rdata);
    const served = lab.records(`ns1.${ZONE}`).filter((r) => r.type === 'DNSKEY' && r.name === ZONE);
    expect(served).toHaveLength(COLLIDING_KEYS + 1);
    for (const k of served) expect(keyTag(fromDnsRecord(k).rdata)).toBe(tag);
  });

  it('preflight(): DNSSEC_INDETERMINATE naming the cap and the CVE, within the bound', async () => {
    const started = performance.now();
    const report = await preflight([NAME], {
      profile: { ...lab.profile, publicResolvers: [] },
      challenge: 'dns-01',
    });
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
    const found = report.identifiers[0]!.findings.filter((f) => f.code === 'DNSSEC_INDETERMINATE');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]!.detail).toContain('CVE-2023-50387');
    expect(found[0]!.detail).toContain(`${MAX_FAILED_VALIDATIONS_PER_RRSET} signature checks failed`);
    expect(found[0]!.severity).not.toBe('info');
  });

  it('the built CLI: the same finding, ends by itself, peak RSS under 200 MB, nothing outside the lab contacted', async () => {
    const flags = [...argsForProfile({ ...lab.profile, publicResolvers: [] }), '--trust-anchor', anchorFile];
    const run = await builtCli(
      ['check', NAME, '--challenge', 'dns-01', '--format', 'json', ...flags],
      60_000,
    );
    expect(run.killed).toBe(false);
    expect(run.ms).toBeLessThan(BOUND_MS + 3000);
    expect(run.maxRssKb).toBeLessThan(200 * 1024);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const report = JSON.parse(run.stdout) as Report;
    const codes = report.identifiers[0]!.findings.map((f) => f.code);
    expect(codes).toContain('DNSSEC_INDETERMINATE');
    const labAddresses = lab.scenario.servers.map((s) => s.address);
    expect(run.targets.length).toBeGreaterThan(0);
    expect(forbidden(run.targets, labAddresses)).toEqual([]);
  }, 90_000);
});
