import { validateChain, expiringSignatures, type ChainResult } from '../../src/dns/dnssec/chain.js';
import { makeDs, dnskeyPresentation, signZone } from '../../src/lab/dnssec/sign.js';
import { buildWorld, intercept, KEYS, NOW, INCEPTION, EXPIRATION, exampleRecords } from './world.js';

const opts = (anchors: string[], now = NOW) => ({ trustAnchors: anchors, now });

function expectBogus(r: ChainResult, code: string) {
  if (r.status !== 'bogus') throw new Error(`expected bogus ${code}, got ${JSON.stringify(r)}`);
  expect(r.bogus.code).toBe(code);
  return r.bogus;
}

describe('validateChain: secure answers (NSEC)', () => {
  const w = buildWorld();
  it('validates an A record from the root anchor down', async () => {
    const r = await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors));
    expect(r.status).toBe('secure');
    if (r.status !== 'secure') return;
    expect(r.records.map((x) => x.data)).toEqual(['192.0.2.1']);
    expect(r.zones.map((z) => z.zone)).toEqual(['', 'test', 'example.test']);
    expect(r.signatures.length).toBeGreaterThanOrEqual(4);
  });
  it('follows a signed CNAME', async () => {
    const r = await validateChain('alias.example.test', 'A', w.fetch, opts(w.anchors));
    expect(r).toMatchObject({ status: 'secure', cnames: ['www.example.test'] });
  });
  it('follows a CNAME into another signed zone, and into an unsigned one', async () => {
    expect(await validateChain('ext.example.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      cnames: ['www.rsa.test'],
      records: [{ type: 'CNAME' }, { data: '192.0.2.8' }],
    });
    expect(await validateChain('out.example.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'insecure',
      delegation: 'insecure.test',
    });
  });
  it('follows a signed DNAME', async () => {
    const r = await validateChain('www.legacy.example.test', 'A', w.fetch, opts(w.anchors));
    expect(r).toMatchObject({
      status: 'secure',
      cnames: ['www.example.test'],
      records: [{ type: 'DNAME' }, { data: '192.0.2.1' }],
    });
  });
  it('answers DS questions from the parent zone', async () => {
    const r = await validateChain('example.test', 'DS', w.fetch, opts(w.anchors));
    expect(r).toMatchObject({ status: 'secure', records: [{ type: 'DS' }] });
    expect(r.zones.map((z) => z.zone)).toEqual(['', 'test']);
    expect(await validateChain('insecure.test', 'DS', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      records: [],
      rcode: 'NOERROR',
    });
  });
  it('proves NXDOMAIN', async () => {
    expect(await validateChain('nope.example.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      rcode: 'NXDOMAIN',
      records: [],
    });
  });
  it('proves NODATA and an empty non-terminal', async () => {
    expect(await validateChain('www.example.test', 'AAAA', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      rcode: 'NOERROR',
      records: [],
    });
    expect(await validateChain('ent.example.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      rcode: 'NOERROR',
    });
  });
  it('validates a wildcard expansion with its NSEC proof', async () => {
    const r = await validateChain('foo.wild.example.test', 'A', w.fetch, opts(w.anchors));
    expect(r).toMatchObject({ status: 'secure', records: [{ data: '192.0.2.2' }] });
  });
  it('validates an RSA/SHA-256 zone', async () => {
    expect(await validateChain('www.rsa.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
    });
  });
  it('accepts a DNSKEY trust anchor', async () => {
    const r = await validateChain('www.example.test', 'A', w.fetch, opts([dnskeyPresentation(KEYS.rootKsk)]));
    expect(r.status).toBe('secure');
  });
  it('lists signatures expiring soon', async () => {
    const r = await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors));
    expect(expiringSignatures(r, NOW, 7)).toEqual([]);
    const soon = expiringSignatures(r, NOW, 31);
    expect(soon.length).toBe(r.signatures.length);
    expect(soon[0]?.expiration).toEqual(EXPIRATION.toISOString());
  });
});

