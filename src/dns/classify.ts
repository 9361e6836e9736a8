/** Pure judgement of one authoritative exchange during an iterative walk. */
import type { LookupStatus } from './api.js';
import type { DnsResponse, QueryOutcome } from './types.js';
import { isAtOrBelow, isBelow } from './names.js';

export type Step =
  /** An authoritative final word: records, CNAME, NODATA or NXDOMAIN. */
  | { kind: 'answer'; response: DnsResponse }
  /** A referral to a zone strictly below the one asked. */
  | { kind: 'referral'; child: string; response: DnsResponse }
  /** This server is no use; try the next one. */
  | { kind: 'problem'; status: LookupStatus; note: string };

/**
 * Outcomes are shared through the client's cache and every walk through a zone asks the same questions,
 * so the pure classification is kept per outcome and question.
 */
const steps = new WeakMap<QueryOutcome, { zone: string; qname: string; qtype: string; step: Step }>();

/** What a server of `zone` said when asked qname/qtype with RD clear. */
export function classifyStep(outcome: QueryOutcome, zone: string, qname: string, qtype: string): Step {
  // One entry per outcome: an outcome answers one question, asked of one zone's server.
  const known = steps.get(outcome);
  if (known && known.zone === zone && known.qname === qname && known.qtype === qtype) return known.step;
  const step = classifyOnce(outcome, zone, qname, qtype);
  steps.set(outcome, { zone, qname, qtype, step });
  return step;
}

function classifyOnce(outcome: QueryOutcome, zone: string, qname: string, qtype: string): Step {
  if (!outcome.ok) {
    const f = outcome.failure;
    if (f.kind === 'malformed') return { kind: 'problem', status: 'MALFORMED', note: f.message };
    return { kind: 'problem', status: 'TIMEOUT', note: f.message };
  }
  const r = outcome.response;
  if (r.rcode === 'SERVFAIL') return { kind: 'problem', status: 'SERVFAIL', note: 'answered SERVFAIL' };
  if (r.rcode === 'REFUSED') return { kind: 'problem', status: 'REFUSED', note: 'answered REFUSED' };
  if (r.rcode !== 'NOERROR' && r.rcode !== 'NXDOMAIN') {
    return { kind: 'problem', status: 'SERVFAIL', note: `answered ${r.rcode}` };
  }
  const relevant = r.answers.some((a) => a.name === qname && (a.type === qtype || a.type === 'CNAME'));
  if (r.rcode === 'NXDOMAIN' || relevant) {
    if (r.flags.aa) return { kind: 'answer', response: r };
    return {
      kind: 'problem',
      status: 'LAME',
      note: `answered ${r.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'records'} without the AA bit (not authoritative)`,
    };
  }
  const cuts = [...new Set(r.authorities.filter((a) => a.type === 'NS').map((a) => a.name))];
  const child = cuts.find((c) => isBelow(c, zone) && isAtOrBelow(qname, c));
  if (child !== undefined) return { kind: 'referral', child, response: r };
  if (r.flags.aa) return { kind: 'answer', response: r };
  if (cuts.length > 0) {
    const to = cuts.map((c) => (c === '' ? '.' : c)).join(', ');
    return {
      kind: 'problem',
      status: 'LAME',
      note: `gave an upward or sideways referral (to ${to}) instead of answering`,
    };
  }
  return {
    kind: 'problem',
    status: 'LAME',
    note: 'answered without the AA bit and without a referral (lame)',
  };
}
