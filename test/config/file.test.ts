import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type ConfigArgs,
  configToArgs,
  findConfigFile,
  loadConfigFile,
  mergeArgs,
  parseConfig,
} from '../../src/config/file.js';
import { profileFromArgs } from '../../src/config/profile.js';
import { UsageError } from '../../src/errors.js';

const FIXTURES = resolve('fixtures/config');

/** The one-line message a config error carries. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a UsageError');
}

const parseError = (yaml: string): string => errorOf(() => parseConfig(yaml));

describe('loadConfigFile', () => {
  it('reads every setting of a good file, resolving paths against the file', () => {
    const config = loadConfigFile(join(FIXTURES, 'good.acme-preflight.yml'));
    expect(config).toMatchObject({
      names: ['example.com', '*.example.com'],
      challenge: 'dns-01',
      provider: { code: 'cloudflare', options: { timeoutMs: 5000 } },
      ca: 'letsencrypt',
      accountUri: 'https://acme-v02.api.letsencrypt.org/acme/acct/123456',
      webroot: join(FIXTURES, 'public'),
      failOn: 'warning',
      skip: ['propagation'],
      network: {
        rootHints: ['127.0.0.1', 'lab-root=127.0.0.2', join(FIXTURES, 'named.root')],
        resolvers: [],
        dnsPort: 5353,
        httpPort: 8080,
        tlsPort: 8443,
        allowAddresses: ['127.0.0.0/8'],
        publicSuffixes: ['test'],
        timeout: 1.5,
      },
    });
  });

  it('maps the file to CLI-shaped options that build a profile, and flags win over the file', () => {
    const config = loadConfigFile(join(FIXTURES, 'good.acme-preflight.yml'));
    const fromFile = configToArgs(config);
    expect(fromFile).toMatchObject({
      'dns-port': 5353,
      resolver: ['none'],
      'account-uri': config.accountUri,
      'fail-on': 'warning',
      provider: 'cloudflare',
    });
    expect(Object.values(fromFile)).not.toContain(undefined);
    const merged = mergeArgs<ConfigArgs>(fromFile, {
      'dns-port': 5300,
      'root-hints': ['127.0.0.9'],
      names: [],
      skip: undefined,
    });
    expect(merged['dns-port']).toBe(5300);
    expect(merged.names).toEqual(['example.com', '*.example.com']);
    expect(merged.skip).toEqual(['propagation']);
    const profile = profileFromArgs(merged);
    expect(profile.dnsPort).toBe(5300);
    expect(profile.httpPort).toBe(8080);
    expect(profile.publicResolvers).toEqual([]);
    expect(profile.timeouts.dnsQueryMs).toBe(1500);
  });

  it('accepts an empty file and the provider shorthand', () => {
    expect(parseConfig('')).toEqual({});
    expect(parseConfig('# nothing yet\n')).toEqual({});
    expect(parseConfig('provider: rfc2136\n').provider).toEqual({ code: 'rfc2136' });
  });

  it('names the file, line, column and key of a value of the wrong range', () => {
    const message = errorOf(() => loadConfigFile(join(FIXTURES, 'bad-port.acme-preflight.yml')));
    expect(message).toBe(
      'bad-port.acme-preflight.yml:7:3: network.dnsPort: expected a number from 1 to 65535',
    );
  });

  it('names the key and line of each kind of wrong value', () => {
    expect(parseError('network:\n  dnsPort: "53"\n')).toBe(
      '.acme-preflight.yml:2:3: network.dnsPort: expected a number from 1 to 65535',
    );
    expect(parseError('names: [example.com]\nchallenge: dns01\n')).toBe(
      '.acme-preflight.yml:2:1: challenge: expected one of http-01, dns-01, tls-alpn-01, dns-account-01, dns-persist-01',
    );
    expect(parseError('names:\n  - example.com\n  - 42\n')).toBe(
      '.acme-preflight.yml:3:5: names[1]: expected domain name or IP address',
    );
    expect(parseError('names: example.com\n')).toMatch(/^\.acme-preflight\.yml:1:1: names: expected a list/);
    expect(parseError('failOn: sometimes\n')).toBe(
      '.acme-preflight.yml:1:1: failOn: expected one of error, warning, never',
    );
    expect(parseError('network:\n  allowAddresses: [10.0.0.0/33]\n')).toMatch(
      /^\.acme-preflight\.yml:2:3: network\.allowAddresses: expected CIDR ranges/,
    );
    expect(parseError('network:\n  timeout: 0\n')).toMatch(/^\.acme-preflight\.yml:2:3: network\.timeout: /);
    expect(parseError('ca: "not a ca!"\n')).toMatch(
      /^\.acme-preflight\.yml:1:1: ca: expected a CA issuer domain/,
    );
    expect(parseError('accountUri: http://example.com/acct/1\n')).toMatch(
      /^\.acme-preflight\.yml:1:1: accountUri: expected the https URL/,
    );
    expect(parseError('provider:\n  code: cloudflare\n  options:\n    zone: [a]\n')).toMatch(
      /^\.acme-preflight\.yml:4:5: provider\.options\.zone: /,
    );
    expect(parseError('provider: 42\n')).toBe(
      '.acme-preflight.yml:1:1: provider: expected a provider code, or a mapping with code: and options:',
    );
    expect(parseError('network: 53\n')).toMatch(/^\.acme-preflight\.yml:1:1: network: expected a mapping/);
    expect(parseError('- example.com\n')).toMatch(/^\.acme-preflight\.yml:1:1: expected a mapping/);
  });

  it('rejects unknown keys, suggesting the obvious one', () => {
    expect(errorOf(() => loadConfigFile(join(FIXTURES, 'unknown-key.acme-preflight.yml')))).toBe(
      'unknown-key.acme-preflight.yml:3:3: network.dns_port: unknown setting; did you mean network.dnsPort?',
    );
    expect(parseError('names: [a.example]\nchalenge: dns-01\n')).toBe(
      '.acme-preflight.yml:2:1: chalenge: unknown setting; did you mean challenge?',
    );
    expect(parseError('dnsPort: 53\n')).toBe(
      '.acme-preflight.yml:1:1: dnsPort: unknown setting; did you mean network.dnsPort?',
    );
    expect(parseError('names: [a.example]\ncolour: true\n')).toBe(
      '.acme-preflight.yml:2:1: colour: unknown setting',
    );
    expect(parseError('provider:\n  code: cloudflare\n  token: x\n')).toBe(
      '.acme-preflight.yml:3:3: provider.token: unknown setting',
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const message = errorOf(() => loadConfigFile(join(FIXTURES, 'syntax.acme-preflight.yml')));
    expect(message).toMatch(/^syntax\.acme-preflight\.yml:\d+:\d+: \S/);
    expect(parseError('names: [a.example]\nnames: [b.example]\n')).toMatch(
      /^\.acme-preflight\.yml:2:1: .*unique/i,
    );
    expect(parseError('network:\n  dnsPort: 53\n dnsPort: 54\n')).toMatch(/^\.acme-preflight\.yml:3:\d+: /);
  });

  it('says which file it could not read', () => {
    expect(errorOf(() => loadConfigFile('/nonexistent/.acme-preflight.yml'))).toMatch(
      /cannot read config file \/nonexistent\/\.acme-preflight\.yml: ENOENT/,
    );
  });
});

describe('findConfigFile', () => {
  it('finds .acme-preflight.yml or .yaml in the directory, or nothing', () => {
    const empty = mkdtempSync(join(tmpdir(), 'ap-config-'));
    expect(findConfigFile(empty)).toBeUndefined();
    const yaml = mkdtempSync(join(tmpdir(), 'ap-config-'));
    writeFileSync(join(yaml, '.acme-preflight.yaml'), 'names: [a.example]\n');
    expect(findConfigFile(yaml)).toBe(join(yaml, '.acme-preflight.yaml'));
    writeFileSync(join(yaml, '.acme-preflight.yml'), 'names: [b.example]\n');
    expect(findConfigFile(yaml)).toBe(join(yaml, '.acme-preflight.yml'));
  });
});
