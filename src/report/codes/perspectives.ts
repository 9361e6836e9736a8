import type { CodeInfo } from './types.js';

/** Multi-perspective corroboration (BR 3.2.2.9, Boulder va/va.go) and what this vantage point can prove. */
export const PERSPECTIVES_CODES = [
  {
    code: 'MPIC_QUORUM_FAILED',
    severity: 'error',
    title: 'Remote perspectives would not corroborate the validation',
    acmeProblem: 'unauthorized',
    description:
      "The primary passes, but more remote perspectives fail than the CA allows (1 of 2-5, 2 of 6 or more): the CA returns the first remote's problem prefixed `During secondary validation: `, type unchanged.",
  },
  {
    code: 'MPIC_RIR_DIVERSITY',
    severity: 'error',
    title: 'The passing perspectives lie in fewer than two RIRs',
    acmeProblem: 'unauthorized',
    description:
      'Enough remote perspectives pass, but all in one Regional Internet Registry; the CA needs two: `During secondary validation: validation could not be corroborated by enough distinct RIRs`.',
  },
  {
    code: 'MPIC_PERSPECTIVE_FAILS',
    severity: 'warning',
    title: 'Validation fails from some perspectives',
    description:
      'One or more remote perspectives fail, within the failures the CA allows: issuance works today, and fails as soon as one more network sees the same.',
  },
  {
    code: 'MPIC_PERSPECTIVE_UNAVAILABLE',
    severity: 'warning',
    title: 'A perspective could not be asked',
    description:
      "A configured agent did not answer (down, refused, wrong token, misconfigured): the tool's own limitation, not the site's. The quorum is computed over the perspectives that answered.",
  },
  {
    code: 'MPIC_CORROBORATED',
    severity: 'info',
    title: 'Remote perspectives corroborate the validation',
    description: 'Enough remote perspectives pass, in at least two RIRs, for DCV and CAA.',
  },
  {
    code: 'MPIC_FEWER_THAN_CA',
    severity: 'info',
    title: 'Fewer perspectives than the CA uses',
    description:
      'The CA validates from at least 5 remote perspectives (from 2026-12-15); with fewer, a failure seen by few networks can stay hidden.',
  },
  {
    code: 'VANTAGE_LOCAL_ADDRESS',
    severity: 'warning',
    title: 'Reachability not proven from here',
    description:
      "The name resolves to an address of the machine running the check: its probe never left the machine, so a pass proves nothing about the CA's view (a firewall, NAT or security group in front is not seen).",
  },
] as const satisfies readonly CodeInfo[];
