/**
 * The README's install lines: `npm pack` makes a package whose `bin` runs from a global install's layout,
 * and `engines` agrees with the README and with every package `npm ci` installs (no EBADENGINE).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  engines: { node: string };
  bin: Record<string, string>;
};
const readme = readFileSync(join(root, 'README.md'), 'utf8');

// npm's own engine check (npm-install-checks) uses this semver; so does this test.
type Semver = {
  satisfies(v: string, range: string, o?: object): boolean;
  minVersion(range: string): { version: string } | null;
};
const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
const semver = createRequire(join(npmRoot, 'npm', 'node_modules', 'npm-install-checks', 'lib', 'index.js'))(
  'semver',
) as Semver;

describe('package and engines', () => {
  const documented = /Node\.js (\d+\.\d+) or later/.exec(readme)?.[1];

  it('the README names the same minimum Node.js version as engines', () => {
    expect(documented).toBeDefined();
    expect(semver.minVersion(pkg.engines.node)?.version).toBe(`${documented}.0`);
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });

  it('every package npm ci installs accepts the documented minimum and this Node.js (no EBADENGINE)', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { engines?: { node?: string } | string[] }>;
    };
    const refused: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = !entry.engines || Array.isArray(entry.engines) ? undefined : entry.engines.node;
      if (range === undefined) continue;
      for (const v of [`${documented}.0`, process.version]) {
        if (!semver.satisfies(v, range, { includePrerelease: true }))
          refused.push(`${path || pkg.name}: ${range} refuses ${v}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('npm pack makes a package whose bin runs from a global install', () => {
    if (!existsSync(join(root, pkg.bin['acme-preflight']!)))
      throw new Error('run `npm run build` first (npm ci does it)');
    const dir = mkdtempSync(join(tmpdir(), 'acmepf-pack-'));
    try {
      const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const [{ filename }] = JSON.parse(out) as [{ filename: string }];
      // The layout `npm install -g` makes: lib/node_modules/<name>, bin/<cmd> a symlink into it. The
      // dependencies come from this clone (npm would fetch the same versions from the registry).
      const installed = join(dir, 'lib', 'node_modules', pkg.name);
      mkdirSync(installed, { recursive: true });
      execFileSync('tar', ['-xzf', join(dir, filename), '-C', installed, '--strip-components=1']);
      symlinkSync(join(root, 'node_modules'), join(installed, 'node_modules'));
      mkdirSync(join(dir, 'bin'));
      for (const [cmd, target] of Object.entries(pkg.bin)) {
        chmodSync(join(installed, target), 0o755); // as npm's bin-links does
        symlinkSync(join(installed, target), join(dir, 'bin', cmd));
      }
      const bin = join(dir, 'bin', 'acme-preflight');
      const version = spawnSync(bin, ['--version'], { encoding: 'utf8', cwd: dir });
      expect(version.error).toBeUndefined();
      expect(version.stderr).toBe('');
      expect(version.status).toBe(0);
      expect(version.stdout.split('\n')[0]).toBe(pkg.version);
      const help = spawnSync(bin, ['check', '--help'], { encoding: 'utf8', cwd: dir });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('--challenge');
      // Nothing from the clone that is not in the package is used: the test sources are not packed.
      expect(existsSync(join(installed, 'test'))).toBe(false);
      expect(existsSync(join(dirname(installed), pkg.name, 'dist', 'src', 'index.js'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
