/** Which check families exist, in the order the CA meets their rules (first error = the CA's first error). */
import type { CheckFamily } from '../engine/context.js';
import { resolutionFamily } from './families/resolution.js';
import { caaFamily } from './families/caa.js';
import { delegationFamily } from './families/delegation.js';
import { propagationFamily } from './families/propagation.js';
import { http01Family, tlsAlpn01Family, certificateFamily } from './families/http.js';

export const CHECK_FAMILIES: CheckFamily[] = [
  resolutionFamily,
  http01Family,
  tlsAlpn01Family,
  caaFamily,
  delegationFamily,
  propagationFamily,
  certificateFamily,
];
