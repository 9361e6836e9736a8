/** Which answers the CA's validation depends on, per challenge. */
import { isDnsChallenge, type Challenge } from '../../report/finding.js';
import { ACME_CHALLENGE_LABEL } from '../../identifiers.js';

/** True when the CA would look up type at name for this challenge (undefined: any challenge). */
export function caUses(q: { name: string; type: string }, challenge?: Challenge): boolean {
  if (q.type === 'CAA' || q.type === 'CNAME') return true; // CAA always; a CNAME redirects every lookup
  // With a DNS challenge the only TXT asked is the one its validation reads (delegationQuestions).
  if (q.type === 'TXT')
    return (
      isDnsChallenge(challenge) || (challenge === undefined && q.name.startsWith(`${ACME_CHALLENGE_LABEL}.`))
    );
  if (q.type === 'A' || q.type === 'AAAA') return challenge === undefined || !isDnsChallenge(challenge);
  return false;
}

/** The CA's message when every server fails this lookup (Boulder bdns wording). */
export function caFailureMessage(
  q: { name: string; type: string },
  allTimeouts: boolean,
  identifier: string,
): string {
  const dnsPart = allTimeouts
    ? `DNS problem: query timed out looking up ${q.type} for ${q.name}`
    : `DNS problem: SERVFAIL looking up ${q.type} for ${q.name} - the domain's nameservers may be malfunctioning`;
  return q.type === 'CAA' ? `While processing CAA for ${identifier}: ${dnsPart}` : dnsPart;
}
