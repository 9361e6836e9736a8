import { GENERAL_CODES } from './general.js';
import { IDENTIFIERS_CODES } from './identifiers.js';
import { RESOLUTION_CODES } from './resolution.js';
import { CAA_CODES } from './caa.js';
import { DELEGATION_CODES } from './delegation.js';
import { PROPAGATION_CODES } from './propagation.js';
import { DNSSEC_CODES } from './dnssec.js';
import { HTTP01_CODES } from './http01.js';
import { TLSALPN01_CODES } from './tlsalpn01.js';
import { CERTIFICATE_CODES } from './certificate.js';
import { DNS01_CODES } from './dns01.js';
import { ACME_CODES } from './acme.js';

export type { CodeInfo, Severity } from './types.js';

/** Families in report order; each family's codes live in ./<family>.ts, declared `as const`. */
export const CATALOGUE_FAMILIES = [
  ['general', GENERAL_CODES],
  ['identifiers', IDENTIFIERS_CODES],
  ['resolution', RESOLUTION_CODES],
  ['caa', CAA_CODES],
  ['delegation', DELEGATION_CODES],
  ['propagation', PROPAGATION_CODES],
  ['dnssec', DNSSEC_CODES],
  ['http-01', HTTP01_CODES],
  ['tls-alpn-01', TLSALPN01_CODES],
  ['certificate', CERTIFICATE_CODES],
  ['dns-01', DNS01_CODES],
  ['acme', ACME_CODES],
] as const;

/** Every code the catalogue declares: a misspelt code is a type error wherever a FindingCode is expected. */
export type FindingCode = (typeof CATALOGUE_FAMILIES)[number][1][number]['code'];
