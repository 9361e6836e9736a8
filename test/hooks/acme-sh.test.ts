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
    // Records each argument on its own line; exits with $STUB_EXIT. `providers --env-names` answers as the tool does.
    writeFileSync(
      stub,
      `#!/bin/sh\nif [ "$1" = providers ]; then [ "$3" = cloudflare ] && echo CLOUDFLARE_DNS_API_TOKEN && echo CLOUDFLARE_TTL; exit 0; fi\n` +
        `for a in "$@"; do echo "$a"; done >> "${dir}/calls"\necho --- >> "${dir}/calls"\n` +
        `[ -n "$CLOUDFLARE_DNS_API_TOKEN" ] && echo "token seen" >> "${dir}/calls"\nexit "\${STUB_EXIT:-0}"\n`,
    );
    chmodSync(stub, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const call = async (
    fn: string,
    env: Record<string, string>,
    acmeSh = false,
    saved: Record<string, string> = {},
  ) => {
    rmSync(join(dir, 'calls'), { force: true });
    // Inside acme.sh, its helpers exist: stand-ins record what is saved and answer from an account conf.
    const conf = Object.entries(saved)
      .map(([k, v]) => `[ "$1" = ${k} ] && echo '${v}';`)
      .join(' ');
    const helpers = acmeSh
      ? `_info() { echo "INFO $*" >&2; }; _err() { echo "ERR $*" >&2; }; _readaccountconf_mutable() { ${conf} :; }; _saveaccountconf_mutable() { echo "SAVE $1=$2" >&2; };`
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
      ACME_PREFLIGHT_CMD: stub,
      ACME_PREFLIGHT_PROVIDER: 'rfc2136',
      ACME_PREFLIGHT_ARGS: '--propagation-timeout 30',
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
    const ok = await call('dns_preflight_rm', {
      ACME_PREFLIGHT_CMD: stub,
      ACME_PREFLIGHT_PROVIDER: 'cloudflare',
    });
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
      { ACME_PREFLIGHT_CMD: stub, ACME_PREFLIGHT_PROVIDER: 'cloudflare', STUB_EXIT: '1' },
      true,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'ERR acme-preflight: _acme-challenge.www.example.test TXT -Xk0v=value is not served',
    );
    expect(bad.stderr).toContain('SAVE ACME_PREFLIGHT_PROVIDER=cloudflare');
  });

  it('without a provider it fails before calling anything', async () => {
    const r = await call('dns_preflight_add', { ACME_PREFLIGHT_CMD: stub });
    expect(r.code).toBe(1);
    expect(r.calls).toBe('');
    expect(r.stderr).toContain('ACME_PREFLIGHT_PROVIDER is not set');
  });

  it('saves the provider credentials for renewals, and a renewal from cron gets them back', async () => {
    const first = await call(
      'dns_preflight_add',
      { ACME_PREFLIGHT_CMD: stub, ACME_PREFLIGHT_PROVIDER: 'cloudflare', CLOUDFLARE_DNS_API_TOKEN: 'tok-1' },
      true,
    );
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('SAVE CLOUDFLARE_DNS_API_TOKEN=tok-1');
    expect(first.stderr).not.toContain('SAVE CLOUDFLARE_TTL');
    // cron: nothing in the environment but the command; the conf holds the rest.
    const renewal = await call('dns_preflight_add', { ACME_PREFLIGHT_CMD: stub }, true, {
      ACME_PREFLIGHT_PROVIDER: 'cloudflare',
      CLOUDFLARE_DNS_API_TOKEN: 'tok-1',
    });
    expect(renewal.code).toBe(0);
    expect(renewal.calls).toContain('cloudflare');
    expect(renewal.calls).toContain('token seen');
  });

  it('reads the settings saved under the names of earlier versions', async () => {
    const r = await call('dns_preflight_add', { ACME_PREFLIGHT_CMD: stub }, true, {
      PREFLIGHT_PROVIDER: 'rfc2136',
    });
    expect(r.code).toBe(0);
    expect(r.calls).toContain('rfc2136');
    expect(r.stderr).toContain('SAVE ACME_PREFLIGHT_PROVIDER=rfc2136');
  });
});
