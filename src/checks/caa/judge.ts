/** Turns a CAA decision into findings that cite the record, the server, and the record to publish. Pure. */
import { getDomain } from 'tldts';
import type { Identifier } from '../../identifiers.js';
import type { Challenge, Evidence, Finding, FindingCode } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import type { CaaDecision, CaaLookup, CaaReason, CaaRecordData, CaaRecordVerdict } from './evaluate.js';
import { formatCaaValue, type CaaParameter } from './parse.js';
import { caForIssuerDomain } from './issuers.js';
import { caDnsProblem } from '../../report/ca-messages.js';

export interface JudgeCaaOptions {
  issuerDomain: string;
  accountUri?: string;
  method: Challenge;
}

/** Zone-file form of a CAA record, as the remediation asks the user to publish it. */
export const caaRecordText = (name: string, r: CaaRecordData): string =>
  `${name}. CAA ${r.flags} ${r.tag} ${JSON.stringify(r.value)}`;

/** Boulder bdns Error.Error() for a CAA lookup, as the CA's recursive resolver reports it. */
export function caaDnsProblem(lookup: Pick<CaaLookup, 'name' | 'status'>): string {
  return caDnsProblem('CAA', lookup.name, lookup.status);
}

function evidenceOf(lookups: (CaaLookup | undefined)[], fallback: string): Evidence[] {
  const ev = lookups.flatMap((l) => l?.evidence ?? []);
  return ev.length > 0 ? ev : [{ source: 'CAA evaluation', answer: fallback }];
}

/** The value that would authorise us, starting from the user's own record so their other parameters survive. */
function fixedValue(v: CaaRecordVerdict | undefined, opts: JudgeCaaOptions): string {
  const params: CaaParameter[] = [];
  let sawAccount = false;
  let sawMethods = false;
  for (const p of v?.parameters ?? []) {
    if (p.tag === 'accounturi') {
      if (sawAccount) continue;
      sawAccount = true;
      params.push({ tag: p.tag, value: opts.accountUri ?? p.value });
    } else if (p.tag === 'validationmethods') {
      if (sawMethods) continue;
      sawMethods = true;
      const labels = p.value.split(',').filter((m) => /^[A-Za-z0-9-]+$/.test(m));
      if (!labels.includes(opts.method)) labels.push(opts.method);
      params.push({ tag: p.tag, value: labels.join(',') });
    } else {
      params.push(p);
    }
  }
  return formatCaaValue(opts.issuerDomain, params);
}

const DENIAL_CODE: Partial<Record<CaaReason, FindingCode>> = {
  FORBIDS_ISSUER: 'CAA_FORBIDS_ISSUER',
  ONLY_MALFORMED: 'CAA_FORBIDS_ISSUER',
  ISSUEWILD_FORBIDS: 'CAA_ISSUEWILD_FORBIDS',
  ACCOUNTURI_MISMATCH: 'CAA_ACCOUNTURI_MISMATCH',
  VALIDATIONMETHODS_EXCLUDES: 'CAA_VALIDATIONMETHODS_EXCLUDES',
};

