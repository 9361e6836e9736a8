import type { CheckFamily } from '../context.js';
import type { DnsProvider } from '../../../providers/types.js';
import { gatherDns01 } from '../../checks/dns01/gather.js';
import { judgeDns01Readiness } from '../../checks/dns01/readiness.js';

export interface Dns01FamilyOptions {
  /** With a provider, a test record is placed, watched and removed (src/solve/dns01.ts). */
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
        import('../../solve/dns01.js'),
        import('../../solve/store.js'),
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
