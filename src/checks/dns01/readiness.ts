/** Before any record is placed: can the CA look up `_acme-challenge.<name>` at all, and where does it lead? Pure. */
import { getDomain } from 'tldts';
import type { Finding } from '../../report/finding.js';
import { finding } from '../../report/catalogue.js';
import { outcomeEvidence } from '../../dns/evidence.js';
import { isAtOrBelow } from '../../dns/names.js';
import { caDnsProblem } from '../../report/ca-messages.js';
import { disagreementFinding, lookupFailure, type Dns01TxtEvidence } from './judge.js';
import { challengeName, goQuote, txtValue } from './value.js';

/** The registrable domain of name (extra suffixes, e.g. the lab's `test`, count as public suffixes). */
export function registrableDomain(name: string, extraSuffixes: readonly string[] = []): string | undefined {
  for (const s of extraSuffixes) {
    if (name.endsWith('.' + s)) {
      const labels = name.slice(0, -(s.length + 1)).split('.');
      return `${labels[labels.length - 1]}.${s}`;
    }
  }
  return getDomain(name) ?? undefined;
}

export interface ReadinessOptions {
  extraPublicSuffixes?: readonly string[];
}

export function judgeDns01Readiness(ev: Dns01TxtEvidence, opts: ReadinessOptions = {}): Finding[] {
  const id = ev.identifier;
  const name = ev.name ?? challengeName(id);
  const l = ev.lookup;
  const out: Finding[] = [];
  const cname = l.cnames[0];
  const evidence = l.decisive
    ? [outcomeEvidence(l.decisive)]
    : [{ source: 'resolver', answer: l.message ?? l.status }];

  if (cname) {
    const chain = [name, ...l.cnames.map((c) => c.target)].join(' -> ');
    const target = l.finalName;
    const domain = registrableDomain(target, opts.extraPublicSuffixes);
    // NXDOMAIN from above the target's registrable domain: the domain itself is gone.
    const domainGone = l.status === 'NXDOMAIN' && domain !== undefined && !isAtOrBelow(l.zone ?? '', domain);
    const broken = !(l.status === 'NOERROR' || l.status === 'NXDOMAIN') || domainGone;
    if (broken) {
      const status = l.status === 'TIMEOUT' || l.status === 'NXDOMAIN' ? l.status : 'SERVFAIL';
      return [
        finding('DNS01_CNAME_DANGLING', id, {
          detail: domainGone
            ? `${name} is an alias (${chain}), but ${domain} does not exist: ${l.message ?? 'NXDOMAIN'}.`
            : `${name} is an alias (${chain}), and looking up the target fails (${l.status}): ${l.message ?? ''}`.trim(),
          evidence,
          remediation: `Point the CNAME ${name} at a working target (your acme-dns or delegated zone), or delete it and create the TXT record at ${name} directly.`,
          caMessage: caDnsProblem('TXT', name, status),
        }),
      ];
    }
    out.push(
      finding('DNS01_CNAME_DELEGATED', id, {
        detail: `${name} is an alias: ${chain}. The CA follows it and reads the TXT record at ${target}.`,
        evidence,
        remediation: `Place the challenge TXT record at ${target} (acme-dns or the provider that serves ${l.zone ?? 'that zone'}), not at ${name}; keep the CNAME.`,
      }),
    );
  } else if (!(l.status === 'NOERROR' || l.status === 'NXDOMAIN')) {
    return lookupFailure(id, name, l).findings;
  } else {
    out.push(
      finding('DNS01_LOOKUP_OK', id, {
        detail: `TXT ${name} gets an authoritative answer from ${l.zone ?? 'its zone'} (${l.status === 'NXDOMAIN' ? 'the name does not exist yet' : l.records.length ? `${l.records.length} record(s)` : 'no TXT record yet'}).`,
        evidence,
        remediation: 'Nothing to do: a record created there will be visible to the CA.',
      }),
    );
  }
  const values = l.status === 'NOERROR' ? l.records.filter((r) => r.type === 'TXT').map(txtValue) : [];
  if (values.length) {
    out.push(
      finding('DNS01_TXT_STALE', id, {
        detail: `${l.finalName} already serves ${values.length} TXT value${values.length > 1 ? 's' : ''}: ${values.map(goQuote).join(', ')}. Left from earlier validations unless one is in progress.`,
        evidence,
        remediation: `Delete ${values.length > 1 ? 'them' : 'it'} when no validation is running (${values.map((v) => `${l.finalName} TXT ${goQuote(v)}`).join(', ')}); your ACME client adds the new value itself.`,
      }),
    );
  }
  const d = disagreementFinding(id, l.finalName, ev.authoritative, undefined, false, name);
  if (d) out.push(d);
  return out;
}
