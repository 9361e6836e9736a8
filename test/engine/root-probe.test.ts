/** A network that blocks or intercepts DNS stops the run with exit 3 and one line, within the DNS timeout. */
import { startLab, type Lab } from '../../src/lab/index.js';
import { cli, labFlags } from '../cli/helpers.js';

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
