/** Which check families exist, in the order the CA meets their rules (first error = the CA's first error). */
import type { CheckFamily } from './context.js';
import { resolutionFamily } from './families/resolution.js';
import { dnssecFamily } from './families/dnssec.js';
import { http01Family, tlsAlpn01Family, certificateFamily } from './families/http.js';
import { dns01Family } from './families/dns01.js';
import { caaFamily } from './families/caa.js';
import { delegationFamily } from './families/delegation.js';
import { propagationFamily } from './families/propagation.js';

export const CHECK_FAMILIES: CheckFamily[] = [
  resolutionFamily,
  dnssecFamily,
  http01Family,
  tlsAlpn01Family,
  dns01Family,
  caaFamily,
  delegationFamily,
  propagationFamily,
  certificateFamily,
];

export const FAMILY_NAMES = CHECK_FAMILIES.map((f) => f.name);
