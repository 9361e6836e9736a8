/** Pure judgement of a chain result: findings with evidence and a concrete fix. */
import { finding } from '../../report/catalogue.js';
import type { Evidence, Finding, FindingCode } from '../../report/finding.js';
import { displayName } from '../../dns/names.js';
import {
  type BogusCode,
  type BogusReason,
  type ChainResult,
  type SignatureFailure,
  type SignatureInfo,
  expiringSignatures,
} from '../../dns/dnssec/chain.js';

/** Bogus reasons that are about signatures: every failing one in the zone is listed, grouped by key and RRset. */
export const SIGNATURE_CODES: ReadonlySet<BogusCode> = new Set<BogusCode>([
  'signature-expired',
  'signature-not-yet-valid',
  'bad-signature',
  'algorithm-mismatch',
]);

const failureKey = (f: SignatureFailure): string =>
  `${f.keyTag}|${f.algorithm}|${f.owner}|${f.type}|${f.code}|${f.detail}`;

/** The failing signatures of several lookups' bogus results, per zone, each once, in a fixed order. */
export function signatureFailuresByZone(results: ChainResult[]): Map<string, SignatureFailure[]> {
  const out = new Map<string, Map<string, SignatureFailure>>();
  for (const r of results) {
    if (r.status !== 'bogus' || !SIGNATURE_CODES.has(r.bogus.code)) continue;
    const zone = out.get(r.bogus.zone) ?? new Map<string, SignatureFailure>();
    for (const f of r.bogus.failures ?? []) zone.set(failureKey(f), f);
    out.set(r.bogus.zone, zone);
  }
  const sorted = (fs: SignatureFailure[]): SignatureFailure[] =>
    fs.sort(
      (a, b) => a.keyTag - b.keyTag || a.algorithm - b.algorithm || (failureKey(a) < failureKey(b) ? -1 : 1),
    );
  return new Map([...out].map(([z, m]) => [z, sorted([...m.values()])]));
}

/** Why one signature failed, without repeating the RRset and key the grouping names. */
function shortWhy(f: SignatureFailure): string {
  if (f.code === 'signature-expired') return `expired ${iso(f.expiration)}`;
  if (f.code === 'signature-not-yet-valid') return `valid only from ${iso(f.inception)}`;
  const verify = / does not verify: (.*)$/.exec(f.detail);
  if (!verify) return f.detail;
  return verify[1] === 'bad-signature' ? 'does not verify' : `does not verify: ${verify[1]}`;
}

/** "key 123 (algorithm 13): A www.x.test (expired ...), CAA x.test (...); key 456 ...". */
export function signatureFailuresText(fs: readonly SignatureFailure[]): string {
  const byKey = new Map<string, SignatureFailure[]>();
  for (const f of fs) {
    const k = `key ${f.keyTag} (algorithm ${f.algorithm})`;
    byKey.set(k, [...(byKey.get(k) ?? []), f]);
  }
  return [...byKey]
    .map(([k, list]) => {
      const byRrset = new Map<string, string[]>();
      for (const f of list) {
        const rrset = `${f.type} ${displayName(f.owner)}`;
        byRrset.set(rrset, [...(byRrset.get(rrset) ?? []), shortWhy(f)]);
      }
      return `${k}: ${[...byRrset].map(([rrset, why]) => `${rrset} (${why.join('; ')})`).join(', ')}`;
    })
    .join('; ');
}

/** Days before expiry that an RRSIG on the path earns a warning (signers usually refresh a week ahead). */
export const SIGNATURE_EXPIRY_WARNING_DAYS = 7;
/** Fraction of the validity left when signers re-sign (BIND re-signs with a quarter of sig-validity-interval left). */
export const SIGNATURE_REFRESH_FRACTION = 0.25;

const CODE_OF: Record<BogusCode, FindingCode> = {
  'signature-expired': 'DNSSEC_BOGUS_SIGNATURE_EXPIRED',
  'signature-not-yet-valid': 'DNSSEC_BOGUS_SIGNATURE_NOT_YET_VALID',
  'ds-no-matching-dnskey': 'DNSSEC_BOGUS_DS_MISMATCH',
  'dnskey-not-signed-by-ds-key': 'DNSSEC_BOGUS_DNSKEY_NOT_SIGNED_BY_DS_KEY',
  'missing-rrsig': 'DNSSEC_BOGUS_MISSING_RRSIG',
  'algorithm-mismatch': 'DNSSEC_BOGUS_ALGORITHM_MISMATCH',
  'bad-signature': 'DNSSEC_BOGUS_SIGNATURE',
  'denial-missing': 'DNSSEC_BOGUS_DENIAL',
  'denial-wrong': 'DNSSEC_BOGUS_DENIAL',
};

