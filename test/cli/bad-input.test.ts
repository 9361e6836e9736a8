/** Bad input is refused before any work starts, with exit 2 and a line that names what is wrong. */
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './helpers.js';
import { webrootTokenPath, withWebrootToken } from '../../src/solve/webroot.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'preflight-bad-input-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// No lab: a run that got past validation would try the (unreachable) root hint and fail differently.
const offline = ['--root-hints', '127.0.0.1', '--dns-port', '1', '--resolver', 'none', '--timeout', '0.2'];

describe('a --webroot that does not exist', () => {
  const missing = () => join(dir, 'no', 'such', 'webroot');

  it.each([
    ['check', () => ['check', 'www.example.test', '--webroot', missing(), ...offline]],
    [
      'check --acme-dry-run',
      () => ['check', 'www.example.test', '--acme-dry-run', '--webroot', missing(), ...offline],
    ],
    ['hook certbot-auth', () => ['hook', 'certbot-auth', '--webroot', missing(), ...offline]],
  ])('%s: exit 2 naming the path, nothing created', async (_, argv) => {
    const r = await cli(argv(), {
      CERTBOT_DOMAIN: 'www.example.test',
      CERTBOT_VALIDATION: 'tok.thumb',
      CERTBOT_TOKEN: 'tok',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--webroot ${missing()}: no such directory`);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('ACME_PREFLIGHT_WEBROOT for a hook is checked the same way', async () => {
    const r = await cli(['hook', 'certbot-auth', ...offline], {
      ACME_PREFLIGHT_WEBROOT: missing(),
      CERTBOT_DOMAIN: 'www.example.test',
      CERTBOT_VALIDATION: 'tok.thumb',
      CERTBOT_TOKEN: 'tok',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`ACME_PREFLIGHT_WEBROOT ${missing()}: no such directory`);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('a file given as the webroot is refused too', async () => {
    const r = await cli(['check', 'www.example.test', '--webroot', '/dev/null', ...offline]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--webroot /dev/null: not a directory');
  });

  it('withWebrootToken writes under an existing webroot and removes the directories it made', async () => {
    const webroot = join(dir, 'www');
    mkdirSync(webroot);
    const file = webrootTokenPath(webroot, 'tok1');
    const seen = await withWebrootToken(webroot, 'tok1', 'tok1.thumb', async () =>
      readFileSync(file, 'utf8'),
    );
    expect(seen).toBe('tok1.thumb');
    expect(readdirSync(webroot)).toEqual([]);
    // A .well-known that was there before stays, with what else it holds.
    mkdirSync(join(webroot, '.well-known', 'acme-challenge'), { recursive: true });
    writeFileSync(join(webroot, '.well-known', 'security.txt'), 'x');
    await withWebrootToken(webroot, 'tok2', 'tok2.thumb', async () => undefined);
    expect(readdirSync(join(webroot, '.well-known')).sort()).toEqual(['acme-challenge', 'security.txt']);
    await expect(withWebrootToken(missing(), 'tok3', 'x', async () => undefined)).rejects.toThrow(
      /no such directory/,
    );
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});

describe('--acme-dry-run with no way to answer the challenge', () => {
  it('is refused before any check runs', async () => {
    const started = Date.now();
    const r = await cli(['check', 'www.example.test', '--acme-dry-run', ...offline]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--acme-dry-run needs --provider .* or --webroot/);
    expect(r.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('config-file errors', () => {
  it('are reported all at once, each with file, line, column and key, in file order', async () => {
    const path = join(dir, 'three.yml');
    writeFileSync(
      path,
      [
        'names: [www.example.test]',
        'chalenge: dns-01',
        'network:',
        '  dnsPort: 70000',
        'skip:',
        '  - caa',
        '  - propagaton',
        '',
      ].join('\n'),
    );
    const r = await cli(['check', '--config', path, ...offline]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toEqual([
      'acme-preflight: three.yml:2:1: chalenge: unknown setting; did you mean challenge?',
      'acme-preflight: three.yml:4:3: network.dnsPort: expected a number from 1 to 65535',
      expect.stringMatching(
        /^acme-preflight: three\.yml:7:5: skip\[1\]: "propagaton" is not a check family \(.*propagation.*\)$/,
      ),
    ]);
  });

  it('every YAML syntax error is listed, not only the first', async () => {
    const path = join(dir, 'syntax.yml');
    writeFileSync(path, 'names: [a.example\nnames: x\n  bad: : :\n');
    const r = await cli(['check', '--config', path]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l).toMatch(/^acme-preflight: syntax\.yml:\d+:\d+: \S/);
  });

  it('a bad --skip flag is still a flag error', async () => {
    const r = await cli(['check', 'www.example.test', '--config', '/dev/null', '--skip', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^acme-preflight: --skip nope: not a check family/);
  });
});