describe('validateChain: NSEC3', () => {
  const w = buildWorld({
    example: { denial: 'nsec3', nsec3: { iterations: 5, salt: Buffer.from('beef', 'hex') } },
  });
  it('NXDOMAIN, NODATA, wildcard and ENT', async () => {
    expect(await validateChain('nope.example.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      rcode: 'NXDOMAIN',
    });
    expect(await validateChain('a.b.nope.example.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      rcode: 'NXDOMAIN',
    });
    expect(await validateChain('www.example.test', 'TXT', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      rcode: 'NOERROR',
      records: [],
    });
    expect(await validateChain('x.wild.example.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      records: [{ data: '192.0.2.2' }],
    });
    expect(await validateChain('x.wild.example.test', 'TXT', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      records: [],
    });
    expect(await validateChain('ent.example.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'secure',
      rcode: 'NOERROR',
    });
  });
  it('treats NSEC3 iterations above the limit as insecure (RFC 9276)', async () => {
    const w2 = buildWorld({
      example: { denial: 'nsec3', nsec3: { iterations: 200, salt: Buffer.alloc(0) } },
    });
    const r = await validateChain('nope.example.test', 'A', w2.fetch, opts(w2.anchors));
    expect(r).toMatchObject({ status: 'insecure', reason: 'nsec3-iterations', delegation: 'example.test' });
  });
});

describe('validateChain: insecure delegations', () => {
  it('stops at a delegation the parent proves has no DS (NSEC)', async () => {
    const w = buildWorld();
    const r = await validateChain('www.insecure.test', 'A', w.fetch, opts(w.anchors));
    expect(r).toMatchObject({ status: 'insecure', delegation: 'insecure.test', reason: 'no-ds' });
    expect(w.log).not.toContain('A www.insecure.test');
  });
  it('stops at an NSEC3 opt-out span', async () => {
    const w = buildWorld({ tldOptOut: true });
    const r = await validateChain('www.insecure.test', 'A', w.fetch, opts(w.anchors));
    expect(r).toMatchObject({ status: 'insecure', delegation: 'insecure.test', reason: 'opt-out' });
    expect((await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors))).status).toBe('secure');
  });
  it('is insecure without a trust anchor above the name', async () => {
    const w = buildWorld();
    const r = await validateChain(
      'www.example.test',
      'A',
      w.fetch,
      opts([`other. IN DS 1 13 2 ${'AB'.repeat(32)}`]),
    );
    expect(r).toMatchObject({ status: 'insecure', reason: 'no-trust-anchor' });
  });
  it('treats a DS with only unsupported algorithms as insecure (RFC 4035 §5.2)', async () => {
    const ds = makeDs(KEYS.exKsk);
    const w = buildWorld({ exampleDs: [{ ...ds, data: { ...(ds.data as object), algorithm: 253 } }] });
    expect(await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors))).toMatchObject({
      status: 'insecure',
      reason: 'unsupported-algorithm',
      delegation: 'example.test',
    });
  });
});

