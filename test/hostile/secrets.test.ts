/**
 * Providers that echo credentials back (whole, cut by a length limit, URL-encoded, base64, JSON-escaped)
 * must not get any fragment of them into any output: text, JSON, Markdown reports and stderr.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { cli, labFlags } from '../cli/helpers.js';
import { fetchStyle } from '../../providers/__testing__/nock.test-helper.js';

const CF_TOKEN = 'Zq8v1bXK7t3sEcR3tT0k3nQw9LmN5pR2sU4vW6xY8';
const ACME_USER = 'c36f50e8-4632-44f0-83fe-e070fef28a10';
const ACME_PASSWORD = 'htB9mR/7h+Nk2Vq=LpX4sZ8dW1cF6gJ0yA3eT5uQ';

/** Every form the secret can be echoed in, each of them also cut right after 500 characters of padding. */
function echoes(secret: string): string {
  const forms = [
    secret,
    encodeURIComponent(secret),
    Buffer.from(secret).toString('base64'),
    Buffer.from(`${ACME_USER}:${secret}`).toString('base64'),
    JSON.stringify(secret).slice(1, -1),
  ];
  return forms.map((f, i) => `form ${i}: ${f}; cut: ${'x'.repeat(480)}${f}`).join(' | ');
}

/** No run of 8 characters of the secret, raw or URL-encoded, and no 8 characters of its base64 core. */
function expectNoFragment(output: string, secret: string): void {
  const forms = [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64').slice(0, -4)];
  for (const form of forms)
    for (let i = 0; i + 8 <= form.length; i++) expect(output).not.toContain(form.slice(i, i + 8));
}

describe('hostile provider APIs that echo credentials', () => {
  let lab: Lab;
  let dir: string;
  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/basic.yaml', import.meta.url).pathname);
    dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.|localhost)/);
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    nock.restore();
    await lab.stop();
  });
  const flags = () => [...labFlags(lab), '--propagation-timeout', '2'];

  const cloudflare = (status: number) => {
    const reply = fetchStyle((req: Request) => {
      const auth = String(req.headers.get('authorization'));
      return [
        status,
        { success: false, errors: [{ code: 10000, message: `bad token ${auth}: ${echoes(CF_TOKEN)}` }] },
      ] as never;
    });
    nock('https://api.cloudflare.com').persist().get(/.*/).reply(reply);
    nock('https://api.cloudflare.com').persist().post(/.*/).reply(reply);
  };

  it.each([
    ['text', 403],
    ['json', 403],
    ['markdown', 403],
    ['text', 200],
  ])('cloudflare, check --format %s, HTTP %d', async (format, status) => {
    cloudflare(status);
    const r = await cli(
      ['check', 'www.good.test', '--provider', 'cloudflare', '--format', format, ...flags()],
      { CLOUDFLARE_DNS_API_TOKEN: CF_TOKEN, HOME: '/nonexistent' },
    );
    // The provider's refusal reached the report (so the test can fail), without the token.
    expect(r.stdout).toContain('DNS01_PROVIDER_FAILED');
    expect(r.stdout).toContain('bad token');
    expectNoFragment(r.stdout + r.stderr, CF_TOKEN);
  });

  it.each(['text', 'json'])('cloudflare, dns01 present --format %s (stderr included)', async (format) => {
    cloudflare(403);
    const r = await cli(
      ['dns01', 'present', 'www.good.test', 'v', '--provider', 'cloudflare', '--format', format, ...flags()],
      { CLOUDFLARE_DNS_API_TOKEN: CF_TOKEN, HOME: '/nonexistent' },
    );
    expect(r.stdout + r.stderr).toContain('bad token');
    expectNoFragment(r.stdout + r.stderr, CF_TOKEN);
  });

  it('cloudflare, hook lego present (the ACME client reads its stderr)', async () => {
    cloudflare(403);
    const r = await cli(
      [
        'hook',
        'lego',
        '--provider',
        'cloudflare',
        '--state-file',
        join(dir, 'hook-state.json'),
        ...flags(),
        '--',
        'present',
        '_acme-challenge.www.good.test.',
        'AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK',
      ],
      { CLOUDFLARE_DNS_API_TOKEN: CF_TOKEN, HOME: '/nonexistent' },
    );
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('bad token');
    expectNoFragment(r.stdout + r.stderr, CF_TOKEN);
  });

  it.each(['text', 'json'])('acme-dns, dns01 present --format %s', async (format) => {
    const storage = join(dir, 'acme-dns.json');
    writeFileSync(
      storage,
      JSON.stringify({
        'www.good.test': {
          username: ACME_USER,
          password: ACME_PASSWORD,
          subdomain: 'd420c923-bbd7-4056-ab64-c3ca54c9b3cf',
          fulldomain: 'd420c923-bbd7-4056-ab64-c3ca54c9b3cf.auth.example.org',
        },
      }),
    );
    nock('https://auth.example.org')
      .persist()
      .post('/update')
      .reply(
        fetchStyle(() => [401, { error: `forbidden for ${ACME_USER}: ${echoes(ACME_PASSWORD)}` }] as never),
      );
    const r = await cli(
      ['dns01', 'present', 'www.good.test', 'v', '--provider', 'acme-dns', '--format', format, ...flags()],
      {
        ACME_DNS_API_BASE: 'https://auth.example.org',
        ACME_DNS_STORAGE_PATH: storage,
        HOME: '/nonexistent',
      },
    );
    expect(r.stdout + r.stderr).toContain('forbidden');
    expectNoFragment(r.stdout + r.stderr, ACME_PASSWORD);
    expectNoFragment(r.stdout + r.stderr, ACME_USER);
  });
});
