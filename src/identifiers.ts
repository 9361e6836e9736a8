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

/** One way the typed identifier differs from the form the CA accepts. */
export type AsWritten = 'uppercase' | 'trailing-dot' | 'unicode' | 'ip-text' | 'ip-brackets';
