import { UsageError } from '../errors.js';

/** Short names accepted by --ca, mapped to the issuer domain each CA documents for CAA. */
const SHORT_NAMES: Record<string, string> = {
  letsencrypt: 'letsencrypt.org',
  'lets-encrypt': 'letsencrypt.org',
  zerossl: 'sectigo.com',
  sectigo: 'sectigo.com',
  google: 'pki.goog',
  gts: 'pki.goog',
  buypass: 'buypass.com',
  sslcom: 'ssl.com',
  'ssl.com': 'ssl.com',
};

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The CAA issuer domain for --ca: a short name, or an issuer domain as written in CAA records. */
export function issuerDomainFor(ca: string | undefined): string | undefined {
  if (ca === undefined) return undefined;
  const key = ca.trim().toLowerCase().replace(/\.$/, '');
  const mapped = SHORT_NAMES[key] ?? key;
  if (!DOMAIN.test(mapped)) {
    const known = Object.keys(SHORT_NAMES).join(', ');
    throw new UsageError(`--ca ${ca} is neither a domain nor a known CA (${known})`);
  }
  return mapped;
}
