/**
 * CNAMEs the CA's resolver follows for one lookup. Boulder leaves alias chasing to its recursive resolver
 * (Unbound; va/caa.go "We depend on our resolver to snap CNAME and DNAME records"). Unbound restarts the
 * query once per CNAME and answers SERVFAIL when the restarts exceed `max-query-restarts` (default 11
 * since 1.17.1, the former MAX_RESTART_COUNT 11 since 1.13.2; iterator/iterator.c processInitRequest):
 * 11 CNAMEs resolve, a 12th fails.
 */
export const MAX_CNAME_CHAIN = 11;
