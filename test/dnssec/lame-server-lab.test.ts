/**
 * The validator asks a zone's other servers when one refuses, fails or times out, as a resolver does
 * (issue 15, point 6): one lame server of two never makes the chain indeterminate, on any run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startLab, type Lab } from '../../src/lab/index.js';
import { createEngineContext } from '../../src/engine/create-context.js';
import { dnssecFamily } from '../../src/engine/families/dnssec.js';
import { parseIdentifiers } from '../../src/engine/preflight.js';
import type { CheckSettings } from '../../src/engine/context.js';
import { rr, signedScenario, SIGNED_NOW } from './signed-lab.js';

const RUNS = Number(process.env.RUNS ?? 8);
const settings: CheckSettings = {
  challenge: 'http-01',
  issuerDomain: 'letsencrypt.org',
  now: SIGNED_NOW,
  skip: new Set(),
};

describe('DNSSEC validation with a lame server beside a good one', () => {
  let lab: Lab;
  beforeAll(async () => {
    const zone = (apex: string, i: number, fault: 'refused' | 'timeout' | 'servfail' | 'noaa') => ({
      apex,
      records: [
        rr(apex, 'A', '127.0.0.10'),
        rr(apex, 'CAA', { flags: 0, tag: 'issue', value: 'letsencrypt.org' }),
      ],
      servers: [
        // The lame one sorts first, so it is asked first on every run.
        { name: `a.${apex}`, address: `127.0.71.${i}`, fault: { mode: fault } },
        { name: `b.${apex}`, address: `127.0.72.${i}` },
      ],
    });
    lab = await startLab(
      signedScenario([
        zone('refusing.test', 1, 'refused'),
        zone('silent.test', 2, 'timeout'),
        zone('failing.test', 3, 'servfail'),
        zone('noaa.test', 4, 'noaa'),
      ]),
    );
  });
  afterAll(() => lab.stop());

  const judged = async (name: string): Promise<string[]> => {
    const ctx = createEngineContext(lab.profile, settings);
    const [id] = parseIdentifiers([name]);
    const ev = await dnssecFamily.gather(ctx, id!);
    const codes = dnssecFamily
      .judge(ev, { id: id!, settings, policy: lab.profile })
      .map((f) => `${f.code}:${f.severity}`);
    const statuses = ev.lookups.map((l) => `${l.type} ${l.result.status}`);
    ctx.client.close?.();
    return [...statuses, ...codes];
  };

  it.each(['refusing.test', 'silent.test', 'failing.test', 'noaa.test'])(
    '%s validates as secure on every run',
    async (name) => {
      const results = [];
      for (let i = 0; i < RUNS; i++) results.push(await judged(name));
      expect(results[0]).toEqual(['A secure', 'AAAA secure', 'CAA secure']);
      expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    },
    60_000,
  );

  it('is indeterminate, naming every server, when both servers are lame', async () => {
    lab.setFault('b.refusing.test', { mode: 'refused' });
    try {
      const ctx = createEngineContext(lab.profile, settings);
      const [id] = parseIdentifiers(['refusing.test']);
      const ev = await dnssecFamily.gather(ctx, id!);
      const a = ev.lookups[0]!.result;
      expect(a.status).toBe('indeterminate');
      if (a.status === 'indeterminate') {
        expect(a.detail).toContain('a.refusing.test 127.0.71.1');
        expect(a.detail).toContain('b.refusing.test 127.0.72.1');
        expect(a.detail).toContain('REFUSED');
      }
      ctx.client.close?.();
    } finally {
      lab.setFault('b.refusing.test', undefined);
    }
  });
});
