import net from 'node:net';
import { jest } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { startLab, loadScenario, type Lab } from '../../src/lab/index.js';
import { preflight } from '../../src/engine/preflight.js';

const dir = new URL('../../fixtures/scenarios/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml') && loadScenario(dir + f).expect);

/** Every scenario's `expect` block is what the whole engine decides: the verdict and the first error. */
describe.each(files)('scenario %s', (file) => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(dir + file);
  });
  afterAll(() => lab.stop());

  it('verdicts and first errors match the expectations', async () => {
    const expected = lab.scenario.expect!;
    const names = Object.keys(expected);
    const report = await preflight(names, { profile: lab.profile, ...lab.scenario.expectOptions });
    const got = Object.fromEntries(
      report.identifiers.map((i) => {
        const code = expected[i.identifier]?.code;
        const worst = i.verdict === 'fail' ? 'error' : 'warning';
        const first = i.findings.find((f) => f.severity === worst)?.code;
        return [i.identifier, { verdict: i.verdict, ...(code ? { code: first } : {}) }];
      }),
    );
    expect(got).toEqual(expected);
  });
});

describe('reserved addresses', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(dir + 'resolution.yaml');
  });
  afterAll(() => lab.stop());

  it('a name resolving to 10.0.0.1 or 169.254.169.254 is a finding, and no socket is opened to it', async () => {
    const connect = jest.spyOn(net.Socket.prototype, 'connect');
    try {
      const report = await preflight(['private.reserved.test', 'metadata.reserved.test'], {
        profile: { ...lab.profile, allowAddresses: ['127.0.0.0/8'] },
      });
      expect(report.identifiers.map((i) => i.findings[0]!.code)).toEqual([
        'ADDRESS_ONLY_RESERVED',
        'ADDRESS_ONLY_RESERVED',
      ]);
      const targets = connect.mock.calls.map((c) => JSON.stringify(c[0]));
      expect(targets.some((t) => t.includes('10.0.0.1') || t.includes('169.254.169.254'))).toBe(false);
    } finally {
      connect.mockRestore();
    }
  });
});
