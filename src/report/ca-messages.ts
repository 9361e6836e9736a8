/** The CA's own wording for DNS failures (Boulder bdns/problem.go; CA-RULES "Resolution"); status is a LookupStatus. */

export function caDnsProblem(type: string, name: string, status: string): string {
  switch (status) {
    case 'NXDOMAIN':
      return `DNS problem: NXDOMAIN looking up ${type} for ${name} - check that a DNS record exists for this domain`;
    case 'TIMEOUT':
      return `DNS problem: query timed out looking up ${type} for ${name}`;
    // A recursive resolver turns lame, refusing, looping or broken delegations into SERVFAIL.
    default:
      return `DNS problem: SERVFAIL looking up ${type} for ${name} - the domain's nameservers may be malfunctioning`;
  }
}

export const caNoAddresses = (name: string): string =>
  `no valid A records found for ${name}; no valid AAAA records found for ${name}`;
