/** Guaranteed cleanup of test records: success, errors, signals; and `cleanup --stale`. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import {
  cleanup,
  present,
  gatherTestRecord,
  withGuardedRecord,
  type SignalHost,
} from '../../src/solve/dns01.js';
import { judgeTestRecord } from '../../src/checks/dns01/test-record.js';
import { RecordStore, TEST_VALUE_PREFIX, defaultStatePath } from '../../src/solve/store.js';
import { FakeLabProvider, snapshot } from './fake-provider.js';

const NS1 = 'ns1.dns01.test';
const NS2 = 'ns2.dns01.test';

class FakeSignals implements SignalHost {
  readonly handlers = new Map<string, (() => void)[]>();
  readonly exits: number[] = [];
  on(s: string, h: () => void): void {
    this.handlers.set(s, [...(this.handlers.get(s) ?? []), h]);
  }
  off(s: string, h: () => void): void {
    this.handlers.set(
      s,
      (this.handlers.get(s) ?? []).filter((x) => x !== h),
    );
  }
  exit(code: number): void {
    this.exits.push(code);
  }
  count(): number {
    return [...this.handlers.values()].reduce((n, hs) => n + hs.length, 0);
  }
  fire(s: string): void {
    for (const h of this.handlers.get(s) ?? []) h();
  }
}

/** Gathers the flow's evidence and judges it, also after a JSON round trip (evidence is plain data). */
async function testRecordFlow(...args: Parameters<typeof gatherTestRecord>) {
  const ev = await gatherTestRecord(...args);
  const copy = JSON.parse(JSON.stringify(ev)) as typeof ev;
  expect(copy).toStrictEqual(ev);
  const findings = judgeTestRecord(ev);
  expect(judgeTestRecord(copy)).toStrictEqual(findings);
  const stage = ev.stage.kind === 'watched' ? ev.stage : undefined;
  return { ...ev, value: stage?.value, propagation: stage?.propagation, findings };
}

