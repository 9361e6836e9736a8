import { DATA_VERSIONS } from '../../src/version.js';
import { PSL_SOURCE } from '../../src/net/psl.js';
import { IANA_REGISTRY_SOURCE } from '../../src/net/iana-registry.js';
import { cli } from './helpers.js';

const oneLine = (s: string) => s.trim().split('\n').length === 1;

describe('CLI usage errors: one line, exit code 2, no stack trace', () => {
  it.each([
    [['check'], /name/i],
    [['check', 'exa mple.com'], /exa mple\.com|character/i],
    [['check', 'a'.repeat(64) + '.com'], /63/],
    [['check', ('a'.repeat(60) + '.').repeat(5) + 'com'], /253/],
    [['check', 'example..com'], /empty label|label/i],
    [['check', 'example.com', '--bogus-option'], /bogus-option|Unknown/i],
    [['check', 'example.com', '--challenge', 'dns-02'], /challenge/i],
    [['check', 'example.com', '--dns-port', '0'], /--dns-port/],
    [['check', 'example.com', '--allow-address', 'nonsense'], /CIDR/],
    [['frobnicate'], /Unknown|command/i],
    [[], /command/i],
  ])('%j', async (argv, message) => {
    const r = await cli(argv as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('--help lists the commands and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('check [names..]');
    expect(r.stdout).toContain('demo');
  });

  it('--version prints the version, then the dates of the data it rests on', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    const [version, data] = r.stdout.trim().split('\n');
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(data).toBe(DATA_VERSIONS);
    expect(DATA_VERSIONS).toContain(PSL_SOURCE);
    expect(DATA_VERSIONS).toContain(IANA_REGISTRY_SOURCE);
  });
});
