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
}
