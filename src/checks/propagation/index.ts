export {
  gatherPropagation,
  type PropagationDeps,
  type PropagationEvidence,
  type PropagationQuery,
  type ResolverReply,
} from './gather.js';
export { judgePropagation } from './judge.js';
export { checkPropagation, propagationQuestions, type PropagationQuestion } from './check.js';
