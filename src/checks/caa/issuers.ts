/** CAA issuer domains of common ACME CAs, as each CA documents the value to put in `issue`. */

export interface KnownCa {
  name: string;
  /** The issuer domain the CA looks for in CAA (RFC 8659 §4.2). */
  issuerDomain: string;
  /** Host names of the CA's ACME directories, to pick the issuer domain from --directory. */
  directoryHosts: readonly string[];
}

export const KNOWN_CAS: readonly KnownCa[] = [
  {
    name: "Let's Encrypt",
    issuerDomain: 'letsencrypt.org', // letsencrypt.org/docs/caa
    directoryHosts: ['acme-v02.api.letsencrypt.org', 'acme-staging-v02.api.letsencrypt.org'],
  },
  {
    name: 'ZeroSSL',
    issuerDomain: 'sectigo.com', // ZeroSSL issues from Sectigo; its CAA help page lists sectigo.com
    directoryHosts: ['acme.zerossl.com'],
  },
  {
    name: 'Google Trust Services',
    issuerDomain: 'pki.goog', // pki.goog/faq
    directoryHosts: ['dv.acme-v02.api.pki.goog', 'dv.acme-v02.test-api.pki.goog'],
  },
  {
    name: 'Buypass',
    issuerDomain: 'buypass.com', // buypass.com CAA guidance
    directoryHosts: ['api.buypass.com', 'api.test4.buypass.no'],
  },
  {
    name: 'SSL.com',
    issuerDomain: 'ssl.com', // ssl.com CAA FAQ
    directoryHosts: ['acme.ssl.com'],
  },
];

export const DEFAULT_ISSUER_DOMAIN = 'letsencrypt.org';

/** The CA whose directory URL this is, if known. */
export function caForDirectory(directoryUrl: string): KnownCa | undefined {
  let host: string;
  try {
    host = new URL(directoryUrl).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  return KNOWN_CAS.find((ca) => ca.directoryHosts.includes(host));
}

export function caForIssuerDomain(issuerDomain: string): KnownCa | undefined {
  return KNOWN_CAS.find((ca) => ca.issuerDomain === issuerDomain);
}

/**
 * Boulder accepts an accounturi naming the account under its ACMEv1 or ACMEv2 URL prefix
 * (va/caa.go caaAccountURIMatches, accountURIPrefixes). Pairs of equivalent prefixes.
 */
export const EQUIVALENT_ACCOUNT_URI_PREFIXES: readonly (readonly [string, string])[] = [
  ['https://acme-v02.api.letsencrypt.org/acme/acct/', 'https://acme-v01.api.letsencrypt.org/acme/reg/'],
  [
    'https://acme-staging-v02.api.letsencrypt.org/acme/acct/',
    'https://acme-staging.api.letsencrypt.org/acme/reg/',
  ],
];

/** The account URL and the other forms the CA accepts for the same account. */
export function accountUriForms(accountUri: string): string[] {
  const forms = [accountUri];
  for (const [a, b] of EQUIVALENT_ACCOUNT_URI_PREFIXES) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const id = accountUri.startsWith(from) ? accountUri.slice(from.length) : undefined;
      if (id && /^[0-9]+$/.test(id)) forms.push(to + id);
    }
  }
  return forms;
}