export function judgeCaa(decision: CaaDecision, identifier: Identifier, opts: JudgeCaaOptions): Finding[] {
  const id = identifier.value;
  const base = identifier.base;
  const out: Finding[] = [];
  const ca = caForIssuerDomain(opts.issuerDomain)?.name ?? opts.issuerDomain;
  const at = decision.relevantName ?? base;
  const tag = decision.chosenTag ?? (identifier.wildcard ? 'issuewild' : 'issue');
  const prevents = `While processing CAA for ${id}: CAA record for ${at} prevents issuance`;
  const relevantEvidence = evidenceOf([decision.relevantLookup], decision.explanation);
  const listed = decision.records.map((r) => `${caaRecordText(at, r.record)} (${r.note})`).join('; ');

  switch (decision.reason) {
    case 'NO_CAA': {
      const domain = getDomain(base, { allowPrivateDomains: false }) ?? base;
      out.push(
        finding('CAA_NONE', id, {
          detail: `No CAA records at ${base} or any parent up to the TLD; any CA may issue.`,
          evidence: evidenceOf(decision.sets, decision.explanation),
          remediation: `Nothing to do. To allow only ${ca}, publish ${caaRecordText(domain, { flags: 0, tag: 'issue', value: opts.issuerDomain })}.`,
        }),
      );
      break;
    }
    case 'NO_RELEVANT_RECORDS':
      out.push(
        finding('CAA_NO_RELEVANT_RECORDS', id, {
          detail: `The CAA set at ${at} (${(decision.relevantLookup?.records ?? []).map((r) => caaRecordText(at, r)).join('; ')}) has no ${tag} property, so it does not restrict issuance for ${id}.`,
          evidence: relevantEvidence,
          remediation: `Nothing to do. To allow only ${ca}, add ${caaRecordText(at, { flags: 0, tag, value: opts.issuerDomain })}.`,
        }),
      );
      break;
    case 'AUTHORIZED': {
      const match = decision.records.find((r) => r.outcome === 'match');
      out.push(
        finding('CAA_AUTHORIZED', id, {
          detail: `${match ? caaRecordText(at, match.record) : tag} authorises ${opts.issuerDomain} for ${id} with ${opts.method}.`,
          evidence: relevantEvidence,
          remediation: 'Nothing to do.',
        }),
      );
      break;
    }
    case 'ACCOUNTURI_UNVERIFIED': {
      const r = decision.records.find((x) => x.outcome === 'accounturi-unknown');
      const uri = r?.parameters?.find((p) => p.tag === 'accounturi')?.value ?? '';
      out.push(
        finding('CAA_ACCOUNTURI_UNVERIFIED', id, {
          detail: `${r ? caaRecordText(at, r.record) : tag} allows ${opts.issuerDomain} only for the ACME account ${uri}; no account URL was given to compare.`,
          evidence: relevantEvidence,
          remediation: `Make sure the order uses the account ${uri}, or pass your account URL so it can be checked. If it differs, change the record to ${caaRecordText(at, { flags: r?.record.flags ?? 0, tag, value: formatCaaValue(opts.issuerDomain, [{ tag: 'accounturi', value: '<your account URL>' }]) })}.`,
        }),
      );
      break;
    }
    case 'LOOKUP_FAILED': {
      const f = decision.failedLookup;
      const name = f?.name ?? base;
      // Boulder bdns LookupCAA: NXDOMAIN for the TLD itself is an error, not an empty set.
      const tldGone = f?.status === 'NXDOMAIN' && !name.includes('.');
      out.push(
        finding('CAA_LOOKUP_FAILED', id, {
          title: tldGone
            ? `The TLD ${name} does not exist (NXDOMAIN for CAA ${name})`
            : `CAA lookup for ${name} failed`,
          detail: tldGone
            ? `The CAA query for the TLD ${name} answered NXDOMAIN${f?.message ? ` (${f.message})` : ''}. Below the TLD the CA counts NXDOMAIN as "no CAA", but for the TLD itself it is a DNS error, so that the CA never issues under a TLD that is not (or no longer) delegated.`
            : `The CAA query for ${name} failed with ${f?.status ?? 'an error'}${f?.message ? ` (${f.message})` : ''}. The CA needs this answer and fails closed.`,
          evidence: evidenceOf([f], f?.status ?? 'error'),
          remediation: tldGone
            ? `Use a name under a TLD that exists in the root zone; "${name}" is not delegated from the root.`
            : `Make every nameserver of ${name} answer CAA queries: NOERROR with an empty answer when there is no CAA record (some providers and firewalls drop or SERVFAIL unknown types). Then re-check.`,
          caMessage: `While processing CAA for ${id}: ${caaDnsProblem({ name, status: f?.status ?? 'SERVFAIL' })}`,
        }),
      );
      break;
    }
    case 'CRITICAL_UNKNOWN_TAG': {
      const recs = decision.criticalRecords;
      out.push(
        finding('CAA_CRITICAL_UNKNOWN_TAG', id, {
          detail: `The CAA set at ${at} has ${recs.map((r) => caaRecordText(at, r)).join('; ')}: a property the CA does not understand, marked critical (flags ${recs.map((r) => r.flags).join(', ')}), so it must refuse.`,
          evidence: relevantEvidence,
          remediation: `Remove ${recs.map((r) => caaRecordText(at, r)).join(' and ')}, or publish it with flags 0 (${recs.map((r) => caaRecordText(at, { ...r, flags: 0 })).join('; ')}).`,
          caMessage: prevents,
        }),
      );
      break;
    }
    default: {
      const code = DENIAL_CODE[decision.reason] ?? 'CAA_FORBIDS_ISSUER';
      const ours = decision.records.find((r) => r.issuerDomain === opts.issuerDomain);
      const record = caaRecordText(at, {
        flags: ours?.record.flags ?? 0,
        tag,
        value: fixedValue(ours, opts),
      });
      let remediation: string;
      if (ours) {
        remediation = `Replace ${caaRecordText(at, ours.record)} with ${record}.`;
      } else {
        remediation = `Add ${record} to the CAA records at ${at} (the other records may stay).`;
        if (at !== base && !identifier.wildcard) {
          remediation += ` Or, to change only this name, publish a CAA set at ${base} itself (it then replaces the one at ${at} for ${base}).`;
        }
      }
      const why: Partial<Record<FindingCode, string>> = {
        CAA_FORBIDS_ISSUER: `no issue record there authorises ${opts.issuerDomain}`,
        CAA_ISSUEWILD_FORBIDS: `for the wildcard ${id} the CA uses only the issuewild records, and none authorises ${opts.issuerDomain}`,
        CAA_ACCOUNTURI_MISMATCH: `the record for ${opts.issuerDomain} is bound to another account${opts.accountUri ? ` (yours is ${opts.accountUri})` : ''}`,
        CAA_VALIDATIONMETHODS_EXCLUDES: `the record for ${opts.issuerDomain} does not permit ${opts.method}`,
      };
      out.push(
        finding(code, id, {
          title: `CAA at ${at} prevents issuance by ${ca}`,
          detail: `The relevant CAA set is at ${at}; ${why[code] ?? ''}. Records used: ${listed}.`,
          evidence: relevantEvidence,
          remediation,
          caMessage: prevents,
        }),
      );
    }
  }

  for (const failure of decision.ignoredFailures) {
    out.push(
      finding('CAA_LOOKUP_FAILED', id, {
        severity: 'warning',
        title: `CAA lookup for ${failure.name} failed (not needed today)`,
        detail: `CAA for ${failure.name} failed with ${failure.status}${failure.message ? ` (${failure.message})` : ''}. The CA stops at the CAA set at ${at}, so it does not need this answer now; if that set is removed, issuance will fail.`,
        evidence: evidenceOf([failure], failure.status),
        remediation: `Make the nameservers of ${failure.name} answer CAA queries (NOERROR, with no records if there is no CAA).`,
      }),
    );
  }

  for (const r of decision.records.filter((x) => x.outcome === 'malformed')) {
    out.push(
      finding('CAA_MALFORMED_RECORD', id, {
        detail: `${caaRecordText(at, r.record)}: ${r.note}.`,
        evidence: relevantEvidence,
        remediation: `Rewrite it as "issuer-domain; tag=value; ...", e.g. ${caaRecordText(at, { flags: r.record.flags, tag: r.record.tag, value: opts.issuerDomain })}.`,
      }),
    );
  }
  return out;
}
