import { existsSync, readFileSync } from 'node:fs';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { COMMENT_MARKER, commentKey, markerFor } from '../../src/github/comment.js';
import { fakeGitHub } from './fake-github.js';
import { finding, output, reportOf, runLocally, TOKEN, type Run } from './harness.js';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
// nock patches globals that outlive this file in the same jest worker.
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

const failing = reportOf([
  finding({
    code: 'CAA_FORBIDS_ISSUER',
    severity: 'error',
    title: 'CAA at example.com forbids letsencrypt.org',
  }),
  finding({
    code: 'DELEGATION_LAME_SERVER',
    severity: 'warning',
    title: 'ns2.example.net is lame for example.com',
  }),
]);

function expectNoToken(run: Run, ...more: string[]): void {
  const json = run.result.jsonPath ? readFileSync(run.result.jsonPath, 'utf8') : '';
  for (const text of [run.stdout, run.summary, run.outputs, json, ...more]) expect(text).not.toContain(TOKEN);
}

describe('the Action on a pull request', () => {
  it('creates one sticky comment, then updates that same comment on the next run', async () => {
    const gh = fakeGitHub({ filler: 130 });

    const first = await runLocally({ report: failing });
    expect(first.result).toMatchObject({ comment: 'created', verdict: 'fail', exitCode: 1 });
    const posts = gh.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(1);
    const body = posts[0]!.body!.body!;
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('`CAA_FORBIDS_ISSUER`');
    expect(body).toContain('CAA at example.com forbids letsencrypt.org');
    // The token authenticates the requests and appears nowhere else.
    expect(gh.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    // Both pages of comments were read before deciding to create.
    expect(
      gh.requests
        .filter((r) => r.method === 'GET')
        .map((r) => new URL(r.path, 'https://x').searchParams.get('page')),
    ).toEqual([null, '2']);

    const fixed = reportOf([]);
    const second = await runLocally({ report: fixed });
    expect(second.result).toMatchObject({ comment: 'updated', verdict: 'pass', exitCode: 0 });
    expect(gh.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const patches = gh.requests.filter((r) => r.method === 'PATCH');
    expect(patches).toHaveLength(1);
    const created = gh.comments.find((c) => c.body.startsWith(COMMENT_MARKER))!;
    expect(patches[0]!.path).toBe(`/repos/acme-corp/website/issues/comments/${created.id}`);
    expect(gh.comments.filter((c) => c.body.includes(COMMENT_MARKER))).toHaveLength(1);
    expect(created.body).toContain('✅ pass');
    expect(created.body).not.toContain('CAA at example.com');
    expectNoToken(first, body);
    expectNoToken(second, created.body);
  });

  it('leaves the comment alone when the next run says the same', async () => {
    const gh = fakeGitHub();
    const first = await runLocally({ report: failing });
    expect(first.result.comment).toBe('created');
    const again = await runLocally({ report: failing });
    expect(again.result.comment).toBe('unchanged');
    expect(gh.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    expect(gh.comments).toHaveLength(1);
  });

  it('keeps one comment per job and set of names: two jobs do not overwrite each other', async () => {
    const gh = fakeGitHub();
    await runLocally({ report: failing, job: 'production' });
    await runLocally({
      report: reportOf([], ['staging.example.com']),
      job: 'staging',
      inputs: { names: 'staging.example.com' },
    });
    expect(gh.comments.filter((c) => c.body.startsWith(COMMENT_MARKER))).toHaveLength(2);
    // The production job's next run updates its own comment only.
    const next = await runLocally({ report: reportOf([]), job: 'production' });
    expect(next.result.comment).toBe('updated');
    const [prod, staging] = gh.comments;
    expect(prod!.body).toContain('✅ pass');
    expect(staging!.body).toContain('staging.example.com');
  });

  it('a fork that cannot update the existing comment says in the summary that it is stale', async () => {
    const gh = fakeGitHub({ number: 43, deny: ['PATCH', 'POST'] });
    const old = `${markerFor(commentKey('preflight', ['example.com']))}\nCAA at example.com (an earlier run)\n`;
    gh.comments.push({ id: 7, body: old, user: { login: 'github-actions[bot]', type: 'Bot' } });
    const run = await runLocally({ event: 'pull_request_fork.json', report: reportOf([]) });
    expect(run.result.comment).toBe('stale');
    expect(run.summary).toMatch(/comment on pull request #43 is stale: it shows an earlier run.*fork/);
    expect(run.stdout).toMatch(/^::notice title=acme-preflight::The comment on pull request #43 is stale/m);
    expect(gh.comments[0]!.body).toBe(old);
  });

  it('fail-on from the config file applies when the workflow does not set the input', async () => {
    fakeGitHub();
    const files = { '.acme-preflight.yml': 'names: [example.com]\nfailOn: never\n' };
    const run = await runLocally({ report: failing, files });
    expect(run.result).toMatchObject({ verdict: 'fail', exitCode: 0 });
    const set = await runLocally({ report: failing, files, inputs: { 'fail-on': 'error' } });
    expect(set.result.exitCode).toBe(1);
  });

  it('does not take over a comment that only quotes the marker', async () => {
    const gh = fakeGitHub();
    gh.comments.push({
      id: 77,
      body: `> quoting ${COMMENT_MARKER}`,
      user: { login: 'mallory', type: 'User' },
    });
    const run = await runLocally();
    expect(run.result.comment).toBe('created');
    expect(gh.comments.find((c) => c.id === 77)!.body).toBe(`> quoting ${COMMENT_MARKER}`);
  });

  it('writes the report to the job summary, annotations, and the verdict and json-path outputs', async () => {
    fakeGitHub();
    const run = await runLocally({ report: failing });
    expect(run.summary).toContain('### acme-preflight: ❌ fail');
    expect(run.summary).toContain('CAA at example.com forbids letsencrypt.org');
    expect(run.stdout).toContain(
      '::error title=CAA_FORBIDS_ISSUER::example.com: CAA at example.com forbids letsencrypt.org%0AFix: Add CAA 0 issue "letsencrypt.org" at example.com',
    );
    expect(run.stdout).toMatch(
      /^::warning title=DELEGATION_LAME_SERVER::example\.com: ns2\.example\.net is lame/m,
    );
    expect(output(run.outputs, 'verdict')).toBe('fail');
    const jsonPath = output(run.outputs, 'json-path')!;
    expect(jsonPath.startsWith(run.workspace)).toBe(true);
    expect(existsSync(jsonPath)).toBe(true);
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as { schemaVersion: number; verdict: string };
    expect(json).toMatchObject({ schemaVersion: 1, verdict: 'fail' });
    expectNoToken(run);
  });

  it.each([
    ['the list is refused', ['GET' as const]],
    ['the comment is refused', ['POST' as const]],
  ])('on a fork, where %s (403), writes only the summary and a notice', async (_what, deny) => {
    const gh = fakeGitHub({ number: 43, deny });
    const run = await runLocally({ event: 'pull_request_fork.json', report: failing });
    expect(run.result).toMatchObject({ comment: 'read-only', exitCode: 1 });
    expect(gh.comments).toHaveLength(0);
    expect(gh.requests.some((r) => r.method === 'PATCH')).toBe(false);
    expect(run.stdout).toMatch(
      /^::notice title=acme-preflight::Not commenting on pull request #43: GitHub answered 403.*fork.*read-only token.*job summary/m,
    );
    expect(run.stdout).not.toMatch(/^::warning title=acme-preflight/m);
    expect(run.summary).toContain('CAA at example.com forbids letsencrypt.org');
    expectNoToken(run);
  });

  it('escapes untrusted DNS data so the comment holds no live HTML, link or mention', async () => {
    const gh = fakeGitHub();
    const hostile = finding({
      code: 'DNS01_TXT_MISMATCH',
      severity: 'error',
      title: 'TXT says <img src=x onerror=alert(1)> and @octocat',
      detail:
        'TXT "[click me](https://evil.example/phish) <script>alert(1)</script> @acme-corp/admins ![x](https://evil.example/p.png)"',
      remediation: `Remove ${COMMENT_MARKER} <a href="https://evil.example">here</a> www.evil.example`,
      evidence: [
        {
          source: 'ns1 @octocat <b>',
          query: 'TXT _acme-challenge.example.com',
          answer: '"`](https://evil.example)`"',
        },
      ],
    });
    const run = await runLocally({ report: reportOf([hostile]) });
    expect(run.result.comment).toBe('created');
    const body = gh.requests.find((r) => r.method === 'POST')!.body!.body!;
    // Code spans render literally; everything outside them must be inert.
    for (const text of [body, run.summary].map((t) => t.replace(/`[^`\n]*`/g, '``'))) {
      expect(text).not.toMatch(/<(img|script|a|b)\b/i);
      expect(text).not.toMatch(/\]\(https?:/);
      expect(text).not.toMatch(/https?:\/\//);
      expect(text).not.toMatch(/@octocat|@acme-corp/);
      expect(text).not.toMatch(/(^|[^\u200b])www\.evil/);
    }
    // The marker occurs once: at the start, not again from the data.
    expect(body.split(COMMENT_MARKER)).toHaveLength(2);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    // The evidence value sits whole in one code span: its backticks cannot close it.
    expect(body).toContain('`"\'](https://evil.example)\'"`');
  });
});

describe('the Action outside a pull request, and its inputs', () => {
  const table: ['error' | 'warning' | 'never', 'pass' | 'warn' | 'fail', 0 | 1][] = [
    ['error', 'warn', 0],
    ['error', 'fail', 1],
    ['warning', 'warn', 1],
    ['warning', 'pass', 0],
    ['never', 'fail', 0],
  ];
  it.each(table)('fail-on %s with verdict %s exits %i', async (failOn, verdict, code) => {
    const findings =
      verdict === 'fail'
        ? [finding({ code: 'CAA_FORBIDS_ISSUER', severity: 'error' })]
        : verdict === 'warn'
          ? [finding({ code: 'DELEGATION_LAME_SERVER', severity: 'warning' })]
          : [];
    const run = await runLocally({
      event: 'push.json',
      inputs: { 'fail-on': failOn },
      report: reportOf(findings),
    });
    expect(run.result).toMatchObject({ exitCode: code, verdict, comment: 'not-a-pull-request' });
  });

  it('reads .acme-preflight.yml from the workspace, inputs winning over the file', async () => {
    const files = {
      '.acme-preflight.yml':
        'names: [a.example, b.example]\nchallenge: dns-01\nfailOn: never\nskip: [propagation]\nnetwork:\n  dnsPort: 5353\n  resolvers: []\n',
    };
    const fromFile = await runLocally({
      event: 'push.json',
      inputs: { names: '', 'fail-on': '' },
      files,
      report: failing,
    });
    expect(fromFile.calls[0]!.names).toEqual(['a.example', 'b.example']);
    expect(fromFile.calls[0]!.options).toMatchObject({ challenge: 'dns-01', skip: ['propagation'] });
    expect(fromFile.calls[0]!.options.profile).toMatchObject({ dnsPort: 5353, publicResolvers: [] });
    expect(fromFile.result.exitCode).toBe(0);

    const overridden = await runLocally({
      event: 'push.json',
      inputs: { names: 'c.example\nd.example', challenge: 'http-01', 'fail-on': 'error' },
      files,
      report: failing,
    });
    expect(overridden.calls[0]!.names).toEqual(['c.example', 'd.example']);
    expect(overridden.calls[0]!.options.challenge).toBe('http-01');
    expect(overridden.result.exitCode).toBe(1);
  });

  it('fails with the config error, naming line and key, before checking anything', async () => {
    const missing = await runLocally({ event: 'push.json', inputs: { config: 'ci/preflight.yml' } });
    expect(missing.result.exitCode).toBe(2);
    expect(missing.stdout).toMatch(/cannot read config file \S*ci\/preflight\.yml: ENOENT/);
    const bad = await runLocally({
      event: 'push.json',
      inputs: { config: 'preflight.yml' },
      files: { 'preflight.yml': 'names: [a.example]\nnetwork:\n  dnsPort: 0\n' },
    });
    expect(bad.result.exitCode).toBe(2);
    expect(bad.calls).toHaveLength(0);
    expect(bad.stdout).toContain(
      '::error title=acme-preflight configuration::acme-preflight: preflight.yml:3:3: network.dnsPort: expected a number from 1 to 65535',
    );
  });

  it('rejects a bad input and a missing list of names as usage errors', async () => {
    const badFailOn = await runLocally({ event: 'push.json', inputs: { 'fail-on': 'sometimes' } });
    expect(badFailOn.result.exitCode).toBe(2);
    expect(badFailOn.stdout).toContain('input fail-on: expected one of error, warning, never');
    const noNames = await runLocally({ event: 'push.json', inputs: { names: '' } });
    expect(noNames.result.exitCode).toBe(2);
    expect(noNames.stdout).toContain('no names to check');
  });

  it('comment: false leaves the pull request alone', async () => {
    const gh = fakeGitHub();
    const run = await runLocally({ inputs: { comment: 'false' } });
    expect(run.result.comment).toBe('disabled');
    expect(gh.requests).toHaveLength(0);
  });
});
