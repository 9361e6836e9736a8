/**
 * Which of a name's addresses the probes connect to. The CA dials one address per family (Boulder
 * va/http.go, va/tlsalpn.go: the first IPv6, then the first IPv4 as the fallback); a name with thousands
 * of records must not make the tool dial thousands.
 */
import type { Evidence } from '../report/finding.js';

/**
 * Addresses probed besides the CA's own two, for the "addresses behave differently" diagnosis. Enough to
 * see a second server behind the name in each family; small enough that a hostile zone costs little.
 */
export const OTHER_ADDRESS_PROBES = 4;

export interface PickedAddress {
  address: string;
  family: 4 | 6;
  /** 'first': the CA connects here; 'fallback': only if the first IPv6 fails to connect; 'unused'. */
  caRole: 'first' | 'fallback' | 'unused';
}

export interface AddressPick {
  picked: PickedAddress[];
  /** Usable addresses left out (none are the CA's). */
  notProbed: number;
}

/**
 * The CA's addresses first, then others alternating between the families, IPv6 before IPv4 in the
 * result (each family in DNS order, so a family's first entry is the CA's).
 */
export function pickAddresses(
  v6: readonly string[],
  v4: readonly string[],
  others: number = OTHER_ADDRESS_PROBES,
): AddressPick {
  const six = v6.slice(0, 1);
  const four = v4.slice(0, 1);
  let left = others;
  for (let i = 1; left > 0 && (i < v6.length || i < v4.length); i++) {
    if (i < v6.length && left > 0) {
      six.push(v6[i]!);
      left--;
    }
    if (i < v4.length && left > 0) {
      four.push(v4[i]!);
      left--;
    }
  }
  const role = (a: string, family: 4 | 6): PickedAddress['caRole'] =>
    a === (v6[0] ?? v4[0]) ? 'first' : family === 4 && v6.length > 0 && a === v4[0] ? 'fallback' : 'unused';
  const picked = [
    ...six.map((address) => ({ address, family: 6 as const, caRole: role(address, 6) })),
    ...four.map((address) => ({ address, family: 4 as const, caRole: role(address, 4) })),
  ];
  return { picked, notProbed: v6.length + v4.length - picked.length };
}

/** The sentence and evidence line saying how many addresses were left out. */
export function notProbedNote(
  probed: number,
  notProbed: number,
): { text: string; evidence: Evidence } | undefined {
  if (notProbed <= 0) return undefined;
  const total = probed + notProbed;
  const text = `${notProbed} of the name's ${total} addresses were not probed (the CA connects to one per family; this tool probes the CA's and at most ${OTHER_ADDRESS_PROBES} others).`;
  return {
    text,
    evidence: {
      source: 'local',
      query: `addresses probed`,
      answer: `${probed} of ${total}; ${notProbed} left out (limit ${OTHER_ADDRESS_PROBES} besides the CA's)`,
    },
  };
}
