/** Pure certificate analysis using only what the server sent plus a root store. */
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

export type ChainStatus = 'trusted' | 'incomplete' | 'self-signed' | 'untrusted' | 'unparseable';

export interface ChainAnalysis {
  subject: string;
  issuer: string;
  subjectAltName: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint256: string;
  status: ChainStatus;
  /** Why the status, in words. */
  reason: string;
  nameMatches: boolean;
  daysLeft: number;
}

let defaultRoots: X509Certificate[] | undefined;
/** Node's bundled root store, parsed once. */
export function nodeRoots(): X509Certificate[] {
  defaultRoots ??= tls.rootCertificates.map((pem) => new X509Certificate(pem));
  return defaultRoots;
}

const issuedBy = (cert: X509Certificate, issuer: X509Certificate): boolean => {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
};

/** Whether the certificate covers the name (DNS SAN with wildcard rules, or IP SAN). */
export function coversName(cert: X509Certificate, name: string): boolean {
  if (net.isIP(name)) return cert.checkIP(name) !== undefined;
  return cert.checkHost(name, { subject: 'never', wildcards: true, partialWildcards: false }) !== undefined;
}

export function analyseChain(
  chainB64: readonly string[],
  name: string,
  roots: readonly X509Certificate[],
  now: Date,
): ChainAnalysis | undefined {
  let certs: X509Certificate[];
  try {
    certs = chainB64.map((b) => new X509Certificate(Buffer.from(b, 'base64')));
  } catch {
    return undefined;
  }
  const leaf = certs[0];
  if (!leaf) return undefined;
  const notAfter = new Date(leaf.validTo);
  const base = {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    subjectAltName: leaf.subjectAltName ?? '',
    notBefore: new Date(leaf.validFrom),
    notAfter,
    fingerprint256: leaf.fingerprint256,
    nameMatches: coversName(leaf, name),
    daysLeft: Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000),
  };
  const rootFps = new Set(roots.map((r) => r.fingerprint256));
  const used = new Set<number>([0]);
  let cur = leaf;
  for (let depth = 0; depth < 10; depth++) {
    if (issuedBy(cur, cur)) {
      if (rootFps.has(cur.fingerprint256))
        return {
          ...base,
          status: 'trusted',
          reason: `chain ends at trusted root ${cur.subject.replace(/\n/g, ', ')}`,
        };
      if (cur === leaf)
        return { ...base, status: 'self-signed', reason: 'the leaf certificate signs itself' };
      return {
        ...base,
        status: 'untrusted',
        reason: `chain ends at ${cur.subject.replace(/\n/g, ', ')}, which is not a trusted root`,
      };
    }
    const c = cur;
    const root = roots.find((r) => issuedBy(c, r));
    if (root)
      return {
        ...base,
        status: 'trusted',
        reason: `chain ends at trusted root ${root.subject.replace(/\n/g, ', ')}`,
      };
    const i = certs.findIndex((x, j) => !used.has(j) && issuedBy(c, x));
    if (i < 0) {
      return {
        ...base,
        status: 'incomplete',
        reason: `the issuer of ${cur.subject.replace(/\n/g, ', ')} (${cur.issuer.replace(/\n/g, ', ')}) was not sent and is not a trusted root`,
      };
    }
    used.add(i);
    cur = certs[i]!;
  }
  return { ...base, status: 'untrusted', reason: 'chain too long' };
}