describe('validateChain: bogus, with the reason', () => {
  it('signature-expired with dates', async () => {
    const expired = new Date('2026-05-20T00:00:00Z');
    const w = buildWorld({ example: { expiration: expired } });
    const b = expectBogus(
      await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors)),
      'signature-expired',
    );
    expect(b.expiration).toEqual(expired.toISOString());
    expect(b.zone).toBe('example.test');
  });
  it('signature-not-yet-valid', async () => {
    const w = buildWorld({ example: { inception: new Date('2026-06-10T00:00:00Z') } });
    const b = expectBogus(
      await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors)),
      'signature-not-yet-valid',
    );
    expect(b.inception).toEqual('2026-06-10T00:00:00.000Z');
  });
  it('ds-no-matching-dnskey with key tags on both sides', async () => {
    const w = buildWorld({ exampleDs: [makeDs(KEYS.other)] });
    const b = expectBogus(
      await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors)),
      'ds-no-matching-dnskey',
    );
    expect(b.dsKeyTags).toEqual([KEYS.other.keyTag]);
    expect(b.dnskeyKeyTags?.sort()).toEqual([KEYS.exKsk.keyTag, KEYS.exZsk.keyTag].sort());
  });
  it('dnskey-not-signed-by-ds-key', async () => {
    const w = buildWorld({ example: { keys: [KEYS.exZsk], publishKeys: true } });
    // The KSK is in the DNSKEY set (and the DS) but never signs it.
    w.zones[2] = signZone('example.test', [...exampleRecords(), KEYS.exKsk.dnskey], {
      keys: [KEYS.exZsk],
      inception: INCEPTION,
      expiration: EXPIRATION,
    });
    const b = expectBogus(
      await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors)),
      'dnskey-not-signed-by-ds-key',
    );
    expect(b.signingKeyTags).toEqual([KEYS.exZsk.keyTag]);
    expect(b.dsKeyTags).toEqual([KEYS.exKsk.keyTag]);
  });
  it('missing-rrsig', async () => {
    const w = buildWorld({
      mutateExample: (rs) =>
        rs.filter(
          (r) =>
            !(
              r.type === 'RRSIG' &&
              r.name === 'www.example.test' &&
              (r.data as { typeCovered: string }).typeCovered === 'A'
            ),
        ),
    });
    const b = expectBogus(
      await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors)),
      'missing-rrsig',
    );
    expect(b).toMatchObject({ owner: 'www.example.test', type: 'A' });
  });
  it('bad-signature when the data changed after signing', async () => {
    const w = buildWorld({
      mutateExample: (rs) =>
        rs.map((r) => (r.type === 'A' && r.name === 'www.example.test' ? { ...r, data: '192.0.2.99' } : r)),
    });
    expectBogus(await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors)), 'bad-signature');
  });
  it('algorithm-mismatch when the DS names another algorithm', async () => {
    const ds = makeDs(KEYS.exKsk);
    const w = buildWorld({ exampleDs: [{ ...ds, data: { ...(ds.data as object), algorithm: 8 } }] });
    expectBogus(await validateChain('www.example.test', 'A', w.fetch, opts(w.anchors)), 'algorithm-mismatch');
  });
  it('denial-missing when an NXDOMAIN has no NSEC', async () => {
    const w = buildWorld();
    const f = intercept(w.fetch, 'nope.example.test', 'A', (r) => ({
      ...r,
      authorities: r.authorities.filter(
        (x) =>
          x.type === 'SOA' ||
          (x.type === 'RRSIG' && (x.data as { typeCovered: string }).typeCovered === 'SOA'),
      ),
    }));
    expectBogus(await validateChain('nope.example.test', 'A', f, opts(w.anchors)), 'denial-missing');
  });
  it('denial-wrong when an NXDOMAIN comes with an NSEC showing the name exists', async () => {
    const w = buildWorld();
    const real = await w.fetch('www.example.test', 'AAAA');
    const f = intercept(w.fetch, 'www.example.test', 'A', () => ({
      rcode: 'NXDOMAIN',
      answers: [],
      authorities: real.authorities,
    }));
    expectBogus(await validateChain('www.example.test', 'A', f, opts(w.anchors)), 'denial-wrong');
  });
  it('denial-missing for a DS query answered empty without proof', async () => {
    const w = buildWorld();
    const f = intercept(w.fetch, 'insecure.test', 'DS', (r) => ({ ...r, authorities: [] }));
    const b = expectBogus(
      await validateChain('www.insecure.test', 'A', f, opts(w.anchors)),
      'denial-missing',
    );
    expect(b).toMatchObject({ zone: 'test', owner: 'insecure.test', type: 'DS' });
  });
  it('bogus when the wildcard proof is stripped', async () => {
    const w = buildWorld();
    const f = intercept(w.fetch, 'foo.wild.example.test', 'A', (r) => ({ ...r, authorities: [] }));
    expectBogus(await validateChain('foo.wild.example.test', 'A', f, opts(w.anchors)), 'denial-missing');
  });
});

describe('validateChain: indeterminate', () => {
  it('on SERVFAIL and on a fetch error', async () => {
    const w = buildWorld();
    const sf = intercept(w.fetch, 'www.example.test', 'A', () => ({
      rcode: 'SERVFAIL',
      answers: [],
      authorities: [],
    }));
    expect(await validateChain('www.example.test', 'A', sf, opts(w.anchors))).toMatchObject({
      status: 'indeterminate',
    });
    const boom = async () => {
      throw new Error('timeout');
    };
    expect(await validateChain('www.example.test', 'A', boom, opts(w.anchors))).toMatchObject({
      status: 'indeterminate',
    });
    expect(await validateChain('www.example.test', 'A', w.fetch, opts(['garbage']))).toMatchObject({
      status: 'indeterminate',
    });
  });
});
