/** A broken --state-file is one line naming the file and what to do, exit 2; a provider's refusal is not exit 3. */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { cli, labFlags } from '../cli/helpers.js';
import { RecordStore, StateFileError } from '../../src/solve/store.js';

const isRoot = process.getuid?.() === 0;

describe('broken state files', () => {
  let lab: Lab;
  let dir: string;
  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/basic.yaml', import.meta.url).pathname);
    dir = mkdtempSync(join(tmpdir(), 'state-'));
  });
  afterAll(() => lab.stop());

  const cases: [string, () => string, RegExp][] = [
    [
      'corrupt JSON',
      () => {
        const p = join(dir, 'corrupt.json');
        writeFileSync(p, '{"version":1,"records":[{"handle":');
        return p;
      },
      /is not valid JSON/,
    ],
    [
      'not a state file',
      () => {
        const p = join(dir, 'array.json');
        writeFileSync(p, '[1,2,3]');
        return p;
      },
      /is not an acme-preflight state file/,
    ],
    [
      'a directory',
      () => {
        const p = join(dir, 'a-dir');
        mkdirSync(p, { recursive: true });
        return p;
      },
      /is a directory/,
    ],
    [
      // Root reads any file, so for root the unreadable case is a path below a file.
      isRoot ? 'below a file' : 'unreadable',
      () => {
        const p = join(dir, 'unreadable.json');
        writeFileSync(p, '{"version":1,"records":[]}');
        if (isRoot) return join(p, 'records.json');
        chmodSync(p, 0o000);
        return p;
      },
      isRoot ? /is below a file/ : /permission denied/,
    ],
  ];

  it.each(cases)('%s: one line, the file named, exit 2', async (_what, make, problem) => {
    const path = make();
    const r = await cli([
      'dns01',
      'present',
      'www.good.test',
      'value',
      '--provider',
      'manual',
      '--state-file',
      path,
      '--no-wait',
      ...labFlags(lab),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(problem);
    expect(r.stderr).toContain(path);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/Unexpected token|SyntaxError|at .*\.js:\d+|errno/);
    expect(r.stdout).toBe('');
  });

  it('hook lego present with a corrupt state file: one line, exit 2, before any record is created', async () => {
    const p = join(dir, 'hook-corrupt.json');
    writeFileSync(p, '{"version":1,');
    const r = await cli([
      'hook',
      'lego',
      '--provider',
      'manual',
      '--state-file',
      p,
      ...labFlags(lab),
      '--',
      'present',
      '_acme-challenge.www.good.test.',
      'v',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(p);
    expect(r.stderr).toMatch(/is not valid JSON/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('the store itself throws StateFileError, never a parser error', () => {
    const p = join(dir, 'bad.json');
    writeFileSync(p, 'not json');
    expect(() => new RecordStore(p).list()).toThrow(StateFileError);
    expect(new RecordStore(join(dir, 'absent.json')).list()).toEqual([]);
  });
});

describe("a provider's refusal is not an internal failure", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/basic.yaml', import.meta.url).pathname);
    nock.disableNetConnect();
    nock.enableNetConnect(/^(127\.|localhost)/);
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await lab.stop();
  });

  it.each([
    ['bad credentials', 403, { success: false, errors: [{ code: 9109, message: 'Invalid access token' }] }],
    ['unknown zone', 200, { success: true, result: [] }],
  ])('%s: exit 2 with one line, not 3', async (_what, status, body) => {
    nock('https://api.cloudflare.com').persist().get(/.*/).reply(status, body);
    const r = await cli(
      ['dns01', 'present', 'www.good.test', 'v', '--provider', 'cloudflare', '--no-wait', ...labFlags(lab)],
      { CLOUDFLARE_DNS_API_TOKEN: 'tok-0123456789abcdef', HOME: '/nonexistent' },
    );
    nock.cleanAll();
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/could not run/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
