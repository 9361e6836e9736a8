import type { CheckFamily } from '../context.js';
import type { DnsProvider } from '../../../providers/types.js';
import { gatherDns01 } from '../../checks/dns01/gather.js';
import type { Dns01TxtEvidence } from '../../checks/dns01/judge.js';
import { judgeDns01Readiness } from '../../checks/dns01/readiness.js';
import { accountChallengeName } from '../../checks/dns01/account.js';
import { judgeTestRecord, type TestRecordEvidence } from '../../checks/dns01/test-record.js';

export interface Dns01FamilyOptions {
  /** With a provider, a test record is placed, watched and removed (src/solve/dns01.ts). */
  provider?: DnsProvider;
  /** Where test-record handles are kept between runs. */
  statePath?: string;
  propagationTimeoutMs?: number;
  /** The run's stop signal: the test record's watch ends and the record is removed. */
  signal?: AbortSignal;
}

export interface Dns01Evidence {
  /** `_acme-challenge.<name>` as the CA's resolver and every authoritative server answer it. */
  readiness: Dns01TxtEvidence;
  /** With a provider, and only when readiness has no error: the test record's flow. */
  testRecord?: TestRecordEvidence;
}

/** DNS-01 readiness of `_acme-challenge.<name>`; with a provider, a real test record end to end. */
export function createDns01Family(opts: Dns01FamilyOptions = {}): CheckFamily<Dns01Evidence> {
  return {
    name: 'dns-01',
    // dns-account-01 is dns-01 at the account's own label.
    applies: (id, s) => id.type === 'dns' && (s.challenge === 'dns-01' || s.challenge === 'dns-account-01'),
    async gather(ctx, id) {
      const account = ctx.settings.challenge === 'dns-account-01' ? ctx.settings.accountUri : undefined;
      const readiness = await gatherDns01(
        ctx.resolver,
        id,
        account !== undefined ? { name: accountChallengeName(id.value, account) } : {},
      );
      if (!opts.provider) return { readiness };
      // A name the CA could not use anyway is not worth a record at the provider.
      const policy = { extraPublicSuffixes: ctx.profile.extraPublicSuffixes };
      if (judgeDns01Readiness(readiness, policy).some((f) => f.severity === 'error')) return { readiness };
      const [{ gatherTestRecord }, { RecordStore }] = await Promise.all([
        import('../../solve/dns01.js'),
        import('../../solve/store.js'),
      ]);
      const testRecord = await gatherTestRecord(opts.provider, id.value, {
        profile: ctx.profile,
        resolver: ctx.resolver,
        store: new RecordStore(opts.statePath),
        timeoutMs: opts.propagationTimeoutMs,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(account !== undefined ? { accountUri: account } : {}),
      });
      return { readiness, testRecord };
    },
    judge(ev, { policy }) {
      const findings = judgeDns01Readiness(ev.readiness, { extraPublicSuffixes: policy.extraPublicSuffixes });
      return ev.testRecord ? [...findings, ...judgeTestRecord(ev.testRecord)] : findings;
    },
  };
}

export const dns01Family: CheckFamily<Dns01Evidence> = createDns01Family();
