/** CA limits for HTTP-01 and the TLS probes (Boulder va/http.go, va/va.go; RFC 8555 §8.3). */

/**
 * Boulder va/http.go maxRedirect. processRedirect checks `numRedirects > maxRedirect` before
 * counting, so 11 redirects are followed and the 12th fails ("Too many redirects").
 */
export const MAX_REDIRECTS = 10;
/** Redirects the CA follows (MAX_REDIRECTS + 1; Boulder va/http_test.go "Too many redirects"). */
export const MAX_REDIRECTS_FOLLOWED = MAX_REDIRECTS + 1;
/** Boulder va/http.go maxPathSize: a redirect path longer than this fails. */
export const MAX_REDIRECT_PATH_BYTES = 2000;
/** Boulder va/http.go maxResponseSize: a body of this many bytes or more fails. */
export const MAX_BODY_BYTES = 128;
/** Redirect statuses the CA follows (303 is refused: RFC 8555 §8.3 allows only these). */
export const REDIRECT_STATUSES: readonly number[] = [301, 302, 307, 308];
/** The ports a redirect may name explicitly (Boulder va/http.go processRedirect). */
export const ALLOWED_REDIRECT_PORTS: readonly number[] = [80, 443];
/** Our own bound on response headers (Go's default is larger; we only need to stay bounded). */
export const MAX_HEADER_BYTES = 64 * 1024;
/** Shaped like the CA's (Boulder sends "Mozilla/5.0 (compatible; Let's Encrypt validation server; ...)"). */
export const CA_USER_AGENT =
  "Mozilla/5.0 (compatible; Let's Encrypt validation server; +https://www.letsencrypt.org) acme-preflight";
export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/';
/** RFC 8737 §3: the ALPN protocol name for TLS-ALPN-01. */
export const ACME_TLS_ALPN = 'acme-tls/1';
/** RFC 8737 §3: id-pe-acmeIdentifier. */
export const ACME_IDENTIFIER_OID = '1.3.6.1.5.5.7.1.31';
