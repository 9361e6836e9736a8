import type { CodeInfo } from './types.js';

export const GENERAL_CODES = [
  {
    code: 'CHECK_INCOMPLETE',
    severity: 'warning',
    title: 'A check could not run',
    description:
      'A part of the simulation failed for a reason of its own (a bug or a local resource problem); the verdict may be incomplete.',
  },
  {
    code: 'CHECK_DEADLINE',
    severity: 'error',
    title: 'Checks did not finish in time',
    description:
      "The name's checks ran past their wall-clock deadline (--name-deadline, --run-deadline): its nameservers or web servers kept the tool waiting, as they would keep the CA's validation waiting until it gave up.",
  },
  {
    code: 'ADDRESSES_NOT_PROBED',
    severity: 'info',
    title: 'Not every address of the name was probed',
    description:
      'The name has more addresses than the probes connect to: the CA connects to one address per family (the first IPv6, then the first IPv4), and the tool probes those and a few others (OTHER_ADDRESS_PROBES) to spot servers that behave differently; the rest are left out and counted.',
  },
] as const satisfies readonly CodeInfo[];
