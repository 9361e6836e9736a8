import { ScenarioError, loadScenario, parseScenario, startLab } from '../../src/lab/index.js';

const ok = `
servers:
  - { name: ns.v.test, address: 127.0.12.1, zones: [v.test] }
zones:
  v.test:
    records:
      - v.test. 300 IN SOA ns.v.test. h.v.test. 1 2 3 4 5
`;

function errorOf(text: string): ScenarioError {
  try {
    parseScenario(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario validation', () => {
  it('accepts a minimal scenario and applies defaults', () => {
    const s = parseScenario(ok);
    expect(s.servers[0]).toMatchObject({ role: 'authoritative', overrides: [] });
    expect(s.web).toEqual([]);
  });

  it('reports bad YAML', () => {
    expect(errorOf('servers: [unclosed').message).toMatch(/invalid YAML/);
  });

  it('names a missing key', () => {
    const e = errorOf(ok.replace('address: 127.0.12.1, ', ''));
    expect(e.key).toBe('servers[0].address');
    expect(e.message).toContain('servers[0].address');
  });

  it('names a missing top-level key', () => {
    expect(errorOf('servers: []').key).toMatch(/^(servers|zones)$/);
  });

  it('names a bad fault mode', () => {
    const e = errorOf(ok.replace('zones: [v.test] }', 'zones: [v.test], fault: { mode: explode } }'));
    expect(e.key).toBe('servers[0].fault.mode');
  });

  it('names a record that does not parse', () => {
    const e = errorOf(ok + '      - www.v.test. A 999.1.1.1\n');
    expect(e.key).toBe('zones.v.test.records[1]');
    expect(e.message).toContain('not an IPv4 address');
  });

  it('rejects a record outside its zone', () => {
    expect(errorOf(ok + '      - www.other.test. A 127.0.0.1\n').message).toContain('outside zone v.test');
  });

  it('rejects an undefined zone, a non-loopback address, a bad override', () => {
    expect(errorOf(ok.replace('zones: [v.test]', 'zones: [w.test]')).key).toBe('servers[0].zones[0]');
    expect(errorOf(ok.replace('127.0.12.1', '192.0.2.1')).key).toBe('servers[0].address');
    const bad = ok.replace(
      'zones: [v.test] }',
      'zones: [v.test], overrides: ["x.elsewhere.test. A 127.0.0.1"] }',
    );
    expect(errorOf(bad).key).toBe('servers[0].overrides[0]');
  });

  it('rejects two servers on one address', () => {
    const dup = ok.replace(
      '  - { name: ns.v.test, address: 127.0.12.1, zones: [v.test] }',
      '  - { name: ns.v.test, address: 127.0.12.1, zones: [v.test] }\n  - { name: ns2.v.test, address: 127.0.12.1 }',
    );
    expect(errorOf(dup).key).toBe('servers[1].address');
  });

  it('reports a missing scenario file', () => {
    expect(() => loadScenario('fixtures/scenarios/nope.yaml')).toThrow('not found');
  });

  it('startLab rejects an invalid scenario before binding anything', async () => {
    await expect(startLab('servers: []\nzones: {}\n')).rejects.toThrow(ScenarioError);
  });
});
