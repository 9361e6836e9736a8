/** contrib/acme.sh/dns_preflight.sh sourced by sh, with a stub acme-preflight that records its arguments. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = resolve('contrib/acme.sh/dns_preflight.sh');

describe('acme.sh dnsapi script', () => {
  let dir: string;
  let stub: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'acmesh-'));
    stub = join(dir, 'stub');
    // Records each argument on its own line; exits with $STUB_EXIT.
    writeFileSync(
      stub,
      `#!/bin/sh\nfor a in "$@"; do echo "$a"; done >> "${dir}/calls"\necho --- >> "${dir}/calls"\nexit "\${STUB_EXIT:-0}"\n`,
    );
    chmodSync(stub, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const call = async (fn: string, env: Record<string, string>, acmeSh = false) => {
    rmSync(join(dir, 'calls'), { force: true });
    // Inside acme.sh, its helpers exist: stand-ins record what is saved for renewals.
    const helpers = acmeSh
      ? `_info() { echo "INFO $*" >&2; }; _err() { echo "ERR $*" >&2; }; _readaccountconf_mutable() { :; }; _saveaccountconf_mutable() { echo "SAVE $1=$2" >&2; };`
      : '';
    try {
      const r = await run(
        'sh',
        ['-c', `${helpers} . "${SCRIPT}"; ${fn} _acme-challenge.www.example.test "-Xk0v=value"`],
        {
          env: { PATH: process.env.PATH, ...env },
        },
      );
      return { code: 0, stderr: r.stderr, calls: readFileSync(join(dir, 'calls'), 'utf8') };
    } catch (e) {
      const err = e as { code: number; stderr: string };
      let calls = '';
      try {
        calls = readFileSync(join(dir, 'calls'), 'utf8');
      } catch {
        /* not called */
      }
      return { code: err.code, stderr: err.stderr, calls };
    }
  };

  it('add delegates to dns01 present with the provider and extra options, verbatim', async () => {
    const r = await call('dns_preflight_add', {
      PREFLIGHT_CMD: stub,
      PREFLIGHT_PROVIDER: 'rfc2136',
      PREFLIGHT_ARGS: '--propagation-timeout 30',
    });
    expect(r.code).toBe(0);
    expect(r.calls.split('\n')).toEqual([
      'dns01',
      'present',
      '_acme-challenge.www.example.test',
      '-Xk0v=value',
      '--provider',
      'rfc2136',
      '--propagation-timeout',
      '30',
      '---',
      '',
    ]);
  });

  it('rm delegates to dns01 cleanup; a failure is reported and returns 1', async () => {
    const ok = await call('dns_preflight_rm', { PREFLIGHT_CMD: stub, PREFLIGHT_PROVIDER: 'cloudflare' });
    expect(ok.code).toBe(0);
    expect(ok.calls.split('\n').slice(0, 5)).toEqual([
      'dns01',
      'cleanup',
      '_acme-challenge.www.example.test',
      '--provider',
      'cloudflare',
    ]);
    const bad = await call(
      'dns_preflight_add',
      { PREFLIGHT_CMD: stub, PREFLIGHT_PROVIDER: 'cloudflare', STUB_EXIT: '1' },
      true,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'ERR acme-preflight: _acme-challenge.www.example.test TXT -Xk0v=value is not served',
    );
    expect(bad.stderr).toContain('SAVE PREFLIGHT_PROVIDER=cloudflare');
  });

  it('without a provider it fails before calling anything', async () => {
    const r = await call('dns_preflight_add', { PREFLIGHT_CMD: stub });
    expect(r.code).toBe(1);
    expect(r.calls).toBe('');
    expect(r.stderr).toContain('PREFLIGHT_PROVIDER is not set');
  });
});
