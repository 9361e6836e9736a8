/**
 * Bounded work per name against nameservers that never answer, with the real default timeouts (3 s per
 * attempt, 3 attempts). Before the resolution budget a zone of 12 dead glued servers took 217 s for one
 * name and 500 unglued dead NS names 2,272 s.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CommandModule } from 'yargs';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { scenarioSchema } from '../../src/lab/scenario.js';
import { defaultProfile, type NetworkProfile } from '../../src/profile.js';
import { preflight } from '../../src/engine/preflight.js';
import { CachingDnsClient } from '../../src/dns/client.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { MAX_NS_TARGETS_PER_ZONE } from '../../src/dns/limits.js';
import { argsForProfile } from '../../src/config/profile.js';
import { hookCommand } from '../../src/cli/commands/hook.js';
import type { CommandContext } from '../../src/cli/context.js';
import type { DnsProvider, RecordHandle } from '../../providers/types.js';
import type { Report } from '../../src/report/report.js';
import { cli, runModule } from '../cli/helpers.js';
import { builtCli, forbidden } from './world.js';

const soa = (z: string): string => `${z}. 300 IN SOA ns.${z}. hostmaster.${z}. 1 7200 3600 1209600 300`;
const WIDE = 500;
/** Addresses nothing listens on: every query to them goes unanswered. */
const deadGlue = (i: number): string => `127.0.56.${i + 1}`;
const deadHost = (i: number): string => `127.0.${57 + Math.floor(i / 250)}.${(i % 250) + 1}`;

const scenario = scenarioSchema.parse({
  servers: [
    { name: 'a.root', address: '127.0.55.1', zones: ['.'] },
    { name: 'ns.test', address: '127.0.55.2', zones: ['test'] },
    { name: 'ns.hosts.test', address: '127.0.55.3', zones: ['hosts.test'] },
  ],
  zones: {
    '.': {
      records: [
        '. 300 IN SOA a.root. hostmaster.root. 1 7200 3600 1209600 300',
        '. 300 IN NS a.root.',
        'a.root. 300 IN A 127.0.55.1',
        'test. 300 IN NS ns.test.',
        'ns.test. 300 IN A 127.0.55.2',
      ],
    },
    test: {
      records: [
        soa('test'),
        'test. 300 IN NS ns.test.',
        'ns.test. 300 IN A 127.0.55.2',
        'hosts.test. 300 IN NS ns.hosts.test.',
        'ns.hosts.test. 300 IN A 127.0.55.3',
        ...Array.from({ length: 12 }, (_, i) => [
          `dead12.test. 300 IN NS ns${i + 1}.dead12.test.`,
          `ns${i + 1}.dead12.test. 300 IN A ${deadGlue(i)}`,
        ]).flat(),
        ...Array.from({ length: WIDE }, (_, i) => `wide.test. 300 IN NS ns${i + 1}.hosts.test.`),
      ],
    },
    'hosts.test': {
      records: [
        soa('hosts.test'),
        'hosts.test. 300 IN NS ns.hosts.test.',
        'ns.hosts.test. 300 IN A 127.0.55.3',
        ...Array.from({ length: WIDE }, (_, i) => `ns${i + 1}.hosts.test. 300 IN A ${deadHost(i)}`),
      ],
    },
  },
  web: [],
});

/** Well under a minute per name, with the real timeouts. */
const NAME_BOUND_MS = 40_000;
/** Every address of the scenario: the three lab servers and every dead one; nothing else may be contacted. */
const WORLD = [
  ...scenario.servers.map((s) => s.address),
  ...Array.from({ length: 12 }, (_, i) => deadGlue(i)),
  ...Array.from({ length: WIDE }, (_, i) => deadHost(i)),
];

/** A provider that accepts every record: the hook's wait is all that is measured. */
const acceptingProvider = (): DnsProvider => ({
  name: 'accepting',
  createTxt: async (fqdn: string, value: string): Promise<RecordHandle> => ({
    provider: 'accepting',
    fqdn,
    value,
  }),
  deleteTxt: async () => undefined,
});

