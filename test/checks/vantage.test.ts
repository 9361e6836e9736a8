/** Honest vantage: an address of this machine is never a pass; lab ranges (--allow-address) count as remote. */
import { judgeVantage } from '../../src/checks/vantage.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { preflight } from '../../src/engine/preflight.js';

describe('judgeVantage', () => {
  it('an address of this machine gives the warning, with advice', () => {
    const [f] = judgeVantage('example.com', ['2001:db8::5', '203.0.113.7'], ['203.0.113.7', 'fe80::1'], []);
    expect(f).toMatchObject({ code: 'VANTAGE_LOCAL_ADDRESS', severity: 'warning' });
    expect(f!.title).toContain('Reachability not proven from here');
    expect(f!.remediation).toMatch(/--perspective/);
  });
  it('IPv6 spellings are compared canonically', () => {
    expect(judgeVantage('x.com', ['2001:DB8:0:0::5'], ['2001:db8::5'], [])).toHaveLength(1);
  });
  it('addresses inside --allow-address ranges count as remote', () => {
    expect(judgeVantage('x.com', ['10.1.2.3'], ['10.1.2.3'], ['10.0.0.0/8'])).toEqual([]);
  });
  it('other addresses: nothing', () => {
    expect(judgeVantage('x.com', ['198.51.100.1'], ['203.0.113.7'], [])).toEqual([]);
  });
});

describe('preflight from the host it checks', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(new URL('../../fixtures/scenarios/perspectives.yaml', import.meta.url).pathname);
  });
  afterAll(() => lab.stop());

  const profile = () => ({ ...lab.profile, publicResolvers: [] });

  it('in a lab, addresses in --allow-address ranges are remote: no warning', async () => {
    const r = await preflight(['www.good.test'], { profile: profile(), localAddresses: ['127.0.0.10'] });
    expect(r.identifiers[0]!.findings.map((f) => f.code)).not.toContain('VANTAGE_LOCAL_ADDRESS');
  });

  it('a pass from this machine becomes a warning, never a pass', async () => {
    const r = await preflight(['www.good.test'], {
      profile: profile(),
      localAddresses: ['127.0.0.10'],
      remoteRanges: [],
    });
    expect(r.identifiers[0]!.verdict).toBe('warn');
    expect(r.identifiers[0]!.findings.map((f) => f.code)).toContain('VANTAGE_LOCAL_ADDRESS');
  });

  it('a failure seen from this machine still counts', async () => {
    const r = await preflight(['redirect.good.test'], {
      profile: profile(),
      localAddresses: ['127.0.0.20'],
      remoteRanges: [],
    });
    expect(r.identifiers[0]!.verdict).toBe('fail');
    expect(r.identifiers[0]!.findings.map((f) => f.code)).toContain('VANTAGE_LOCAL_ADDRESS');
  });
});
