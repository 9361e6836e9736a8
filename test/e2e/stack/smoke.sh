#!/usr/bin/env bash
# Proves a running stack works: DNSSEC through the validating resolver, TSIG-signed updates, the web
# vhosts, Pebble, and real ACME clients (certbot HTTP-01, lego DNS-01 over RFC 2136) getting
# certificates, plus failures the CA must report. Prints "N passed, N failed"; exits 1 on any failure.
# Usage: smoke.sh <workdir>   (a workdir prepared by up.sh; as root)
set -euo pipefail

if [[ $# -ne 1 || ! -s $1/stack.env ]]; then
  echo "usage: $0 <workdir with stack.env from up.sh>" >&2
  exit 2
fi
W="$(cd "$1" && pwd)"
# shellcheck disable=SC1091
source "$W/stack.env"

passed=0
failed=0
out="$W/smoke"
rm -rf "$out"
mkdir -p "$out"

nsx() { ip netns exec "$E2E_NETNS" "$@"; }
q() { nsx dig +time=2 +tries=1 "$@"; }

# check <description> <command...>: the command must succeed.
check() {
  local desc="$1"
  shift
  local t0=$SECONDS
  if "$@" >"$out/last.log" 2>&1; then
    passed=$((passed + 1))
    echo "ok   $desc ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1))
    echo "FAIL $desc"
    sed 's/^/     | /' "$out/last.log" | tail -n 25
  fi
}

has() { grep -Eq -- "$1"; }

# --- DNS: authoritative servers and referrals ------------------------------------------------------
t_root_soa() { q +norec @"$E2E_ROOT_NS" . SOA | has 'flags: qr aa'; }
t_referral() {
  local r
  r="$(q +norec @"$E2E_ROOT_NS" www.signed.test A)"
  ! has 'flags: qr aa' <<<"$r" && has '^test\.[[:space:]].*IN[[:space:]]+NS[[:space:]]+ns1\.nic\.test\.' <<<"$r"
}
t_two_child_ns() {
  q +norec +short @"$E2E_CHILD_NS1" web.test SOA | has 'ns1\.web\.test' &&
    q +norec +short @"$E2E_CHILD_NS2" web.test SOA | has 'ns1\.web\.test'
}
check "root server answers authoritatively for ." t_root_soa
check "root refers www.signed.test to test. (a real referral)" t_referral
check "both child name servers serve web.test" t_two_child_ns

# --- DNSSEC through unbound ---------------------------------------------------------------------
ad() { q +dnssec @"$E2E_RESOLVER" "$@" | has 'flags: qr rd ra ad;'; }
t_signed_ad() { ad signed.test A && q +short @"$E2E_RESOLVER" signed.test A | has "^$E2E_WEB_GOOD\$"; }
t_web_ad() { ad www.web.test A; }
t_caa_ad() { ad caa.test CAA && q +short @"$E2E_RESOLVER" caa.test CAA | has '^0 issue "example.org"$'; }
t_nxdomain_ad() {
  local r
  r="$(q +dnssec @"$E2E_RESOLVER" nope.signed.test A)"
  has 'status: NXDOMAIN' <<<"$r" && has 'flags: qr rd ra ad;' <<<"$r"
}
t_insecure() {
  local r
  r="$(q +dnssec @"$E2E_RESOLVER" www.good.test A)"
  has 'status: NOERROR' <<<"$r" && ! has 'flags: qr rd ra ad;' <<<"$r"
}
t_bogus() { q +dnssec @"$E2E_RESOLVER" www.bogus.test A | has 'status: SERVFAIL'; }
t_bogus_cd() { q +cd +short @"$E2E_RESOLVER" www.bogus.test A | has "^$E2E_WEB_GOOD\$"; }
check "signed.test (ECDSA P-256) validates: AD set" t_signed_ad
check "www.web.test validates through an RSA-signed test.: AD set" t_web_ad
check "caa.test (Ed25519, NSEC3) CAA validates: AD, 0 issue \"example.org\"" t_caa_ad
check "NXDOMAIN in signed.test is proven: AD set" t_nxdomain_ad
check "good.test is insecure: answer without AD" t_insecure
check "bogus.test (expired RRSIGs) is SERVFAIL" t_bogus
check "bogus.test answers with +cd" t_bogus_cd

# --- RFC 2136 update with TSIG ------------------------------------------------------------------
txt_name="_acme-challenge.smoke.$E2E_UPDATE_ZONE"
txt_value="smoke-$$-$RANDOM"
upd() {
  printf 'server %s\nzone %s\nupdate %s %s 5 IN TXT "%s"\nsend\n' \
    "$E2E_UPDATE_SERVER" "$E2E_UPDATE_ZONE" "$1" "$txt_name" "$txt_value" | nsx nsupdate -t 5 -k "$E2E_TSIG_KEY"
}
# poll <seconds> <command...>: bounded wait for a condition (resolver caches for at most 2 s).
poll() {
  local until=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < until)) || return 1
    sleep 0.2
  done
}
txt_seen_auth() { q +norec +short @"$E2E_UPDATE_SERVER" "$txt_name" TXT | has "^\"$txt_value\"\$"; }
txt_seen_resolver() {
  local r
  r="$(q +dnssec @"$E2E_RESOLVER" "$txt_name" TXT)"
  has "\"$txt_value\"" <<<"$r" && has 'flags: qr rd ra ad;' <<<"$r"
}
txt_gone() {
  q +norec @"$E2E_UPDATE_SERVER" "$txt_name" TXT | has 'status: NXDOMAIN' &&
    q @"$E2E_RESOLVER" "$txt_name" TXT | has 'status: NXDOMAIN'
}
t_update_add() { upd add && poll 5 txt_seen_auth && poll 5 txt_seen_resolver; }
t_update_del() { upd delete && poll 5 txt_gone; }
t_update_unsigned_refused() {
  local r
  r="$(printf 'server %s\nzone %s\nupdate add x.%s 5 IN TXT "x"\nsend\n' \
    "$E2E_UPDATE_SERVER" "$E2E_UPDATE_ZONE" "$E2E_UPDATE_ZONE" | nsx nsupdate -t 5 2>&1)" && return 1
  has 'REFUSED' <<<"$r"
}
check "nsupdate (TSIG $E2E_TSIG_ALGORITHM) adds a TXT, signed and validated via unbound" t_update_add
check "nsupdate deletes it again (NXDOMAIN at server and resolver)" t_update_del
check "an update without the key is REFUSED" t_update_unsigned_refused

