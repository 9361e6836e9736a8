/** KeyTrap (CVE-2023-50387): colliding key tags and many signatures cost bounded work, then indeterminate. */
import { describe, expect, it } from '@jest/globals';
import type { DnsRecord } from '../../src/dns/types.js';
import {
  validateChain,
  MAX_FAILED_VALIDATIONS_PER_RRSET,
  MAX_VALIDATIONS_PER_LOOKUP,
} from '../../src/dns/dnssec/chain.js';
import { MAX_CNAME_CHAIN } from '../../src/dns/limits.js';
import { keyTag } from '../../src/dns/dnssec/verify.js';
import { fromDnsRecord } from '../../src/dns/dnssec/wire.js';
import { signRrset } from '../../src/lab/dnssec/sign.js';
import { buildWorld, intercept, KEYS, NOW, INCEPTION, EXPIRATION } from '../dnssec/world.js';

const window = { inception: INCEPTION, expiration: EXPIRATION };
const opts = (anchors: string[]) => ({ trustAnchors: anchors, now: NOW });

/** n RRSIGs over the RRset in records that name the zone's ZSK (tag, algorithm, signer) but carry wrong signatures. */
function forgedSigs(records: DnsRecord[], n: number): DnsRecord[] {
  const good = signRrset(
    records.filter((r) => r.type !== 'RRSIG'),
    KEYS.exZsk,
    window,
  );
  return Array.from({ length: n }, (_, i) => {
    const data = { ...(good.data as { signature: Buffer }) };
    const sig = Buffer.from(data.signature);
    sig[i % sig.length] = (sig[i % sig.length]! + 1 + Math.floor(i / sig.length)) & 0xff;
    return { ...good, data: { ...data, signature: sig } } as DnsRecord;
  });
}

/** DNSKEYs with the ZSK's key tag: bytes swapped at positions of the same parity keep the tag (RFC 4034 B). */
function collidingKeys(n: number): DnsRecord[] {
  const zsk = KEYS.exZsk.dnskey;
  const d = zsk.data as { flags: number; algorithm: number; key: Buffer };
  const out: DnsRecord[] = [];
  for (let i = 0; out.length < n && i < d.key.length - 2; i++) {
    const key = Buffer.from(d.key);
    [key[i], key[i + 2]] = [key[i + 2]!, key[i]!];
    if (key.equals(d.key)) continue;
    out.push({ ...zsk, data: { ...d, key } } as DnsRecord);
  }
  return out;
}

describe('KeyTrap: bounded signature checks', () => {
  it('300 forged signatures over one RRset: indeterminate after the per-RRset cap, quickly', async () => {
    const w = buildWorld();
    const f = intercept(w.fetch, 'www.example.test', 'A', (r) => ({
      ...r,
      // The forged ones first: a validator without a cap would try all 300 before the real one.
      answers: [
        ...r.answers.filter((x) => x.type !== 'RRSIG'),
        ...forgedSigs(r.answers, 300),
        ...r.answers.filter((x) => x.type === 'RRSIG'),
      ],
    }));
    const t0 = Date.now();
    const r = await validateChain('www.example.test', 'A', f, opts(w.anchors));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.status).toBe('indeterminate');
    if (r.status === 'indeterminate') {
      expect(r.detail).toContain('CVE-2023-50387');
      expect(r.detail).toContain(`${MAX_FAILED_VALIDATIONS_PER_RRSET} signature checks failed`);
    }
  });

  it('many DNSKEYs with colliding key tags and many signatures: bounded, indeterminate', async () => {
    const w = buildWorld();
    const colliders = collidingKeys(40);
    const zskTag = keyTag(fromDnsRecord(KEYS.exZsk.dnskey).rdata);
    expect(colliders.length).toBeGreaterThan(20);
    for (const k of colliders) expect(keyTag(fromDnsRecord(k).rdata)).toBe(zskTag);
    let f = intercept(w.fetch, 'example.test', 'DNSKEY', (r) => {
      const keys = [...colliders, ...r.answers.filter((x) => x.type === 'DNSKEY')];
      // Signed again by the KSK, so the key set itself is authentic and the trap is in the A RRset.
      return { ...r, answers: [...keys, signRrset(keys, KEYS.exKsk, window)] };
    });
    f = intercept(f, 'www.example.test', 'A', (r) => ({
      ...r,
      answers: [...r.answers.filter((x) => x.type !== 'RRSIG'), ...forgedSigs(r.answers, 100)],
    }));
    const t0 = Date.now();
    const r = await validateChain('www.example.test', 'A', f, opts(w.anchors));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.status).toBe('indeterminate');
    if (r.status === 'indeterminate') expect(r.detail).toMatch(/gave up after \d+ signature checks/);
  });

  /**
   * A chain of MAX_CNAME_CHAIN CNAMEs, each RRset with MAX_FAILED_VALIDATIONS_PER_RRSET - 1 forged
   * signatures before its real one: no RRset reaches its own cap, the lookup reaches its cap.
   */
  const cnameChain =
    (forged: number) =>
    (records: DnsRecord[]): DnsRecord[] => {
      const owner = (i: number) => (i === MAX_CNAME_CHAIN ? 'www.example.test' : `c${i}.example.test`);
      const extra: DnsRecord[] = [];
      for (let i = 0; i < MAX_CNAME_CHAIN; i++) {
        const set = [
          { name: owner(i), type: 'CNAME', class: 'IN', ttl: 300, data: owner(i + 1) } as DnsRecord,
        ];
        extra.push(...set, ...forgedSigs(set, forged), signRrset(set, KEYS.exZsk, window));
      }
      const isWwwSig = (r: DnsRecord) =>
        r.type === 'RRSIG' &&
        r.name === 'www.example.test' &&
        (r.data as { typeCovered: string }).typeCovered === 'A';
      const www = records.filter((r) => r.name === 'www.example.test' && r.type === 'A');
      return [
        ...records.filter((r) => !isWwwSig(r)),
        ...extra,
        ...forgedSigs(www, forged),
        ...records.filter(isWwwSig),
      ];
    };

  it(`per lookup: ${MAX_CNAME_CHAIN} CNAMEs, each with ${MAX_FAILED_VALIDATIONS_PER_RRSET - 1} forged signatures first, stop at ${MAX_VALIDATIONS_PER_LOOKUP} checks`, async () => {
    const w = buildWorld({ mutateExample: cnameChain(MAX_FAILED_VALIDATIONS_PER_RRSET - 1) });
    const t0 = Date.now();
    const r = await validateChain('c0.example.test', 'A', w.fetch, opts(w.anchors));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(r.status).toBe('indeterminate');
    if (r.status === 'indeterminate') {
      expect(r.detail).toContain(
        `gave up after ${MAX_VALIDATIONS_PER_LOOKUP} signature checks for one lookup`,
      );
      expect(r.detail).toContain('CVE-2023-50387');
    }
    // The same chain signed honestly validates: the cap, not the chain, stopped it.
    const honest = buildWorld({ mutateExample: cnameChain(0) });
    const ok = await validateChain('c0.example.test', 'A', honest.fetch, opts(honest.anchors));
    expect(ok.status === 'indeterminate' ? ok.detail : ok.status).toBe('secure');
    if (ok.status === 'secure') expect(ok.cnames).toHaveLength(MAX_CNAME_CHAIN);
  });

  it('a normal signed zone is still secure', async () => {
    const w = buildWorld();
    const r = await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors));
    expect(r.status).toBe('secure');
  });
});
