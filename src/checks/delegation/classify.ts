/** Sorts one authoritative server's reply into data, a referral further down, or lameness. Pure. */
import type { DnsRecord, QueryOutcome } from '../../dns/types.js';
import { displayName, isAtOrBelow, isBelow, normalizeName } from '../../dns/names.js';
import { failureText, formatRecordFor } from './format.js';

export type AuthReply =
  | {
      kind: 'data';
      rcode: 'NOERROR' | 'NXDOMAIN';
      /** Answer section records (CNAME chain included). */
      records: DnsRecord[];
      /** Comparable form: TTLs left out, order ignored. */
      key: string;
      /** Presentation: `A 192.0.2.1, A 192.0.2.2`, `NXDOMAIN`, `no records (NODATA)`. */
      text: string;
    }
  | { kind: 'referral'; child: string; key: string; text: string }
  | { kind: 'lame'; text: string };

export const NODATA_TEXT = 'no records (NODATA)';

/** Key and text for a set of answer records (empty: NODATA). */
export function recordsView(records: readonly DnsRecord[], qname: string): { key: string; text: string } {
  if (records.length === 0) return { key: 'NODATA', text: NODATA_TEXT };
  const shown = records.map((r) => formatRecordFor(r, qname));
  const key = records
    .map((r) => `${r.name} ${formatRecordFor(r, '')}`)
    .sort()
    .join('\n');
  return { key, text: [...new Set(shown)].join(', ') };
}

/** NS owner names in the authority section, lower-case. */
function referralOwners(records: readonly DnsRecord[]): { owner: string; targets: string[] }[] {
  const byOwner = new Map<string, string[]>();
  for (const r of records) {
    if (r.type !== 'NS') continue;
    const owner = normalizeName(r.name);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), String(r.data)]);
  }
  return [...byOwner].map(([owner, targets]) => ({ owner, targets }));
}

/** Classifies the reply of a server that should be authoritative for zone, to the question qname. */
export function classifyAuthoritative(outcome: QueryOutcome, qname: string, zone: string): AuthReply {
  if (!outcome.ok) return { kind: 'lame', text: failureText(outcome) };
  const res = outcome.response;
  if (res.rcode !== 'NOERROR' && res.rcode !== 'NXDOMAIN') return { kind: 'lame', text: res.rcode };
  const q = normalizeName(qname);
  const z = normalizeName(zone);
  if (!res.flags.aa) {
    if (res.answers.length === 0) {
      const refs = referralOwners(res.authorities);
      const down = refs.find((r) => isBelow(r.owner, z) && isAtOrBelow(q, r.owner));
      if (down && res.rcode === 'NOERROR') {
        return {
          kind: 'referral',
          child: down.owner,
          key: `REFERRAL ${down.owner}`,
          text: `referral to ${down.owner}`,
        };
      }
      const up = refs[0];
      if (up) {
        return {
          kind: 'lame',
          text: `upward referral to ${displayName(up.owner)} (${up.targets.join(', ')}), not authoritative`,
        };
      }
      return { kind: 'lame', text: `${res.rcode} without the AA bit (not authoritative)` };
    }
    return {
      kind: 'lame',
      text: `answer without the AA bit (not authoritative): ${recordsView(res.answers, q).text}`,
    };
  }
  if (res.rcode === 'NXDOMAIN')
    return { kind: 'data', rcode: 'NXDOMAIN', records: [], key: 'NXDOMAIN', text: 'NXDOMAIN' };
  const view = recordsView(res.answers, q);
  return { kind: 'data', rcode: 'NOERROR', records: res.answers, key: view.key, text: view.text };
}
