export { gatherDelegation, type DelegationEvidence, type AskAllResult, type AskedQuery } from './gather.js';
export { judgeDelegation, type DelegationJudgeOptions } from './judge.js';
export { formatRecordShort } from './present.js';
export { checkDelegation } from './run.js';
export { isRegistryZone } from './judge.js';
