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
import { run } from '../../src/cli/run.js';
import { useColour } from '../../src/cli/render.js';
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

describe('an unknown command', () => {
  it.each([
    ['chek', 'Unknown command "chek". Did you mean "check"?'],
    ['gaurd', 'Unknown command "gaurd". Did you mean "guard"?'],
    ['provider', 'Unknown command "provider". Did you mean "providers"?'],
  ])('%s gets a suggestion and exit 2', async (word, line) => {
    const r = await cli([word, 'example.com']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`acme-preflight: ${line}\n`);
    expect(r.stdout).toBe('');
  });

  it('a word far from every command lists them instead', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^acme-preflight: Unknown command "frobnicate" \(commands: check, .*guard.*\)/);
  });
});

describe('--help', () => {
  const help = async (argv: string[], columns?: number): Promise<string> => {
    let out = '';
    const code = await run(argv, {
      out: (t) => void (out += t),
      err: () => undefined,
      isTTY: columns !== undefined,
      columns,
      env: {},
    });
    expect(code).toBe(0);
    return out;
  };
  // yargs right-aligns "[number]" into the last line of a description, sometimes with no space before it.
  const words = (s: string): string[] => s.replace(/\[/g, ' [').split(/\s+/).filter(Boolean).sort();

  it.each([80, 100])('wraps to a %i-column terminal at spaces, never inside a word', async (columns) => {
    const text = await help(['check', '--help'], columns);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
    // Wrapping at spaces only moves words between lines: the same words as at the widest layout.
    expect(words(text)).toEqual(words(await help(['check', '--help'], 200)));
  });

  it('is at most 100 columns wide on a wide terminal, and 100 when not a terminal', async () => {
    for (const text of [await help(['check', '--help'], 300), await help(['check', '--help'])])
      expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
  });

  it('guard --help shows the guarded command after --', async () => {
    const text = await help(['guard', '--help']);
    expect(text.split('\n')[0]).toBe('acme-preflight guard [names..] [options] -- <command...>');
  });
});

describe('colour', () => {
  it.each([
    [{ isTTY: true, env: {} }, undefined, true],
    [{ isTTY: false, env: {} }, undefined, false],
    [{ isTTY: true, env: { TERM: 'dumb' } }, undefined, false],
    [{ isTTY: true, env: { NO_COLOR: '1' } }, undefined, false],
    [{ isTTY: true, env: { NO_COLOR: '' } }, undefined, true],
    [{ isTTY: false, env: { FORCE_COLOR: '1' } }, undefined, true],
    [{ isTTY: false, env: { FORCE_COLOR: '' } }, undefined, true],
    [{ isTTY: false, env: { FORCE_COLOR: '1', TERM: 'dumb', NO_COLOR: '1' } }, undefined, true],
    [{ isTTY: true, env: { FORCE_COLOR: '0' } }, undefined, false],
    [{ isTTY: false, env: { FORCE_COLOR: '1' } }, false, false],
    [{ isTTY: false, env: { NO_COLOR: '1' } }, true, true],
  ])('%j with --color=%s: %s', (io, flag, expected) => {
    expect(useColour(flag, io)).toBe(expected);
  });

  it('FORCE_COLOR colours the demo report into a pipe; TERM=dumb does not', async () => {
    const forced = await cli(['demo'], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001b[');
    const dumb = await cli(['demo'], { TERM: 'dumb' });
    expect(dumb.stdout).not.toContain('\u001b[');
    expect(dumb.stdout.length).toBeGreaterThan(0);
  }, 60000);
});

describe('the same kind of mistake, the same exit code (2) in every command', () => {
  const demoScenario = 'fixtures/scenarios/demo.yaml';
  it.each([
    ['check', '--format', 'yaml'],
    ['check', 'example.com', '--dns-port', '70000'],
    ['guard', 'example.com'],
    ['demo', '--scenario', 'no-such-scenario.yaml'],
    ['demo', '--scenario', 'fixtures'],
    ['demo', '--scenario', 'README.md'],
    ['demo', '--bogus'],
    ['lab'],
    ['lab', 'no-such-scenario.yaml'],
    ['lab', 'fixtures'],
    ['lab', demoScenario, '--port', '70000'],
    ['lab', demoScenario, '--delay', '-1'],
    ['providers', '--env-names', 'nope'],
    ['dns01', 'bogus', 'example.com'],
    ['dns01', 'present'],
    ['hook', 'nope'],
    ['persist-record'],
    ['agent'],
    ['serve', '--port', '-1'],
  ])('%s', async (...argv) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^acme-preflight: \S/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
