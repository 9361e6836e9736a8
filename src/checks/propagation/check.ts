/** Which questions to compare for a challenge, and gather plus judge in one call. */
import { isDnsChallenge, type Challenge, type Finding } from '../../report/finding.js';
import { gatherPropagation, type PropagationDeps } from './gather.js';
import { judgePropagation } from './judge.js';
import { acmeChallengeName, type NameRef } from '../../identifiers.js';

export interface PropagationQuestion {
  name: string;
  types: string[];
}

/** The records the CA reads for this challenge: addresses or the challenge TXT, and CAA always. */
export function propagationQuestions(
  id: NameRef,
  challenge: Challenge,
  txtName?: string,
): PropagationQuestion[] {
  const base = id.base;
  if (isDnsChallenge(challenge)) {
    return [
      { name: txtName ?? acmeChallengeName(base), types: ['TXT'] },
      { name: base, types: ['CAA'] },
    ];
  }
  return [{ name: base, types: ['A', 'AAAA', 'CAA'] }];
}

export async function checkPropagation(
  deps: PropagationDeps,
  id: NameRef,
  challenge: Challenge,
  txtName?: string,
): Promise<Finding[]> {
  const evidence = await Promise.all(
    propagationQuestions(id, challenge, txtName).map((q) => gatherPropagation(deps, q.name, q.types)),
  );
  return evidence.flatMap((ev) => judgePropagation(ev, id.value));
}
