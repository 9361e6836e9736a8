import type { CodeInfo } from './types.js';

/** CAA as the CA evaluates it (RFC 8659, RFC 8657, Boulder va/caa.go). */
export const CAA_CODES = [
  {
    code: 'CAA_FORBIDS_ISSUER',
    severity: 'error',
    title: 'CAA does not authorise this CA',
    acmeProblem: 'caa',
    description:
      'The relevant CAA set has issue records, and none names this CA\'s issuer domain (or one is `0 issue ";"`, which forbids every CA).',
  },
  {
    code: 'CAA_ISSUEWILD_FORBIDS',
    severity: 'error',
    title: 'CAA issuewild does not authorise this CA',
    acmeProblem: 'caa',
    description:
      'For a wildcard name, issuewild records replace issue records when any exist, and none of them authorises this CA.',
  },
  {
    code: 'CAA_ACCOUNTURI_MISMATCH',
    severity: 'error',
    title: 'CAA accounturi names another account',
    acmeProblem: 'caa',
    description:
      'The record naming this CA is limited by accounturi (RFC 8657 §3) to another account, or has several accounturi parameters (unsatisfiable).',
  },
  {
    code: 'CAA_ACCOUNTURI_UNVERIFIED',
    severity: 'warning',
    title: 'CAA limits issuance to one ACME account',
    description:
      'The record naming this CA carries an accounturi parameter, and no account URL was given, so whether your account matches is unknown.',
  },
  {
    code: 'CAA_VALIDATIONMETHODS_EXCLUDES',
    severity: 'error',
    title: 'CAA validationmethods excludes this challenge',
    acmeProblem: 'caa',
    description:
      'The record naming this CA is limited by validationmethods (RFC 8657 §4) to other challenge types, or has several or malformed validationmethods parameters.',
  },
  {
    code: 'CAA_CRITICAL_UNKNOWN_TAG',
    severity: 'error',
    title: 'CAA has a critical property the CA does not understand',
    acmeProblem: 'caa',
    description:
      'A property other than issue, issuewild, iodef, issuemail or issuevmc has the critical flag (128, or 1 which Boulder treats the same); the CA must refuse (RFC 8659 §4.1).',
  },
  {
    code: 'CAA_MALFORMED_RECORD',
    severity: 'warning',
    title: 'Malformed CAA record skipped',
    description:
      'An issue or issuewild value does not parse (RFC 8659 §4.2); the CA skips that record as if it authorised nobody.',
  },
  {
    code: 'CAA_LOOKUP_FAILED',
    severity: 'error',
    title: 'CAA lookup failed',
    acmeProblem: 'dns',
    description:
      'A CAA query the CA needs (at or below the relevant name) failed with SERVFAIL, a timeout or REFUSED; the CA fails closed. Above the relevant name it is reported as a warning.',
  },
  {
    code: 'CAA_AUTHORIZED',
    severity: 'info',
    title: 'CAA authorises this CA',
    description:
      'The relevant CAA set has a record that authorises this CA for this name, account and challenge.',
  },
  {
    code: 'CAA_NO_RELEVANT_RECORDS',
    severity: 'info',
    title: 'CAA set does not restrict this issuance',
    description:
      'CAA records exist, but none is an issue (or, for wildcards, issuewild) property, so any CA may issue.',
  },
  {
    code: 'CAA_NONE',
    severity: 'info',
    title: 'No CAA records',
    description: 'No CAA records at the name or any parent up to the TLD: any CA may issue.',
  },
  {
    code: 'CAA_SERVERS_DISAGREE',
    severity: 'warning',
    title: 'The nameservers give different CAA answers',
    acmeProblem: 'caa',
    description:
      "A zone's nameservers answer a CAA question of the climb differently, and the answers lead to different CAA decisions; the finding says what the CA decides with each server's answer. Each perspective's resolver picks a server, so one denying answer is likely to be seen.",
  },
] as const satisfies readonly CodeInfo[];