# --- nginx vhosts -------------------------------------------------------------------------------
http() { nsx curl -sS -o "$out/body" -w '%{http_code} %{redirect_url}' --max-time 3 "$@"; }
t_web_good() { [[ $(http "http://$E2E_WEB_GOOD/.well-known/acme-challenge/probe") == "200 " ]] && grep -qx probe "$out/body"; }
t_web_good_v6() { [[ $(http "http://[::1]/.well-known/acme-challenge/probe") == "200 " ]]; }
t_web_https() {
  nsx curl -fsS --max-time 3 --cacert "$E2E_TEST_CA_CERT" \
    "https://www.web.test/.well-known/acme-challenge/probe" | has '^probe$'
}
t_web_404() { [[ $(http "http://$E2E_WEB_404/.well-known/acme-challenge/probe") == "404 " ]]; }
t_web_catchall() { [[ $(http "http://$E2E_WEB_CATCHALL/.well-known/acme-challenge/x") == "200 " ]] && grep -qx catch-all "$out/body"; }
t_web_badredirect() { http "http://$E2E_WEB_BADREDIRECT/.well-known/acme-challenge/x" | has '^302 http://[^/]*:8080/'; }
t_web_redirect() { http "http://$E2E_WEB_REDIRECT/.well-known/acme-challenge/x" | has '^301 https://'; }
t_web_refused() {
  ! nsx curl -sS --max-time 3 "http://$E2E_WEB_REFUSED/" 2>"$out/refused.err" &&
    has 'Connection refused|Couldn.t connect' <"$out/refused.err"
}
check "webroot vhost serves the challenge file (HTTP, IPv4)" t_web_good
check "webroot vhost serves it on [::1]" t_web_good_v6
check "HTTPS vhost with the test CA's certificate (name resolved via unbound)" t_web_https
check "404 vhost" t_web_404
check "catch-all vhost answers 200 with the wrong body" t_web_catchall
check "bad-redirect vhost redirects to port 8080" t_web_badredirect
check "redirect vhost sends 301 to https" t_web_redirect
check "nothing listens on the refused address" t_web_refused

# --- scenario corpus additions (test/e2e/corpus) ------------------------------------------------------
t_web_seeother() { http "http://seeother.web.test/.well-known/acme-challenge/x" | has '^303 http://www\.web\.test/'; }
t_web_toomany() { http "http://toomany.web.test/r/aa/.well-known/acme-challenge/x" | has '^302 http://toomany\.web\.test/r/aaa/'; }
t_web_pad() {
  [[ $(http "http://bigbody.web.test/.well-known/acme-challenge/probe") == "200 " ]] &&
    [[ $(head -c 6 "$out/body") == probe ]] && (($(wc -c <"$out/body") == 106))
}
t_lame() { q @"$E2E_RESOLVER" www.lame.test A | has 'status: SERVFAIL'; }
check "303 vhost sends See Other to www.web.test" t_web_seeother
check "endless-redirect vhost adds a hop each time" t_web_toomany
check "padding vhost appends 100 newlines to the challenge file" t_web_pad
check "lame.test (NS answers REFUSED) is SERVFAIL at the resolver" t_lame

