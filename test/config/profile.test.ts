import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRootHints, profileFromArgs } from '../../src/config/profile.js';
import { defaultProfile, ROOT_TRUST_ANCHORS } from '../../src/profile.js';
import { UsageError } from '../../src/errors.js';

describe('profileFromArgs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ap-profile-'));

  it('defaults are the real internet and do not depend on the environment', () => {
    const before = defaultProfile();
    process.env.ACME_PREFLIGHT_DNS_PORT = '5353';
    expect(defaultProfile()).toEqual(before);
    delete process.env.ACME_PREFLIGHT_DNS_PORT;
    expect(before.rootHints).toHaveLength(13);
    expect(before.trustAnchors).toEqual(ROOT_TRUST_ANCHORS);
    expect(before.dnsPort).toBe(53);
  });

  it('takes root hints as addresses, name=address, or a named.root file', () => {
    const file = join(dir, 'named.root');
    writeFileSync(
      file,
      '; comment\n.  3600000 NS A.ROOT.LAB.\nA.ROOT.LAB. 3600000 A 127.0.9.1\nA.ROOT.LAB. 3600000 AAAA ::1\n',
    );
    const p = profileFromArgs({ 'root-hints': ['127.0.1.1', 'r2=127.0.1.2', file] });
    expect(p.rootHints.map((h) => h.address)).toEqual(['127.0.1.1', '127.0.1.2', '127.0.9.1', '::1']);
    expect(p.rootHints[1]!.name).toBe('r2');
    expect(parseRootHints('garbage')).toEqual([]);
  });

  it('reads a trust-anchor file of DS/DNSKEY records, also spanning lines in parentheses', async () => {
    const { parseTrustAnchors } = await import('../../src/dns/dnssec/anchors.js');
    const file = join(dir, 'anchor');
    writeFileSync(
      file,
      '; root\n. 3600 IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n' +
        '. 3600 IN DNSKEY 257 3 13 (\n  mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+\n  KkxLbxILfDLUT0rAK9iUzy1L53eKGQ== ) ; KSK\n',
    );
    const anchors = parseTrustAnchors(profileFromArgs({ 'trust-anchor': file }).trustAnchors);
    expect(anchors).toHaveLength(2);
    const bad = join(dir, 'bad-anchor');
    writeFileSync(bad, '. 3600 IN DS not-a-key-tag 8 2 00\n');
    expect(() => profileFromArgs({ 'trust-anchor': bad })).toThrow(/trust anchor file/);
  });

  it('sets ports, resolvers, allowed ranges and the timeout', () => {
    const p = profileFromArgs({
      'dns-port': 5300,
      'http-port': 8080,
      'tls-port': 8443,
      resolver: ['lab=127.0.1.53'],
      'allow-address': ['127.0.0.0/8'],
      timeout: 0.5,
    });
    expect([p.dnsPort, p.httpPort, p.tlsPort]).toEqual([5300, 8080, 8443]);
    expect(p.publicResolvers).toEqual([{ name: 'lab', address: '127.0.1.53' }]);
    expect(p.allowAddresses).toEqual(['127.0.0.0/8']);
    expect(p.timeouts.dnsQueryMs).toBe(500);
    expect(profileFromArgs({ resolver: ['none'] }).publicResolvers).toEqual([]);
  });

  it.each([
    [{ 'dns-port': 0 }, /--dns-port/],
    [{ 'http-port': 70000 }, /--http-port/],
    [{ resolver: ['dns.google'] }, /not an IP address/],
    [{ 'allow-address': ['127.0.0.0/99'] }, /not a CIDR/],
    [{ timeout: -1 }, /--timeout/],
    [{ 'root-hints': ['/nonexistent/file'] }, /cannot read root hints file/],
    [{ 'trust-anchor': '/nonexistent/anchor' }, /cannot read trust anchor file/],
  ])('rejects bad input %j with a usage error', (args, msg) => {
    expect(() => profileFromArgs(args)).toThrow(UsageError);
    expect(() => profileFromArgs(args)).toThrow(msg);
  });
});

describe('--ca', () => {
  it('maps short names and keeps issuer domains', async () => {
    const { issuerDomainFor } = await import('../../src/config/ca.js');
    expect(issuerDomainFor(undefined)).toBeUndefined();
    expect(issuerDomainFor('zerossl')).toBe('sectigo.com');
    expect(issuerDomainFor('Google')).toBe('pki.goog');
    expect(issuerDomainFor('example.net.')).toBe('example.net');
    expect(() => issuerDomainFor('not a ca')).toThrow(UsageError);
  });
});

describe('trust anchors with other root servers', () => {
  it('are off unless given: the built-in anchors cannot match a private root', () => {
    expect(profileFromArgs({ 'root-hints': ['127.0.1.1'] }).trustAnchors).toEqual([]);
    expect(profileFromArgs({}).trustAnchors).toEqual(ROOT_TRUST_ANCHORS);
  });
});

describe('argsForProfile', () => {
  it('gives flags that rebuild the profile', async () => {
    const { argsForProfile } = await import('../../src/config/profile.js');
    const { parseArgs } = await import('node:util');
    const lab = profileFromArgs({
      'root-hints': ['a.root.lab=127.0.1.1'],
      'dns-port': 5300,
      'http-port': 8080,
      'allow-address': ['127.0.0.0/8'],
      resolver: ['none'],
      'public-suffix': ['test'],
      timeout: 0.4,
    });
    const flags = argsForProfile(lab);
    const { values } = parseArgs({
      args: flags,
      options: Object.fromEntries(
        ['root-hints', 'dns-port', 'http-port', 'allow-address', 'resolver', 'public-suffix', 'timeout'].map(
          (k) => [k, { type: 'string' as const, multiple: true }],
        ),
      ),
    });
    const n = (v: string[] | undefined) => (v ? Number(v[0]) : undefined);
    const again = profileFromArgs({
      'root-hints': values['root-hints'],
      'dns-port': n(values['dns-port']),
      'http-port': n(values['http-port']),
      'allow-address': values['allow-address'],
      resolver: values.resolver,
      'public-suffix': values['public-suffix'],
      timeout: n(values.timeout),
    });
    expect(again).toEqual(lab);
  });
});
