/** An identifier as the user gave it and as the CA will see it. */
export interface Identifier {
  /** As typed on the command line. */
  input: string;
  type: 'dns' | 'ip';
  /** Normalised: lower-case A-labels, no trailing dot, '*.' kept for wildcards; canonical IP text. */
  value: string;
  /** The name looked up in DNS: value without a leading '*.'. */
  base: string;
  wildcard: boolean;
  /** Unicode form when the input was an IDN. */
  unicode?: string;
  /** How the input differs from what the CA accepts as written (normalised here for the check). */
  asWritten?: AsWritten[];
}

/** What the checks below the engine take of an identifier: its value, the name looked up, the wildcard flag. */
export type NameRef = Pick<Identifier, 'value' | 'base' | 'wildcard'>;

/** One way the typed identifier differs from the form the CA accepts. */
export type AsWritten = 'uppercase' | 'trailing-dot' | 'unicode' | 'ip-text' | 'ip-brackets';

/** RFC 8555 §7.1.3: a wildcard identifier is its base name under this prefix. */
export const WILDCARD_PREFIX = '*.';
/** RFC 8555 §8.4: the DNS-01 TXT record sits at this label under the base name. */
export const ACME_CHALLENGE_LABEL = '_acme-challenge';

export const isWildcard = (name: string): boolean => name.startsWith(WILDCARD_PREFIX);

/** The name looked up in DNS: the one place a leading `*.` is stripped (once, as the CA does). */
export const baseName = (name: string): string =>
  isWildcard(name) ? name.slice(WILDCARD_PREFIX.length) : name;

/**
 * A NameRef for a name given as text where no parsed Identifier exists (the solve layer's string entry
 * points, tests): lower-cased, trailing dots dropped, `*.` split off by baseName.
 */
export function nameRef(name: string): NameRef {
  const value = name.toLowerCase().replace(/\.+$/, '');
  return { value, base: baseName(value), wildcard: isWildcard(value) };
}

/** The identifier's value for a base name: `*.<base>` for a wildcard. */
export const identifierValue = (base: string, wildcard?: boolean): string =>
  wildcard ? `${WILDCARD_PREFIX}${base}` : base;

/** `_acme-challenge.<base>`: the name is used as given (strip a wildcard with baseName first). */
export const acmeChallengeName = (base: string): string => `${ACME_CHALLENGE_LABEL}.${base}`;
