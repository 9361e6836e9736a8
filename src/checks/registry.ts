/** Which check families exist, in the order the CA meets their rules (first error = the CA's first error). */
import type { CheckFamily } from '../engine/context.js';
import { resolutionFamily } from './families/resolution.js';

export const CHECK_FAMILIES: CheckFamily[] = [resolutionFamily];
