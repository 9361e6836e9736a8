/** `guard`: the command runs only when the checks pass, and its exit status is passed through. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { guardCommand } from '../../src/cli/commands/guard.js';
import { runModule, labFlags as labNet } from '../cli/helpers.js';

describe('guard', () => {
  let lab: Lab;
  let dir: string;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/dns01-lab.yaml');
    dir = mkdtempSync(join(tmpdir(), 'guard-'));
  });
  afterAll(async () => {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const guard = (argv: string[]) =>
    runModule(guardCommand as never, ['guard', ...argv], { PATH: process.env.PATH, HOME: dir });

  it('runs the command for a good name and passes its exit status through', async () => {
    const marker = join(dir, 'ran-good');
    const r = await guard([
      'good.dns01.test',
      '-c',
      'dns-01',
      ...labNet(lab),
      '--',
      process.execPath,
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(marker)}, process.argv[1]); process.exit(7)`,
      '0123',
    ]);
    expect(r.code).toBe(7);
    // Our stdout stays the command's; warnings (this lab has some) go to stderr.
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('DELEGATION_SAME_SUBNET');
    // Arguments reach the command verbatim (no number parsing, no shell).
    expect(existsSync(marker)).toBe(true);
    expect((await import('node:fs')).readFileSync(marker, 'utf8')).toBe('0123');
  });

  it('exits 0 when the command does', async () => {
    const r = await guard([
      'good.dns01.test',
      '-c',
      'dns-01',
      ...labNet(lab),
      '--',
      process.execPath,
      '-e',
      '',
    ]);
    expect(r.code).toBe(0);
  });

  it('does not run the command for a broken name, prints the report and exits 1', async () => {
    const marker = join(dir, 'ran-broken');
    const r = await guard([
      'broken.dns01.test',
      '-c',
      'dns-01',
      ...labNet(lab),
      '--',
      process.execPath,
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`,
    ]);
    expect(r.code).toBe(1);
    expect(existsSync(marker)).toBe(false);
    expect(r.stdout).toContain('broken.dns01.test');
    expect(r.stderr).toContain('not running');
  });

  it('a command that cannot start exits 127', async () => {
    const r = await guard([
      'good.dns01.test',
      '-c',
      'dns-01',
      ...labNet(lab),
      '--',
      join(dir, 'no-such-program'),
    ]);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('ENOENT');
  });

  it('without a command it is a usage error', async () => {
    const r = await guard(['good.dns01.test', ...labNet(lab)]);
    expect(r.code).toBe(2);
  });
});
