/** resolveSettings: flags > config file > ACME_PREFLIGHT_* (hooks only) > defaults. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings, hookEnvArgs } from '../../src/config/settings.js';
import type { CheckArgs, HookArgs } from '../../src/config/args.js';
import { UsageError } from '../../src/errors.js';
import type { ConfigArgs } from '../../src/config/file.js';

type ActionFlags = ConfigArgs & { config?: string };

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'settings-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (yaml: string, name = '.acme-preflight.yml'): string => {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
};
const check = (over: Partial<CheckArgs> = {}): CheckArgs => ({ names: [], format: 'text', ...over });
const HOOK_ENV = {
  ACME_PREFLIGHT_PROVIDER: 'env-provider',
  ACME_PREFLIGHT_WEBROOT: tmpdir(),
  ACME_PREFLIGHT_CHALLENGE: 'dns-account-01',
  ACME_PREFLIGHT_ACCOUNT_URI: 'https://ca.example/acct/env',
};

describe('resolveSettings precedence', () => {
  it('defaults apply when nothing else sets a value', () => {
    const { args, configPath } = resolveSettings<HookArgs>({}, {}, dir, {
      hookEnv: true,
      defaults: { provider: 'default-provider', 'propagation-timeout': 7 },
    });
    expect(configPath).toBeUndefined();
    expect(args).toMatchObject({ provider: 'default-provider', 'propagation-timeout': 7 });
  });

  it('the environment wins over defaults (hooks)', () => {
    const { args } = resolveSettings<HookArgs>({}, HOOK_ENV, dir, {
      hookEnv: true,
      defaults: { provider: 'default-provider' },
    });
    expect(args).toMatchObject({
      provider: 'env-provider',
      webroot: tmpdir(),
      challenge: 'dns-account-01',
      'account-uri': 'https://ca.example/acct/env',
    });
  });

  it('the config file wins over the environment', () => {
    mkdirSync(join(dir, 'public'));
    const path = file(
      'provider: { code: file-provider }\nwebroot: ./public\nchallenge: dns-01\naccountUri: https://ca.example/acct/file\n',
    );
    const { args, configPath } = resolveSettings<HookArgs>({}, HOOK_ENV, dir, { hookEnv: true });
    expect(configPath).toBe(path);
    expect(args).toMatchObject({
      provider: 'file-provider',
      webroot: join(dir, 'public'),
      challenge: 'dns-01',
      'account-uri': 'https://ca.example/acct/file',
    });
  });

  it('flags win over the config file; a flag not given (undefined, empty list) does not mask it', () => {
    file(
      'names: [file.example]\nchallenge: dns-01\nfailOn: warning\nskip: [caa]\nnetwork:\n  dnsPort: 5353\n',
    );
    const { args } = resolveSettings(
      check({ names: [], challenge: 'http-01', skip: undefined, 'dns-port': undefined }),
      {},
      dir,
    );
    expect(args).toMatchObject({
      names: ['file.example'],
      challenge: 'http-01',
      'fail-on': 'warning',
      skip: ['caa'],
      'dns-port': 5353,
    });
    const flagged = resolveSettings(check({ names: ['flag.example'], 'fail-on': 'never' }), {}, dir).args;
    expect(flagged).toMatchObject({ names: ['flag.example'], 'fail-on': 'never', challenge: 'dns-01' });
  });

  it('flags win over the environment', () => {
    const { args } = resolveSettings<HookArgs>({ provider: 'flag-provider' }, HOOK_ENV, dir, {
      hookEnv: true,
    });
    expect(args.provider).toBe('flag-provider');
    expect(args.webroot).toBe(tmpdir());
  });

  it('check does not act on ACME_PREFLIGHT_PROVIDER / _WEBROOT / _CONFIG unless asked', () => {
    const other = file('names: [other.example]\n', 'other.yml');
    const env = { ...HOOK_ENV, ACME_PREFLIGHT_CONFIG: other };
    const { args, configPath } = resolveSettings(check({ names: ['a.example'] }), env, dir);
    expect(configPath).toBeUndefined();
    expect(args.provider).toBeUndefined();
    expect(args.webroot).toBeUndefined();
    expect(args.challenge).toBeUndefined();
    expect(args['account-uri']).toBeUndefined();
    // The hooks do read it.
    const hook = resolveSettings<HookArgs>({}, env, dir, { hookEnv: true });
    expect(hook.configPath).toBe(other);
  });

  it('--config beats ACME_PREFLIGHT_CONFIG, which beats the file found in cwd; relative to cwd', () => {
    file('provider: { code: found }\n');
    file('provider: { code: named-by-env }\n', 'env.yml');
    file('provider: { code: named-by-flag }\n', 'flag.yml');
    const env = { ACME_PREFLIGHT_CONFIG: 'env.yml' };
    expect(resolveSettings<HookArgs>({}, {}, dir, { hookEnv: true }).args.provider).toBe('found');
    expect(resolveSettings<HookArgs>({}, env, dir, { hookEnv: true }).args.provider).toBe('named-by-env');
    expect(resolveSettings<HookArgs>({ config: 'flag.yml' }, env, dir, { hookEnv: true }).args.provider).toBe(
      'named-by-flag',
    );
  });

  it('an empty variable is not set', () => {
    const { args } = resolveSettings<HookArgs>({}, { ACME_PREFLIGHT_PROVIDER: '  ' }, dir, {
      hookEnv: true,
      defaults: { provider: 'default-provider' },
    });
    expect(args.provider).toBe('default-provider');
  });

  it('the Action: an unset fail-on input leaves the file failOn; a set one wins', () => {
    file('names: [example.com]\nfailOn: never\n');
    const unset = resolveSettings<ActionFlags>({ names: [], 'fail-on': undefined }, {}, dir);
    expect(unset.args['fail-on']).toBe('never');
    const set = resolveSettings<ActionFlags>({ names: [], 'fail-on': 'error' }, {}, dir);
    expect(set.args['fail-on']).toBe('error');
  });
});

describe('environment parsing errors', () => {
  const message = (env: Record<string, string>): string => {
    try {
      hookEnvArgs(env);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error('expected a UsageError');
  };

  it('names the variable, what it expects and what it got', () => {
    expect(message({ ACME_PREFLIGHT_CHALLENGE: 'dns-02' })).toBe(
      'ACME_PREFLIGHT_CHALLENGE: expected one of http-01, dns-01, tls-alpn-01, dns-account-01, dns-persist-01, got "dns-02"',
    );
    expect(message({ ACME_PREFLIGHT_ACCOUNT_URI: 'acct/123' })).toBe(
      'ACME_PREFLIGHT_ACCOUNT_URI: expected the ACME account URL (https://...), got "acct/123"',
    );
    expect(message({ ACME_PREFLIGHT_PROVIDER: 'cloud flare' })).toMatch(
      /^ACME_PREFLIGHT_PROVIDER: expected a provider code .*got "cloud flare"$/,
    );
  });

  it('is raised by resolveSettings only where the environment is read', () => {
    const env = { ACME_PREFLIGHT_CHALLENGE: 'bogus' };
    expect(() => resolveSettings<HookArgs>({}, env, dir, { hookEnv: true })).toThrow(UsageError);
    expect(() => resolveSettings(check(), env, dir)).not.toThrow();
  });
});
