/**
 * CNAMEs the CA's resolver follows for one lookup. Boulder leaves alias chasing to its recursive resolver
 * (Unbound; va/caa.go "We depend on our resolver to snap CNAME and DNAME records"). Unbound restarts the
 * query once per CNAME and answers SERVFAIL when the restarts exceed `max-query-restarts` (default 11
 * since 1.17.1, the former MAX_RESTART_COUNT 11 since 1.13.2; iterator/iterator.c processInitRequest):
 * 11 CNAMEs resolve, a 12th fails.
 */
export const MAX_CNAME_CHAIN = 11;

/**
 * Queries for one lookup and every NS-name lookup it starts, so a hostile delegation can neither loop nor
 * fan out: the global quota Unbound added for CVE-2022-3204 (non-responsive delegations) and BIND's
 * max-recursion-queries bound the same thing.
 */
export const MAX_QUERIES_PER_LOOKUP = 200;
/** Queries to one zone's servers in one step: Unbound iterator.h MAX_SENT_COUNT = 32 ("make sure large NS set does not loop"). */
export const MAX_SENT_PER_ZONE = 32;
/** NS names looked up for one delegation: Unbound iterator.h MAX_DP_TARGET_COUNT = 16 (NXNSAttack, CVE-2020-12662). */
export const MAX_NS_TARGETS_PER_ZONE = 16;
/** NS names looked up for one lookup and its sub-lookups: Unbound iterator.h MAX_TARGET_COUNT = 64. */
export const MAX_NS_TARGETS_PER_LOOKUP = 64;
/**
 * A server silent this long gets company: the next server is asked alongside, without waiting for the
 * first one's retries. Unbound starts an unknown server at UNKNOWN_SERVER_NICENESS = 376 ms.
 */
export const HEDGE_DELAY_MS = 376;
/** Wall-clock bound on one lookup (its CNAME chain and NS-name lookups included). */
export const LOOKUP_DEADLINE_MS = 30_000;
/** Wall-clock bound on all the checks of one name; the report says what did not finish. */
export const NAME_DEADLINE_MS = 45_000;
/** Wall-clock bound on a whole run. */
export const RUN_DEADLINE_MS = 10 * 60_000;