# --- Pebble and ACME clients ------------------------------------------------------------------------
t_pebble_dir() {
  nsx curl -fsS --max-time 3 --cacert "$E2E_PEBBLE_CA_CERT" "$E2E_PEBBLE_DIR" | has '"newOrder"'
}
t_pebble_root() {
  nsx curl -fsS --max-time 3 --cacert "$E2E_PEBBLE_CA_CERT" "$E2E_PEBBLE_MGMT/roots/0" >"$out/pebble-root.pem" &&
    openssl x509 -in "$out/pebble-root.pem" -noout -subject | has 'Pebble Root CA'
}
check "Pebble directory over HTTPS (verified with the test CA)" t_pebble_dir
check "Pebble's issuing root from the management interface" t_pebble_root

t_certbot() {
  local c="$out/certbot" name="www.web.test"
  REQUESTS_CA_BUNDLE="$E2E_PEBBLE_CA_CERT" nsx certbot certonly --non-interactive \
    --server "$E2E_PEBBLE_DIR" --webroot -w "$E2E_WEBROOT" -d "$name" \
    --config-dir "$c/config" --work-dir "$c/work" --logs-dir "$c/logs" \
    --agree-tos --register-unsafely-without-email --no-random-sleep-on-renew &&
    openssl x509 -in "$c/config/live/$name/cert.pem" -noout -ext subjectAltName | has "DNS:$name" &&
    openssl x509 -in "$c/config/live/$name/cert.pem" -noout -issuer | has 'Pebble Intermediate'
}
lego_run() {
  local dir="$1"
  shift
  LEGO_CA_CERTIFICATES="$E2E_PEBBLE_CA_CERT" nsx lego --server "$E2E_PEBBLE_DIR" --accept-tos \
    --email e2e@example.org --path "$dir" "$@" run
}
t_lego_dns01() {
  RFC2136_NAMESERVER="$E2E_UPDATE_SERVER" RFC2136_TSIG_KEY="$E2E_TSIG_NAME" \
    RFC2136_TSIG_SECRET="$E2E_TSIG_SECRET" RFC2136_TSIG_ALGORITHM="$E2E_TSIG_ALGORITHM." \
    RFC2136_PROPAGATION_TIMEOUT=20 RFC2136_POLLING_INTERVAL=1 RFC2136_TTL=5 \
    lego_run "$out/lego-dns" --dns rfc2136 --dns.resolvers "$E2E_RESOLVER:53" -d "www.$E2E_UPDATE_ZONE" &&
    openssl x509 -in "$out/lego-dns/certificates/www.$E2E_UPDATE_ZONE.crt" -noout -ext subjectAltName |
    has "DNS:www.$E2E_UPDATE_ZONE"
}
t_lego_http404() {
  ! lego_run "$out/lego-404" --http --http.webroot "$E2E_WEBROOT" -d notfound.web.test >"$out/lego-404.log" 2>&1 &&
    tail -n 3 "$out/lego-404.log" &&
    has 'urn:ietf:params:acme:error:unauthorized' <"$out/lego-404.log" && has '404' <"$out/lego-404.log"
}
t_lego_bogus() {
  ! lego_run "$out/lego-bogus" --http --http.webroot "$E2E_WEBROOT" -d www.bogus.test >"$out/lego-bogus.log" 2>&1 &&
    tail -n 3 "$out/lego-bogus.log" &&
    has 'could not resolve|SERVFAIL|server misbehaving' <"$out/lego-bogus.log"
}
check "certbot gets a certificate for www.web.test (HTTP-01, webroot)" t_certbot
check "lego gets a certificate for www.$E2E_UPDATE_ZONE (DNS-01, RFC 2136 + TSIG)" t_lego_dns01
check "HTTP-01 against the 404 vhost fails: unauthorized, 404" t_lego_http404
check "HTTP-01 for www.bogus.test fails in DNS (validating resolver)" t_lego_bogus

# --- isolation ----------------------------------------------------------------------------------
t_isolated() {
  ! nsx ip route get 192.0.2.1 >/dev/null 2>&1 && [[ -z $(nsx ip route show default) ]] &&
    [[ $(nsx ip -o link show | wc -l) -eq 1 ]]
}
check "the namespace has only lo and no route out" t_isolated

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
