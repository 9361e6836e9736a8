/**
 * What the CA's resolver would make of a name's A and AAAA records (HTTP-01 and TLS-ALPN-01).
 * Pure: lookups in, findings and the addresses the CA would use out.
 */
import type { Lookup } from '../../dns/api.js';
import { outcomeEvidence } from '../../dns/evidence.js';
import { sameExchange } from '../../dns/plain.js';
import { finding } from '../../report/catalogue.js';
import type { Evidence, Finding } from '../../report/finding.js';
import { caReservedRange, projectRefusal } from '../../net/reserved.js';
import { caDnsProblem, caNoAddresses } from '../../report/ca-messages.js';
import type { ResolvedAddresses } from '../../http/fetch.js';

export interface Addresses {
  v4: string[];
  v6: string[];
}

export interface ResolutionResult {
  findings: Finding[];
  /** Addresses the CA would connect to (reserved ones dropped), in DNS order. */
  usable: Addresses;
}

const EVIDENCE_TRAIL = 6;

/** The exchanges that matter: the decisive one first, then the end of the trail. */
export function lookupEvidence(l: Lookup): Evidence[] {
  const ev: Evidence[] = [];
  if (l.decisive) ev.push(outcomeEvidence(l.decisive));
  for (const c of l.cnames) {
    ev.push({ source: c.server, query: `CNAME ${c.name}`, answer: `CNAME ${c.target} (ttl ${c.ttl})` });
  }
  const rest = l.exchanges.filter((x) => !l.decisive || !sameExchange(x, l.decisive)).slice(-EVIDENCE_TRAIL);
  for (const x of rest) ev.push(outcomeEvidence(x));
  return ev;
}

const isFailure = (l: Lookup): boolean => l.status !== 'NOERROR' && l.status !== 'NXDOMAIN';
const addressesOf = (l: Lookup): string[] =>
  l.status === 'NOERROR' ? l.records.filter((r) => r.type === l.type).map((r) => String(r.data)) : [];

/**
 * What the HTTP and TLS probes connect to: every A and AAAA address as published (the probes drop reserved
 * ones themselves, as the CA does, and say so), or the CA's DNS problem when there is none.
 */
export function addressesFromLookups(host: string, a: Lookup, aaaa: Lookup): ResolvedAddresses {
  const v4 = addressesOf(a);
  const v6 = addressesOf(aaaa);
  const evidence = [...lookupEvidence(a), ...lookupEvidence(aaaa)];
  if (v4.length + v6.length > 0) return { v4, v6, evidence };
  const failed = a.status !== 'NOERROR' ? a : aaaa;
  return {
    v4,
    v6,
    evidence,
    error: { status: failed.status, message: caDnsProblem(failed.type, host, failed.status) },
  };
}

/** The resolution family's evidence: A and AAAA as the CA's resolver looks them up (plain data). */
export interface AddressLookups {
  a: Lookup;
  aaaa: Lookup;
}

/** Pure: the addresses the CA would connect to, reserved ones dropped (what decides whether to probe). */
export function usableAddresses(lookups: AddressLookups, allow: readonly string[]): Addresses {
  // The CA's own drops only; the project's refusals are refused at connect time (src/http/fetch.ts).
  const ok = (x: string): boolean => !caReservedRange(x, { allow });
  return { v4: addressesOf(lookups.a).filter(ok), v6: addressesOf(lookups.aaaa).filter(ok) };
}

