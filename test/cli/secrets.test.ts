import nock from 'nock';
import { fetchStyle } from '../../providers/__testing__/nock.test-helper.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { cli, labFlags } from './helpers.js';

const CANARY = 'canary-Zq8v1bXK7t3sEcR3tT0k3n-do-not-print';

/** A provider token must not reach any output, whatever the provider's API echoes back. */
describe('secrets never reach the output', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/basic.yaml', import.meta.url).pathname);
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.|localhost)/);
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
    await lab.stop();
  });

  const flags = () => [...labFlags(lab), '--propagation-timeout', '2'];

  it.each(['text', 'json', 'markdown'])('check --provider cloudflare --format %s', async (format) => {
    // A hostile or buggy API that echoes the bearer token in its error body and headers.
    const echo = (req: Request) => [
      403,
      {
        success: false,
        errors: [{ code: 10000, message: `Authentication error for ${req.headers.get('authorization')}` }],
      },
      { 'x-debug-token': String(req.headers.get('authorization')) },
    ];
    const reply = fetchStyle((req) => echo(req) as never);
    nock('https://api.cloudflare.com').persist().get(/.*/).reply(reply);
    nock('https://api.cloudflare.com').persist().post(/.*/).reply(reply);
    const r = await cli(
      ['check', 'www.good.test', '--provider', 'cloudflare', '--format', format, ...flags()],
      { CLOUDFLARE_DNS_API_TOKEN: CANARY, HOME: '/nonexistent' },
    );
    expect(r.stdout.length + r.stderr.length).toBeGreaterThan(0);
    // The API was reached and its error (with the echoed token) made it into the report, redacted.
    expect(r.stdout).toContain('DNS01_PROVIDER_FAILED');
    expect(r.stdout).toMatch(/Authentication error/);
    expect(r.stdout).not.toContain(CANARY);
    expect(r.stderr).not.toContain(CANARY);
    nock.cleanAll();
  });

  it('a missing credential names every missing variable, exit 2', async () => {
    const r = await cli(['check', 'www.good.test', '--provider', 'cloudflare', ...flags()], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('CLOUDFLARE_DNS_API_TOKEN');
  });
});
