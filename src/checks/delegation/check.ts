/** Gather and judge in one call, for the planner. */
import type { IterativeResolverApi } from '../../dns/api.js';
import type { Finding } from '../../report/finding.js';
import { gatherDelegation } from './gather.js';
import type { NameRef } from '../../identifiers.js';
import { judgeDelegation, type DelegationJudgeOptions } from './judge.js';

export async function checkDelegation(
  resolver: IterativeResolverApi,
  id: NameRef,
  opts: DelegationJudgeOptions & { txtName?: string } = {},
): Promise<Finding[]> {
  const ev = await gatherDelegation(resolver, id, opts.challenge, opts.txtName);
  return judgeDelegation(ev, id.value, opts);
}