export function judgeResolution(
  identifier: string,
  lookups: AddressLookups,
  allow: readonly string[],
): ResolutionResult {
  const { a, aaaa } = lookups;
  const v4 = addressesOf(a);
  const v6 = addressesOf(aaaa);
  if (v4.length + v6.length === 0)
    return { findings: [noAddressFinding(identifier, a, aaaa)], usable: { v4, v6 } };

  const findings: Finding[] = [];
  for (const [failed, worked] of [
    [aaaa, a],
    [a, aaaa],
  ] as const) {
    if (isFailure(failed) && addressesOf(worked).length > 0) {
      findings.push(
        finding('DNS_FAMILY_FAILED', identifier, {
          title: `${failed.type} lookup for ${identifier} fails (${failed.status}) while ${worked.type} works`,
          detail:
            `${failed.message ?? `${failed.type} ${identifier}: ${failed.status}`}. The CA looks up A and AAAA in parallel and ` +
            `fails only if both fail, so it will validate over ${worked.type === 'A' ? 'IPv4' : 'IPv6'}; browsers and other clients may still stall.`,
          evidence: lookupEvidence(failed),
          remediation: `Make every nameserver of ${failed.zone ?? 'the zone'} answer ${failed.type} queries for ${identifier} (an empty NOERROR answer is fine if you have no ${failed.type} address).`,
        }),
      );
    }
  }

  // The CA drops only its registry's addresses (Boulder va/dns.go); the project's own refusals
  // stay in the CA's list and are named in the resolved finding.
  const reserved = [...v6, ...v4]
    .map((addr) => ({ addr, range: caReservedRange(addr, { allow }) }))
    .filter((r) => r.range);
  const usable = {
    v4: v4.filter((x) => !reserved.some((r) => r.addr === x)),
    v6: v6.filter((x) => !reserved.some((r) => r.addr === x)),
  };
  const reservedList = reserved.map((r) => `${r.addr} (${r.range})`).join(', ');
  const evidence = [...lookupEvidence(a), ...lookupEvidence(aaaa)];
  if (usable.v4.length + usable.v6.length === 0) {
    findings.push(
      finding('ADDRESS_ONLY_RESERVED', identifier, {
        detail: `${identifier} resolves only to reserved addresses: ${reservedList}. The CA refuses to connect to private or special-purpose addresses.`,
        caMessage: caNoAddresses(identifier),
        evidence,
        remediation: `Publish the server's public address instead: "${identifier}. 300 IN A <public IPv4>" (and AAAA for IPv6). For a host that is only reachable internally, use the DNS-01 challenge.`,
      }),
    );
    return { findings, usable };
  }
  if (reserved.length > 0) {
    findings.push(
      finding('ADDRESS_RESERVED', identifier, {
        detail: `${identifier} also resolves to reserved addresses the CA ignores: ${reservedList}.`,
        evidence,
        remediation: `Remove the records for ${reserved.map((r) => r.addr).join(', ')} from ${identifier}; clients outside your network cannot reach them.`,
      }),
    );
  }
  const first = usable.v6[0] ?? usable.v4[0];
  const own = [...usable.v6, ...usable.v4].map(projectRefusal).filter((r) => r !== undefined);
  findings.push(
    finding('DNS_RESOLVED', identifier, {
      title: `${identifier} resolves to ${[...usable.v6, ...usable.v4].join(', ')}`,
      detail:
        `The CA will connect to ${first} first` +
        (usable.v6.length > 0 && usable.v4.length > 0
          ? ` and fall back to ${usable.v4[0]} only if that connection fails.`
          : '.') +
        (own.length > 0
          ? ` acme-preflight never connects to ${own.map((r) => r.message).join('; ')} (README "Deliberate differences from the CA").`
          : ''),
      evidence,
      remediation: 'None needed.',
    }),
  );
  return { findings, usable };
}

