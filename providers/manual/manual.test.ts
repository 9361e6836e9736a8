import { describe, expect, it } from '@jest/globals';
import { runConformance, type ConformanceHarness } from '../conformance.js';
import { createProvider } from '../registry.js';
import type { ManualStep } from '../types.js';
import { expectPromptCancel } from '../__testing__/cancel.test-helper.js';
import { meta } from './meta.js';

/** An operator who does exactly what the printed instructions say. */
function operator() {
  const zone = new Map<string, string[]>();
  const printed: string[] = [];
  const steps: ManualStep[] = [];
  return {
    zone,
    printed,
    steps,
    output: { write: (s: string) => printed.push(s) },
    confirm: async (s: ManualStep) => {
      steps.push(s);
      const list = zone.get(s.fqdn) ?? [];
      if (s.action === 'add' && !list.includes(s.value)) list.push(s.value);
      if (s.action === 'remove' && list.includes(s.value)) list.splice(list.indexOf(s.value), 1);
      zone.set(s.fqdn, list);
    },
  };
}

async function harness(): Promise<ConformanceHarness> {
  const o = operator();
  return {
    meta,
    fqdn: '_acme-challenge.example.com',
    env: {},
    opts: { output: o.output, confirm: o.confirm },
    values: (f) => o.zone.get(f) ?? [],
    seed: (f, v) => void o.zone.set(f, [...(o.zone.get(f) ?? []), v]),
  };
}

runConformance('manual', harness);

describe('manual instructions', () => {
  it('prints the record to add, waits for the confirmation, then prints what to remove', async () => {
    const o = operator();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const p = await createProvider(
      'manual',
      {},
      {
        output: o.output,
        confirm: async (s) => {
          await o.confirm(s);
          await gate;
        },
      },
    );
    let done = false;
    const created = p.createTxt('_acme-challenge.example.com', 'tok1').then((h) => ((done = true), h));
    await new Promise((r) => setImmediate(r));
    expect(o.printed[0]).toContain('_acme-challenge.example.com. 120 IN TXT "tok1"');
    expect(done).toBe(false);
    release();
    const h = await created;
    await p.deleteTxt(h);
    expect(o.printed[1]).toContain('remove this TXT record (only this value)');
    expect(o.printed[1]).toContain('_acme-challenge.example.com. IN TXT "tok1"');
    expect(o.steps.map((s) => s.action)).toEqual(['add', 'remove']);
  });

  it('refuses to run without a terminal to show the record and wait for Enter', async () => {
    await expect(createProvider('manual', {})).rejects.toThrow(/needs a terminal/);
  });
});

describe('manual: cancellation', () => {
  it('an abort ends the wait for the operator, and the confirmation is told to stop listening', async () => {
    let told: AbortSignal | undefined;
    const p = await createProvider(
      'manual',
      {},
      {
        output: { write: () => true },
        confirm: (_s, signal) => {
          told = signal;
          return new Promise<void>(() => undefined);
        },
      },
    );
    const e = await expectPromptCancel(
      (signal) => p.createTxt('_acme-challenge.example.com', 'v', signal),
      [],
    );
    expect(e.message).toBe(
      'waiting for the operator to add _acme-challenge.example.com TXT: cancelled (SIGINT)',
    );
    expect(told?.aborted).toBe(true);
  });
});