describe('guaranteed cleanup of the test record', () => {
  let lab: Lab;
  let before: string[];
  let dir: string;
  beforeAll(async () => {
    lab = await startLab('fixtures/scenarios/dns01-lab.yaml');
    lab.profile.extraPublicSuffixes = ['test'];
    before = snapshot(lab);
    dir = mkdtempSync(join(tmpdir(), 'dns01-'));
  });
  afterAll(async () => {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => expect(snapshot(lab)).toEqual(before));

  const opts = (extra: object = {}) => ({
    profile: lab.profile,
    resolver: new IterativeResolver(lab.profile),
    random: () => 'fixed',
    ...extra,
  });

  it('success: placed, seen by both servers, removed; handlers uninstalled', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: 150 }, nameservers: [NS2, NS1] });
    const signals = new FakeSignals();
    const store = new RecordStore(join(dir, 'ok.json'));
    let during = 0;
    const r = await testRecordFlow(provider, 'www.prop.test', {
      ...opts({ signals, store }),
      onEvent: (e) => {
        if (e.type === 'round') during = Math.max(during, signals.count());
      },
    });
    expect(r.effective).toBe('_acme-challenge.www.prop.test');
    expect(r.value).toBe(`${TEST_VALUE_PREFIX}fixed`);
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_TEST_RECORD_VISIBLE']);
    expect(r.propagation?.targets.map((t) => t.firstSeenMs! >= 0)).toEqual([true, true]);
    expect(during).toBe(2);
    expect(signals.count()).toBe(0);
    expect(provider.calls).toEqual([
      `create _acme-challenge.www.prop.test ${TEST_VALUE_PREFIX}fixed`,
      `delete _acme-challenge.www.prop.test ${TEST_VALUE_PREFIX}fixed`,
    ]);
    expect(store.list()).toEqual([]);
  });

  it('error mid-wait: the record is still removed', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: -1 } });
    let calls = 0;
    const r = await testRecordFlow(provider, 'www.prop.test', {
      ...opts({ signals: new FakeSignals() }),
      queryFn: async () => {
        if (++calls > 2) throw new Error('socket exploded');
        return {
          ok: false,
          failure: {
            server: 'x',
            question: { name: 'x', type: 'TXT' },
            kind: 'timeout',
            message: 'timeout',
            rttMs: 1,
          },
        };
      },
      timeoutMs: 5000,
    });
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_PROPAGATION_TIMEOUT']);
    expect(r.findings[0]!.detail).toContain('socket exploded');
    expect(provider.calls.filter((c) => c.startsWith('delete'))).toHaveLength(1);
  });

  it('an exception thrown by the work is reported and the record removed', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: 0 } });
    const store = new RecordStore();
    const out = await withGuardedRecord(
      provider,
      '_acme-challenge.www.prop.test',
      'v',
      async () => {
        expect(snapshot(lab)).not.toEqual(before);
        throw new Error('boom');
      },
      { signals: new FakeSignals(), store },
    );
    expect((out.error as Error).message).toBe('boom');
    expect(store.list()).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])('%s mid-wait: deletes the record, then exits %i', async (sig, code) => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: -1 } });
    const signals = new FakeSignals();
    const store = new RecordStore(join(dir, `${sig}.json`));
    const flow = testRecordFlow(provider, 'www.prop.test', {
      ...opts({ signals, store }),
      timeoutMs: 10_000,
      onEvent: (e) => {
        if (e.type === 'seen') setTimeout(() => signals.fire(sig), 50);
      },
    });
    const r = await flow;
    await new Promise((res) => setTimeout(res, 20));
    expect(signals.exits).toEqual([code]);
    expect(r.propagation?.aborted).toBe(true);
    expect(provider.calls.filter((c) => c.startsWith('delete'))).toHaveLength(1);
    expect(store.list()).toEqual([]);
    expect(signals.count()).toBe(0);
  });

  it('wrong provider: nothing is created', async () => {
    const provider = new FakeLabProvider(lab, {
      servers: { [NS1]: 0 },
      nameservers: ['ns1.elsewhere.example'],
    });
    const r = await testRecordFlow(provider, 'www.prop.test', opts({ signals: new FakeSignals() }));
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_WRONG_PROVIDER']);
    expect(r.findings[0]!.detail).toContain('ns1.dns01.test');
    expect(provider.calls).toEqual([]);
  });

  it('create fails: a provider finding, no record', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0 }, failCreate: true });
    const signals = new FakeSignals();
    const r = await testRecordFlow(provider, 'www.prop.test', opts({ signals }));
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_PROVIDER_FAILED']);
    expect(r.findings[0]!.detail).toContain('403');
    expect(signals.count()).toBe(0);
  });

  it('follows the _acme-challenge CNAME and places the record at the target', async () => {
    const provider = new FakeLabProvider(lab, { servers: { 'ns1.acmedns.test': 0 } });
    const r = await testRecordFlow(provider, 'cname.dns01.test', opts({ signals: new FakeSignals() }));
    expect(r.effective).toBe('8f3c.auth.acmedns.test');
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_TEST_RECORD_VISIBLE']);
    expect(provider.calls[0]).toMatch(/^create 8f3c\.auth\.acmedns\.test acme-preflight-test-/);
  });

  it('a failed delete is reported and kept for `cleanup --stale`, which removes only test records', async () => {
    const path = join(dir, 'stale.json');
    const store = new RecordStore(path);
    const failing = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: 0 }, failDelete: true });
    const r = await testRecordFlow(failing, 'www.prop.test', opts({ signals: new FakeSignals(), store }));
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_TEST_RECORD_VISIBLE', 'DNS01_CLEANUP_FAILED']);
    expect(store.list().map((s) => s.handle.value)).toEqual([`${TEST_VALUE_PREFIX}fixed`]);
    expect(JSON.parse(readFileSync(path, 'utf8')).records).toHaveLength(1);

    // Someone else's test-looking value and a real record: never touched.
    lab.addRecord(NS1, `_acme-challenge.www.prop.test. 60 IN TXT "${TEST_VALUE_PREFIX}not-ours"`);
    const working = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: 0 } });
    await present(working, 'www.prop.test', 'real-challenge-value', opts({ store, wait: false }));
    const c = await cleanup(working, 'www.prop.test', opts({ store, stale: true }));
    expect(c.removed.map((h) => h.value)).toEqual([`${TEST_VALUE_PREFIX}fixed`]);
    expect(c.unmanaged).toEqual([`${TEST_VALUE_PREFIX}not-ours`]);
    expect(store.list().map((s) => s.handle.value)).toEqual(['real-challenge-value']);
    expect(snapshot(lab).some((l) => l.includes('real-challenge-value'))).toBe(true);

    // Without --stale, what `present` created is removed too.
    const all = await cleanup(working, 'www.prop.test', opts({ store }));
    expect(all.removed.map((h) => h.value)).toEqual(['real-challenge-value']);
    lab.removeRecord(NS1, `_acme-challenge.www.prop.test. 60 IN TXT "${TEST_VALUE_PREFIX}not-ours"`);
  });

  it('default state path follows XDG_STATE_HOME, then HOME', () => {
    expect(defaultStatePath({ XDG_STATE_HOME: '/s' })).toBe('/s/acme-preflight/records.json');
    expect(defaultStatePath({ HOME: '/h' })).toBe('/h/.local/state/acme-preflight/records.json');
    expect(defaultStatePath({})).toBeUndefined();
  });
});