function noAddressFinding(identifier: string, a: Lookup, aaaa: Lookup): Finding {
  // The CA reports the A error when both fail; an empty A with a failing AAAA reports the AAAA error.
  const primary = isFailure(a) || a.status === 'NXDOMAIN' || !isFailure(aaaa) ? a : aaaa;
  const evidence = [...lookupEvidence(primary), ...lookupEvidence(primary === a ? aaaa : a)];
  const where = primary.zone !== undefined ? ` in zone ${primary.zone || '.'}` : '';
  const said = primary.message ?? `${primary.type} ${identifier}: ${primary.status}`;
  const caMessage = caDnsProblem(primary.type, identifier, primary.status);
  const lastCname = primary.cnames[primary.cnames.length - 1];
  switch (primary.status) {
    case 'NXDOMAIN':
      if (lastCname) {
        return finding('DNS_CNAME_DANGLING', identifier, {
          title: `${identifier} is a CNAME to ${lastCname.target}, which does not exist`,
          detail: `The alias chain ${[identifier, ...primary.cnames.map((c) => c.target)].join(' -> ')} ends in NXDOMAIN. ${said}.`,
          caMessage,
          evidence,
          remediation: `Point the CNAME "${lastCname.name}. CNAME ${lastCname.target}." at a name that exists, or replace it with A/AAAA records for ${identifier}.`,
        });
      }
      return finding('DNS_NXDOMAIN', identifier, {
        detail: primary.message
          ? `${said}.`
          : `The authoritative servers${where} say ${identifier} does not exist (NXDOMAIN).`,
        caMessage,
        evidence,
        remediation: `Create "${identifier}. 300 IN A <your server's public IPv4>" (and/or AAAA)${where}, or use the name that is in DNS.`,
      });
    case 'NOERROR':
      return finding('DNS_NO_ADDRESS', identifier, {
        detail: `${identifier} exists${where} but has no A or AAAA record${lastCname ? ` (after CNAME to ${lastCname.target})` : ''}.`,
        caMessage: caNoAddresses(identifier),
        evidence,
        remediation: `Add "${lastCname?.target ?? identifier}. 300 IN A <your server's public IPv4>" (and/or AAAA), or use the DNS-01 challenge.`,
      });
    case 'TIMEOUT':
      return finding('DNS_TIMEOUT', identifier, {
        detail: `No nameserver${where} answered for ${identifier}. ${said}.`,
        caMessage,
        evidence,
        remediation: `Make the nameservers${where} reachable on UDP and TCP port 53 from the internet, or fix the NS records at the parent to name servers that answer.`,
      });
    case 'CNAME_LOOP':
      return finding('DNS_CNAME_LOOP', identifier, {
        detail: `${said}. Chain: ${[identifier, ...primary.cnames.map((c) => c.target)].join(' -> ')}.`,
        caMessage,
        evidence,
        remediation: `Break the loop: make one of ${primary.cnames.map((c) => c.name).join(', ')} an A/AAAA record or point it at a name outside the loop.`,
      });
    case 'CNAME_TOO_LONG':
      return finding('DNS_CNAME_CHAIN_TOO_LONG', identifier, {
        detail: `${said}. ${primary.cnames.length} aliases followed.`,
        caMessage,
        evidence,
        remediation: `Shorten the chain: point ${identifier} directly at the final name or give it A/AAAA records.`,
      });
    case 'NO_NAMESERVERS':
      return finding('DNS_NO_NAMESERVERS', identifier, {
        detail: `${said}.`,
        caMessage,
        evidence,
        remediation: `Give the zone's NS names addresses (glue at the registrar for in-zone names) or delegate to nameservers that resolve.`,
      });
    case 'REFUSED':
      // Unbound treats a refusing authority as lame and answers the CA SERVFAIL; the cause is the refusal.
      return finding('DNS_REFUSED', identifier, {
        detail: `The nameservers${where} refuse to answer ${primary.type} ${identifier} (REFUSED): ${said}. The CA's resolver gets no answer from any of them and reports SERVFAIL.`,
        caMessage,
        evidence,
        remediation: `Make the nameservers${where} answer queries for ${identifier} from anywhere: load the zone${where} on each of them and allow queries for it (BIND allow-query, a firewall or an ACL that refuses outside clients), or remove the servers that do not host the zone from its NS records at the registrar.`,
      });
    default:
      return finding('DNS_SERVFAIL', identifier, {
        detail: `The nameservers${where} did not give a usable answer for ${primary.type} ${identifier} (${primary.status}). ${said}.`,
        caMessage,
        evidence,
        remediation: `Fix the nameservers${where}: each must answer authoritatively (AA bit) for ${identifier}; a server that is not configured for the zone must be removed from its NS records.`,
      });
  }
}
