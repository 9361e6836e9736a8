import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  candidateZones,
  ProviderConfigError,
  readCredentials,
  redact,
  relativeName,
  secondsFrom,
  type ProviderMeta,
} from './types.js';

const META: ProviderMeta = {
  code: 't',
  name: 'Test',
  description: '',
  docs: '',
  env: [
    { name: 'T_TOKEN', aliases: ['T_OLD_TOKEN'], description: '', required: true, secret: true },
    { name: 'T_USER', description: '', required: true, secret: false },
    { name: 'T_TTL', description: '', required: false, secret: false },
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'creds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCredentials', () => {
  it('takes values from the env, then aliases', () => {
    expect(readCredentials(META, { T_OLD_TOKEN: 'a', T_USER: 'u' })).toEqual({
      T_TOKEN: 'a',
      T_USER: 'u',
      T_TTL: undefined,
    });
    expect(readCredentials(META, { T_TOKEN: 'b', T_OLD_TOKEN: 'a', T_USER: 'u', T_TTL: '5' }).T_TOKEN).toBe(
      'b',
    );
  });

  it('reads <NAME>_FILE and trims one trailing newline', () => {
    const f = join(dir, 'tok');
    writeFileSync(f, 'file-secret\n');
    expect(readCredentials(META, { T_TOKEN_FILE: f, T_USER: 'u' }).T_TOKEN).toBe('file-secret');
  });

  it('names every missing required variable in one error, treating empty as missing', () => {
    let err: unknown;
    try {
      readCredentials(META, { T_TOKEN: '', T_TTL: '3' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProviderConfigError);
    const e = err as ProviderConfigError;
    expect(e.missing).toEqual(['T_TOKEN', 'T_USER']);
    expect(e.message).toBe(
      'Test: missing required environment variables: T_TOKEN or T_OLD_TOKEN (or T_TOKEN_FILE), T_USER (or T_USER_FILE)',
    );
  });

  it('reports an unreadable _FILE by path and errno, never content', () => {
    expect(() => readCredentials(META, { T_TOKEN_FILE: join(dir, 'nope'), T_USER: 'u' })).toThrow(
      /cannot read T_TOKEN_FILE .*nope\): ENOENT/,
    );
  });
});

describe('secondsFrom', () => {
  it('takes the default when unset and rejects anything but whole seconds', () => {
    expect(secondsFrom(META, 'T_TTL', undefined, 120)).toBe(120);
    expect(secondsFrom(META, 'T_TTL', '60', 120)).toBe(60);
    expect(() => secondsFrom(META, 'T_TTL', '1.5', 120)).toThrow(
      'Test: T_TTL must be a whole number of seconds, got "1.5"',
    );
    expect(() => secondsFrom(META, 'T_TTL', 'abc', 120)).toThrow(ProviderConfigError);
  });
});

describe('name helpers', () => {
  it('walks candidate zones from the name up, never to the bare TLD', () => {
    expect(candidateZones('_acme-challenge.www.Example.com.')).toEqual([
      '_acme-challenge.www.example.com',
      'www.example.com',
      'example.com',
    ]);
  });
  it('makes names relative to the zone', () => {
    expect(relativeName('_acme-challenge.example.com', 'example.com')).toBe('_acme-challenge');
    expect(relativeName('example.com.', 'example.com')).toBe('@');
    expect(() => relativeName('a.other.com', 'example.com')).toThrow(/not inside zone/);
  });
  it('redacts every occurrence of each secret', () => {
    expect(redact('GET /x?k=s3cr3t body s3cr3t', ['s3cr3t', undefined])).toBe(
      'GET /x?k=[REDACTED] body [REDACTED]',
    );
  });
});

describe('redact: every form and fragment of a secret', () => {
  const secret = 'pa/ss+w0rd=Zq8v&1bXK7t3sEcR3"tT0k\\3n';
  const forms = {
    raw: secret,
    url: encodeURIComponent(secret),
    json: JSON.stringify(secret).slice(1, -1),
    b64: Buffer.from(secret).toString('base64'),
    b64basic: Buffer.from(`user:${secret}`).toString('base64'),
    b64url: Buffer.from(`x${secret}`).toString('base64url'),
  };
  // Where the encoding stops depending on what precedes the secret (base64 groups of three bytes).
  const from: Record<string, number> = { b64basic: 8, b64url: 4 };
  it.each(Object.entries(forms))('hides the %s form, whole and cut', (form, value) => {
    for (const text of [`say ${value} end`, `cut ${value.slice(0, -1)}`, `cut ${value.slice(3)} end`]) {
      const out = redact(text, [secret]);
      expect(out).toContain('[REDACTED]');
      // No run of 8 characters of the form survives.
      for (let i = from[form] ?? 0; i + 8 <= value.length - 3; i++)
        expect(out).not.toContain(value.slice(i, i + 8));
    }
  });
  it('leaves text that shares only short runs with the secret alone', () => {
    expect(redact('password w0rd=Zq short', [secret])).toBe('password w0rd=Zq short');
  });
});
