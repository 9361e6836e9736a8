/** Guaranteed cleanup of test records: success, errors, signals; and `cleanup --stale`. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { IterativeResolver } from '../../src/dns/iterative.js';
import { cleanup, present, gatherTestRecord, withGuardedRecord } from '../../src/solve/dns01.js';
import { judgeTestRecord } from '../../src/checks/dns01/test-record.js';
import { RecordStore, TEST_VALUE_PREFIX, defaultStatePath } from '../../src/solve/store.js';
import { FakeLabProvider, snapshot } from './fake-provider.js';

const NS1 = 'ns1.dns01.test';
const NS2 = 'ns2.dns01.test';

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

  it('success: placed, seen by both servers, removed', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: 150 }, nameservers: [NS2, NS1] });
    const store = new RecordStore(join(dir, 'ok.json'));
    const r = await testRecordFlow(provider, 'www.prop.test', opts({ store }));
    expect(r.effective).toBe('_acme-challenge.www.prop.test');
    expect(r.value).toBe(`${TEST_VALUE_PREFIX}fixed`);
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_TEST_RECORD_VISIBLE']);
    expect(r.propagation?.targets.map((t) => t.firstSeenMs! >= 0)).toEqual([true, true]);
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
      ...opts(),
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
      { store },
    );
    expect((out.error as Error).message).toBe('boom');
    expect(store.list()).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'])('%s mid-wait: the watch ends and the record is deleted', async (sig) => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: -1 } });
    const abort = new AbortController();
    const store = new RecordStore(join(dir, `${sig}.json`));
    const started = performance.now();
    const r = await testRecordFlow(provider, 'www.prop.test', {
      ...opts({ signal: abort.signal, store }),
      timeoutMs: 10_000,
      onEvent: (e) => {
        if (e.type === 'seen') setTimeout(() => abort.abort(new Error(sig)), 50);
      },
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.propagation?.aborted).toBe(true);
    expect(provider.calls.filter((c) => c.startsWith('delete'))).toHaveLength(1);
    expect(store.list()).toEqual([]);
  });

  it('aborted before the create: nothing is created', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: 0 } });
    const out = await withGuardedRecord(provider, '_acme-challenge.www.prop.test', 'v', async () => 1, {
      signal: AbortSignal.abort(new Error('SIGINT')),
    });
    expect(out.createError).toBe('not created: SIGINT');
    expect(provider.calls).toEqual([]);
  });

  it('present stopped mid-wait removes what it created and rejects with the reason', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: -1 } });
    const abort = new AbortController();
    const store = new RecordStore(join(dir, 'present-sig.json'));
    const p = present(provider, 'www.prop.test', 'placed-value', {
      ...opts({ signal: abort.signal, store }),
      timeoutMs: 10_000,
      onEvent: (e) => {
        if (e.type === 'seen') abort.abort(new Error('SIGTERM'));
      },
    });
    await expect(p).rejects.toThrow('SIGTERM');
    expect(provider.calls).toEqual([
      'create _acme-challenge.www.prop.test placed-value',
      'delete _acme-challenge.www.prop.test placed-value',
    ]);
    expect(store.list()).toEqual([]);
  });

  it('wrong provider: nothing is created', async () => {
    const provider = new FakeLabProvider(lab, {
      servers: { [NS1]: 0 },
      nameservers: ['ns1.elsewhere.example'],
    });
    const r = await testRecordFlow(provider, 'www.prop.test', opts());
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_WRONG_PROVIDER']);
    expect(r.findings[0]!.detail).toContain('ns1.dns01.test');
    expect(provider.calls).toEqual([]);
  });

  it('create fails: a provider finding, no record', async () => {
    const provider = new FakeLabProvider(lab, { servers: { [NS1]: 0 }, failCreate: true });
    const r = await testRecordFlow(provider, 'www.prop.test', opts());
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_PROVIDER_FAILED']);
    expect(r.findings[0]!.detail).toContain('403');
  });

  it('follows the _acme-challenge CNAME and places the record at the target', async () => {
    const provider = new FakeLabProvider(lab, { servers: { 'ns1.acmedns.test': 0 } });
    const r = await testRecordFlow(provider, 'cname.dns01.test', opts());
    expect(r.effective).toBe('8f3c.auth.acmedns.test');
    expect(r.findings.map((f) => f.code)).toEqual(['DNS01_TEST_RECORD_VISIBLE']);
    expect(provider.calls[0]).toMatch(/^create 8f3c\.auth\.acmedns\.test acme-preflight-test-/);
  });

  it('a failed delete is reported and kept for `cleanup --stale`, which removes only test records', async () => {
    const path = join(dir, 'stale.json');
    const store = new RecordStore(path);
    const failing = new FakeLabProvider(lab, { servers: { [NS1]: 0, [NS2]: 0 }, failDelete: true });
    const r = await testRecordFlow(failing, 'www.prop.test', opts({ store }));
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
