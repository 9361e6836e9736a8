export { gatherDelegation, type DelegationEvidence, type AskAllResult, type AskedQuery } from './gather.js';
export { judgeDelegation, type DelegationJudgeOptions } from './judge.js';
export { formatRecordShort } from './format.js';
export { checkDelegation } from './check.js';
export { isRegistryZone } from './judge.js';