describe('bounded work against dead nameservers (default timeouts)', () => {
  let lab: Lab;
  let profile: NetworkProfile;
  beforeAll(async () => {
    lab = await startLab(scenario);
    profile = { ...lab.profile, publicResolvers: [], timeouts: { ...defaultProfile().timeouts } };
  });
  afterAll(() => lab.stop());

  it.each([
    ['12 glued nameservers that never answer', 'www.dead12.test'],
    [`${WIDE} unglued nameserver names whose servers never answer`, 'www.wide.test'],
  ])(
    '%s: one name ends well under a minute',
    async (_what, name) => {
      const heapBefore = process.memoryUsage().heapUsed;
      const started = performance.now();
      const report = await preflight([name], { profile, challenge: 'dns-01' });
      const took = performance.now() - started;
      expect(took).toBeLessThan(NAME_BOUND_MS);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(150 * 1024 * 1024);
      const id = report.identifiers[0]!;
      // The CA could not resolve the name either: the report says so with an error, not a pass.
      expect(id.verdict).toBe('fail');
      expect(report.stats.dnsQueries).toBeLessThan(400);
    },
    90_000,
  );

  it(`at most ${MAX_NS_TARGETS_PER_ZONE} of ${WIDE} NS names are looked up, and the rest are named as skipped`, async () => {
    const client = new CachingDnsClient(profile);
    const resolver = new IterativeResolver(profile, client);
    const started = performance.now();
    const d = await resolver.findZone('www.wide.test');
    expect(performance.now() - started).toBeLessThan(NAME_BOUND_MS);
    client.close();
    if ('error' in d) {
      expect(d.error.status).toMatch(/TIMEOUT|SERVFAIL|NO_NAMESERVERS/);
      return;
    }
    expect(d.servers.length).toBeLessThanOrEqual(MAX_NS_TARGETS_PER_ZONE);
    expect(d.unresolvedNs.filter((u) => /not looked up/.test(u.reason)).length).toBeGreaterThan(0);
  }, 90_000);

  it('a second name in the dead zone does not wait on the dead servers again', async () => {
    const client = new CachingDnsClient(profile);
    const resolver = new IterativeResolver(profile, client);
    await resolver.resolve('a.dead12.test', 'A');
    const sentAfterFirst = client.sent;
    const started = performance.now();
    const l = await resolver.resolve('b.dead12.test', 'A');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(l.status).toBe('TIMEOUT');
    expect(client.sent).toBe(sentAfterFirst);
    client.close();
  }, 90_000);

  it('the run deadline holds for every name and is reported as CHECK_DEADLINE naming --run-deadline', async () => {
    const tight = { ...profile, timeouts: { ...profile.timeouts, runDeadlineMs: 2000 } };
    const started = performance.now();
    const report = await preflight(['www.dead12.test', 'www.wide.test', 'mail.dead12.test'], {
      profile: tight,
      challenge: 'http-01',
    });
    expect(performance.now() - started).toBeLessThan(6000);
    for (const id of report.identifiers) {
      const late = id.findings.filter((f) => f.code === 'CHECK_DEADLINE');
      expect(late.length).toBeGreaterThan(0);
      expect(late[0]!.detail).toContain('--run-deadline');
      expect(id.verdict).toBe('fail');
    }
  }, 30_000);

  it('http-01: the name deadline bounds the address lookups the vantage check waits on too', async () => {
    const tight = { ...profile, timeouts: { ...profile.timeouts, nameDeadlineMs: 1500 } };
    const started = performance.now();
    const report = await preflight(['www.wide.test'], { profile: tight, challenge: 'http-01' });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(report.identifiers[0]!.findings.map((f) => f.code)).toContain('CHECK_DEADLINE');
  }, 30_000);

  it('check --name-deadline 2 on the command line: CHECK_DEADLINE, exit 1, within the bound', async () => {
    const started = performance.now();
    const r = await cli(['check', 'www.dead12.test', ...argsForProfile(profile), '--name-deadline', '2']);
    expect(performance.now() - started).toBeLessThan(6000);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CHECK_DEADLINE');
    expect(r.stdout).toContain('--name-deadline');
  }, 30_000);

  it.each(['www.dead12.test', 'www.wide.test'])(
    'guard %s (default timeouts): refuses within the name bound and never runs the command',
    async (name) => {
      const marker = join(mkdtempSync(join(tmpdir(), 'guard-dead-')), 'ran');
      const started = performance.now();
      const r = await cli(['guard', name, ...argsForProfile(profile), '--', 'touch', marker], {
        PATH: process.env.PATH,
      });
      expect(performance.now() - started).toBeLessThan(NAME_BOUND_MS);
      expect(r.code).toBe(1);
      expect(existsSync(marker)).toBe(false);
      expect(r.stderr).toContain('not running touch');
    },
    90_000,
  );

  it.each(['www.dead12.test'])(
    'hook lego present %s with --propagation-timeout 10: gives up within it, exit 1, no stack trace',
    async (name) => {
      const dir = mkdtempSync(join(tmpdir(), 'hook-dead-'));
      const make = (ctx: CommandContext): CommandModule<object, never> =>
        hookCommand(ctx, { createProvider: async () => acceptingProvider(), cwd: dir }) as never;
      const started = performance.now();
      const r = await runModule(
        make,
        [
          'hook',
          'lego',
          ...argsForProfile(profile),
          '--provider',
          'accepting',
          '--propagation-timeout',
          '10',
          '--state-file',
          join(dir, 'state.json'),
          '--',
          'present',
          `_acme-challenge.${name}.`,
          'AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK',
        ],
        { HOME: dir },
      );
      expect(performance.now() - started).toBeLessThan(10_000 + 3000);
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    },
    60_000,
  );

  it.each(['www.dead12.test'])(
    'hook certbot-auth HTTP-01 %s (three tries): one wait on the dead servers, not three; exit 1 within the name bound',
    async (name) => {
      const dir = mkdtempSync(join(tmpdir(), 'hook-http-dead-'));
      const make = (ctx: CommandContext): CommandModule<object, never> =>
        hookCommand(ctx, { cwd: dir }) as never;
      const started = performance.now();
      const r = await runModule(
        make,
        ['hook', 'certbot-auth', ...argsForProfile(profile), '--webroot', dir],
        {
          HOME: dir,
          CERTBOT_DOMAIN: name,
          CERTBOT_TOKEN: 'tok3n',
          CERTBOT_VALIDATION: 'tok3n.key',
          CERTBOT_ALL_DOMAINS: name,
          CERTBOT_REMAINING_CHALLENGES: '0',
        },
      );
      expect(performance.now() - started).toBeLessThan(NAME_BOUND_MS);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('does not serve the token');
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    },
    90_000,
  );

  it('the built CLI, hook lego present www.wide.test --propagation-timeout 8 (exec provider): the process ends within it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hook-cli-dead-'));
    const run = await builtCli(
      [
        'hook',
        'lego',
        ...argsForProfile(profile),
        '--provider',
        'exec',
        '--propagation-timeout',
        '8',
        '--state-file',
        join(dir, 'state.json'),
        '--',
        'present',
        '_acme-challenge.www.wide.test.',
        'AAAAbbbbCCCCddddEEEEffffGGGGhhhhIIIIjjjjKKK',
      ],
      60_000,
      { EXEC_PATH: '/bin/true' },
    );
    expect(run.killed).toBe(false);
    expect(run.ms).toBeLessThan(8000 + 4000);
    expect(run.maxRssKb).toBeLessThan(200 * 1024);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(forbidden(run.targets, WORLD)).toEqual([]);
  }, 90_000);

  it.each(['www.dead12.test', 'www.wide.test'])(
    'the built CLI, check %s (default timeouts): ends by itself well under a minute, peak RSS under 200 MB, nothing outside the scenario contacted',
    async (name) => {
      const run = await builtCli(['check', name, ...argsForProfile(profile), '--format', 'json'], 90_000);
      expect(run.killed).toBe(false);
      expect(run.ms).toBeLessThan(NAME_BOUND_MS + 5000);
      expect(run.maxRssKb).toBeLessThan(200 * 1024);
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      const report = JSON.parse(run.stdout) as Report;
      expect(report.identifiers[0]!.verdict).toBe('fail');
      expect(run.targets.length).toBeGreaterThan(0);
      expect(forbidden(run.targets, WORLD)).toEqual([]);
    },
    120_000,
  );

  it('the name deadline holds and is reported as CHECK_DEADLINE', async () => {
    const tight = { ...profile, timeouts: { ...profile.timeouts, nameDeadlineMs: 1500 } };
    const started = performance.now();
    const report = await preflight(['www.dead12.test'], { profile: tight, challenge: 'dns-01' });
    expect(performance.now() - started).toBeLessThan(5000);
    const codes = report.identifiers[0]!.findings.map((f) => f.code);
    expect(codes).toContain('CHECK_DEADLINE');
  }, 30_000);
});