const iso = (d?: string): string => (d ? d.replace('.000Z', 'Z') : '?');
const list = (xs?: number[]): string => (xs && xs.length ? xs.join(', ') : 'none');

function remediation(b: BogusReason): string {
  const z = displayName(b.zone);
  const publish = b.suggestedDs?.length
    ? `publish ${b.suggestedDs.map((d) => `"${d}"`).join(' or ')} at the registrar`
    : 'publish the DS of the current KSK at the registrar';
  switch (b.code) {
    case 'signature-expired':
      return `Re-sign the zone ${z} (RRSIG ${b.type} ${displayName(b.owner ?? b.zone)} by key ${b.keyTag} expired ${iso(b.expiration)}) and make sure the signer re-signs automatically; or, to go unsigned, first remove the DS for ${z} at the registrar.`;
    case 'signature-not-yet-valid':
      return `Fix the signer's clock and re-sign ${z}: RRSIG ${b.type} ${displayName(b.owner ?? b.zone)} starts ${iso(b.inception)}, in the future.`;
    case 'ds-no-matching-dnskey':
      return `Replace the DS for ${z} at the registrar (now key tag ${list(b.dsKeyTags)}; the zone serves DNSKEY ${list(b.dnskeyKeyTags)}): ${publish}, or remove the DS to go unsigned.`;
    case 'dnskey-not-signed-by-ds-key':
      return `Sign the DNSKEY RRset of ${z} with key ${list(b.dsKeyTags)} (the one the DS names), or ${publish} for the key that signs it (${list(b.signingKeyTags)}).`;
    case 'missing-rrsig':
      return `Re-sign the zone ${z} so ${b.type} ${displayName(b.owner ?? b.zone)} is served with an RRSIG (records added outside the signer, e.g. by an API, must be signed too).`;
    case 'algorithm-mismatch':
      return `Finish the algorithm rollover of ${z}: the DS and RRSIGs must use an algorithm the zone has DNSKEYs for; ${publish}.`;
    case 'bad-signature':
      return `Re-sign the zone ${z} and make every nameserver serve the same signed copy (${b.type} ${displayName(b.owner ?? b.zone)} does not match its RRSIG).`;
    case 'denial-missing':
    case 'denial-wrong':
      return `Re-sign the zone ${z} so negative answers carry valid NSEC/NSEC3 records (${b.type} ${displayName(b.owner ?? b.zone)}); check the nameservers all serve the signed zone.`;
  }
}

function evidenceOf(b: BogusReason): Evidence[] {
  const ev: Evidence[] = [
    {
      source: b.server ?? 'DNSSEC validator',
      query: `${b.type ?? 'DNSKEY'} ${displayName(b.owner ?? b.zone)}`,
      answer: b.detail,
    },
  ];
  if (b.ds?.length)
    ev.push({
      source: `parent of ${displayName(b.zone)}`,
      query: `DS ${displayName(b.zone)}`,
      answer: b.ds.join('; '),
    });
  return ev;
}

const listKeys = (fs: readonly SignatureFailure[]): string => {
  const tags = [...new Set(fs.map((f) => f.keyTag))];
  return `key${tags.length > 1 ? 's' : ''} ${tags.join(', ')}`;
};

/** One evidence line per failing signature. */
function signatureEvidence(b: BogusReason, fs: readonly SignatureFailure[]): Evidence[] {
  return fs.map((f) => ({
    source: b.server ?? 'DNSSEC validator',
    query: `RRSIG ${f.type} ${displayName(f.owner)} by key ${f.keyTag} (algorithm ${f.algorithm})`,
    answer: f.detail,
  }));
}

/**
 * Findings for one validated lookup. lookupDescription is "<TYPE> for <name>" as the CA words it
 * (defaults to the result's own question).
 */
