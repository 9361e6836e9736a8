import type { CheckFamily } from '../../engine/context.js';
import type { DnsProvider } from '../../../providers/types.js';
import { gatherDns01 } from '../dns01/gather.js';
import { judgeDns01Readiness } from '../dns01/readiness.js';

export interface Dns01FamilyOptions {
  /** With a provider, a test record is placed, watched and removed (src/dns01/run.ts). */
  provider?: DnsProvider;
  /** Where test-record handles are kept between runs. */
  statePath?: string;
  propagationTimeoutMs?: number;
}

/** DNS-01 readiness of `_acme-challenge.<name>`; with a provider, a real test record end to end. */
export function createDns01Family(opts: Dns01FamilyOptions = {}): CheckFamily {
  return {
    name: 'dns-01',
    applies: (id, s) => id.type === 'dns' && s.challenge === 'dns-01',
    async run(ctx, id) {
      const ev = await gatherDns01(ctx.resolver, id.value);
      const findings = judgeDns01Readiness(ev, { extraPublicSuffixes: ctx.profile.extraPublicSuffixes });
      if (!opts.provider || findings.some((f) => f.severity === 'error')) return findings;
      const [{ testRecordFlow }, { RecordStore }] = await Promise.all([
        import('../../dns01/run.js'),
        import('../../dns01/store.js'),
      ]);
      const test = await testRecordFlow(opts.provider, id.value, {
        profile: ctx.profile,
        resolver: ctx.resolver,
        store: new RecordStore(opts.statePath),
        timeoutMs: opts.propagationTimeoutMs,
      });
      return [...findings, ...test.findings];
    },
  };
}

export const dns01Family: CheckFamily = createDns01Family();
