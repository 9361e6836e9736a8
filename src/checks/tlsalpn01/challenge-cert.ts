/** RFC 8737 §3: what the challenge certificate must be. Pure. */
import { createHash, X509Certificate } from 'node:crypto';
import net from 'node:net';

const OID_ACME_IDENTIFIER = Buffer.from('06082b0601050507011f', 'hex');

/** The acmeIdentifier extension's critical flag and SHA-256 value, read from the DER. */
export function acmeIdentifierOf(der: Buffer): { critical: boolean; digest?: Buffer } | undefined {
  const i = der.indexOf(OID_ACME_IDENTIFIER);
  if (i < 0) return undefined;
  let j = i + OID_ACME_IDENTIFIER.length;
  let critical = false;
  if (der[j] === 0x01 && der[j + 1] === 0x01) {
    critical = der[j + 2] !== 0x00;
    j += 3;
  }
  // extnValue OCTET STRING { OCTET STRING (32) }
  if (der[j] === 0x04 && der[j + 1] === 0x22 && der[j + 2] === 0x04 && der[j + 3] === 0x20) {
    return { critical, digest: der.subarray(j + 4, j + 36) };
  }
  return { critical };
}

/** RFC 8737 §3 checks on the challenge certificate; returns the problems found. */
export function challengeCertProblems(
  chainB64: readonly string[],
  name: string,
  keyAuthorization: string,
): string[] {
  const der = chainB64[0] ? Buffer.from(chainB64[0], 'base64') : undefined;
  if (!der) return ['no certificate was presented'];
  const problems: string[] = [];
  const cert = new X509Certificate(der);
  if (!(cert.checkIssued(cert) && cert.verify(cert.publicKey)))
    problems.push('the certificate is not self-signed');
  const sans = (cert.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const want = net.isIP(name) ? `IP Address:${name}` : `DNS:${name}`;
  if (sans.length !== 1 || sans[0]?.toLowerCase() !== want.toLowerCase()) {
    problems.push(`the SAN must be exactly ${want}, got ${sans.join(', ') || 'none'}`);
  }
  const ext = acmeIdentifierOf(der);
  const digest = createHash('sha256').update(keyAuthorization).digest();
  if (!ext) problems.push('the acmeIdentifier extension (1.3.6.1.5.5.7.1.31) is missing');
  else {
    if (!ext.critical) problems.push('the acmeIdentifier extension is not critical');
    if (!ext.digest || !ext.digest.equals(digest))
      problems.push('the acmeIdentifier value is not SHA-256 of the key authorization');
  }
  return problems;
}
