/** Gather and judge in one call, for the planner. */
import type { IterativeResolverApi } from '../../dns/api.js';
import type { Finding } from '../../report/finding.js';
import { gatherDelegation } from './gather.js';
import { judgeDelegation, type DelegationJudgeOptions } from './judge.js';

export async function checkDelegation(
  resolver: IterativeResolverApi,
  identifier: string,
  opts: DelegationJudgeOptions & { txtName?: string } = {},
): Promise<Finding[]> {
  const ev = await gatherDelegation(resolver, identifier, opts.challenge, opts.txtName);
  return judgeDelegation(ev, identifier, opts);
}
