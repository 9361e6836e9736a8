/** A network that blocks or intercepts DNS stops the run with exit 3 and one line, within the DNS timeout. */
import { startLab, type Lab } from '../../src/lab/index.js';
import { cli, labFlags } from '../cli/helpers.js';
import { CachingDnsClient } from '../../src/dns/client.js';
import { ensureDnsReachable, rememberedProbe, type RootProber } from '../../src/engine/root-probe.js';

describe('DNS root unreachable or intercepted', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/perspectives.yaml', import.meta.url).pathname);
  });
  afterAll(() => lab.stop());
  afterEach(() => lab.setFault('a.root-servers.test', undefined));

  it('every root server silent: exit 3, one line, within two DNS timeouts', async () => {
    lab.setFault('a.root-servers.test', { mode: 'timeout' });
    const started = Date.now();
    const r = await cli(['check', 'www.good.test', 'other.good.test', ...labFlags(lab)]);
    const took = Date.now() - started;
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /this network blocks DNS: none of the 1 root servers answered \(2 tries of 0.4 s each\)/,
    );
    expect(took).toBeLessThan(2000);
  });

  it('root answers without AA (a middlebox answering port 53): exit 3, says intercepted', async () => {
    lab.setFault('a.root-servers.test', { mode: 'noaa' });
    const r = await cli(['check', 'www.good.test', ...labFlags(lab)]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/this network intercepts DNS/);
    expect(r.stderr).not.toMatch(/DNS_SERVFAIL|LAME/);
  });

  it('guard, a DNS-needing command, stops the same way', async () => {
    lab.setFault('a.root-servers.test', { mode: 'timeout' });
    const r = await cli(['guard', 'www.good.test', ...labFlags(lab), '--', 'true']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/blocks DNS/);
  });

  it('a healthy root: the probe costs nothing visible, the check runs', async () => {
    const r = await cli(['check', 'www.good.test', ...labFlags(lab)]);
    expect(r.code).toBe(0);
  });
});

describe('the remembered probe of a long-running service', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/perspectives.yaml', import.meta.url).pathname);
  });
  afterAll(() => lab.stop());
  afterEach(() => lab.setFault('a.root-servers.test', undefined));
  // A fresh client each time: a cached ". NS" would hide what the probe itself decides.
  const client = (): CachingDnsClient => new CachingDnsClient(lab.profile);

  it('a pass holds for the TTL, then the root is asked again', async () => {
    let t = 0;
    const probe = rememberedProbe(1000, () => t);
    await expect(probe(lab.profile, client())).resolves.toEqual({ ok: true });
    lab.setFault('a.root-servers.test', { mode: 'timeout' });
    t = 999;
    await expect(probe(lab.profile, client())).resolves.toEqual({ ok: true });
    t = 1000;
    await expect(probe(lab.profile, client())).resolves.toMatchObject({ ok: false, kind: 'unreachable' });
  });

  it('a failure is never remembered: the network coming back is seen at the next check', async () => {
    const t = 0;
    const probe = rememberedProbe(60_000, () => t);
    lab.setFault('a.root-servers.test', { mode: 'timeout' });
    await expect(probe(lab.profile, client())).resolves.toMatchObject({ ok: false });
    lab.setFault('a.root-servers.test', undefined);
    await expect(probe(lab.profile, client())).resolves.toEqual({ ok: true });
    lab.setFault('a.root-servers.test', { mode: 'timeout' });
    await expect(probe(lab.profile, client())).resolves.toEqual({ ok: true });
  });

  it('a service asks the root once for many checks; a single check asks each time', async () => {
    // A fresh client per check, as each check has its own: only the probe's memory can save the queries.
    const sentOver = async (probe?: RootProber): Promise<number> => {
      let sent = 0;
      for (let i = 0; i < 3; i++) {
        const c = client();
        await ensureDnsReachable(true, lab.profile, c, probe);
        sent += c.sent;
      }
      return sent;
    };
    const hints = lab.profile.rootHints.length;
    expect(await sentOver()).toBe(3 * hints);
    expect(await sentOver(rememberedProbe())).toBe(hints);
  });
});