export function judgeDnssec(
  result: ChainResult,
  identifier: string,
  lookupDescription?: string,
  now = new Date(),
  /** Every failing signature of the bogus zone, from all the CA's lookups (signatureFailuresByZone). */
  zoneFailures?: readonly SignatureFailure[],
): Finding[] {
  const lookup = lookupDescription ?? `${result.type} for ${displayName(result.name)}`;
  const out: Finding[] = [];
  switch (result.status) {
    case 'bogus': {
      const b = result.bogus;
      const all = SIGNATURE_CODES.has(b.code) ? (zoneFailures ?? b.failures ?? []) : [];
      const several = all.length > 1;
      const z = displayName(b.zone);
      out.push(
        finding(CODE_OF[b.code], identifier, {
          detail:
            `DNSSEC validation of ${lookup} fails in zone ${z}: ${b.detail}.` +
            (several
              ? ` Every failing signature in ${z} the CA's lookups meet, by key and RRset: ${signatureFailuresText(all)}.`
              : ''),
          evidence: several ? signatureEvidence(b, all) : evidenceOf(b),
          remediation: several
            ? `Re-sign the zone ${z} so every RRset carries a valid signature from a published DNSKEY (${all.length} signatures by ${listKeys(all)} fail), make the signer re-sign automatically, and make every nameserver serve the same signed copy; or, to go unsigned, first remove the DS for ${z} at the registrar.`
            : remediation(b),
          caMessage: `DNS problem: looking up ${lookup}: DNSSEC: Bogus`,
        }),
      );
      break;
    }
    case 'insecure': {
      const code =
        result.reason === 'nsec3-iterations'
          ? 'DNSSEC_NSEC3_ITERATIONS'
          : result.reason === 'unsupported-algorithm'
            ? 'DNSSEC_UNSUPPORTED_ALGORITHM'
            : 'DNSSEC_INSECURE';
      const fix =
        result.reason === 'nsec3-iterations'
          ? `Re-sign ${displayName(result.delegation)} with NSEC3 iterations 0 and an empty salt (RFC 9276).`
          : result.reason === 'unsupported-algorithm'
            ? `Roll ${displayName(result.delegation)} to algorithm 13 (ECDSAP256SHA256) and publish its DS with digest type 2.`
            : `Nothing blocks issuance; to sign ${displayName(result.delegation)}, enable DNSSEC at the DNS provider and publish its DS at the registrar.`;
      out.push(
        finding(code, identifier, {
          detail: `${lookup}: insecure at ${displayName(result.delegation)} (${result.detail}).`,
          evidence: [
            {
              source: 'DNSSEC validator',
              query: `DS ${displayName(result.delegation)}`,
              answer: result.detail,
            },
          ],
          remediation: fix,
        }),
      );
      break;
    }
    case 'indeterminate':
      out.push(
        finding('DNSSEC_INDETERMINATE', identifier, {
          detail: `DNSSEC validation of ${lookup} could not complete: ${result.detail}.`,
          evidence: [{ source: 'DNSSEC validator', query: lookup, answer: result.detail }],
          remediation: `Fix what failed (${result.detail}): every nameserver on the path to ${displayName(result.name)} must answer its DS and DNSKEY queries over UDP and TCP.`,
        }),
      );
      break;
    case 'secure':
      break;
  }
  if (result.status === 'secure' || result.status === 'insecure')
    out.push(...expiringFindings(result, identifier, now));
  return out;
}

/** A warning per zone on the path whose signatures are due for refresh and expire soon. */
function expiringFindings(result: ChainResult, identifier: string, now: Date): Finding[] {
  const out: Finding[] = [];
  // One warning per zone: its earliest-expiring signature on the path. Only signatures past three
  // quarters of their validity count: signers refresh then, and short-lived (online) signatures would
  // otherwise always look "about to expire".
  const byZone = new Map<string, SignatureInfo>();
  for (const s of expiringSignatures(result, now, SIGNATURE_EXPIRY_WARNING_DAYS)) {
    const expires = Date.parse(s.expiration);
    const span = expires - Date.parse(s.inception);
    if (expires - now.getTime() > span * SIGNATURE_REFRESH_FRACTION) continue;
    const prev = byZone.get(s.zone);
    if (!prev || expires < Date.parse(prev.expiration)) byZone.set(s.zone, s);
  }
  for (const s of byZone.values()) {
    out.push(
      finding('DNSSEC_SIGNATURE_EXPIRING', identifier, {
        detail: `RRSIG ${s.type} ${displayName(s.owner)} (zone ${displayName(s.zone)}, key ${s.keyTag}) expires ${iso(s.expiration)}.`,
        evidence: [
          {
            source: 'DNSSEC validator',
            query: `${s.type} ${displayName(s.owner)}`,
            answer: `RRSIG expires ${iso(s.expiration)}`,
          },
        ],
        remediation: `Make sure the signer of ${displayName(s.zone)} re-signs before ${iso(s.expiration)}; after that, lookups of ${identifier} fail as bogus.`,
      }),
    );
  }
  return out;
}
