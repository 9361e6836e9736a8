#!/usr/bin/env bash
# Builds the signed zone tree of the e2e stack (sourced by up.sh; expects $W and the address variables).
# Order matters: children are signed first so their DS can go into test., then test. is signed so its
# DS can go into the root, and the root's KSK DS becomes the resolver's trust anchor.

# Signatures valid from one hour ago for 30 days; bogus.test gets a window that ended years ago.
SIG_START="-3600"
SIG_END="+2592000"

# keydir <zone>: where that zone's keys live.
keydir() {
  if [[ $1 == . ]]; then echo "$W/keys/root"; else echo "$W/keys/$1"; fi
}

# keygen <zone> <algorithm> [size]: one KSK and one ZSK in $W/keys/<zone>.
keygen() {
  local zone="$1" alg="$2" size="${3:-}" dir
  dir="$(keydir "$1")"
  mkdir -p "$dir"
  local -a sz=()
  [[ -n $size ]] && sz=(-b "$size")
  dnssec-keygen -q -K "$dir" -a "$alg" "${sz[@]}" -f KSK -n ZONE "$zone" >/dev/null
  dnssec-keygen -q -K "$dir" -a "$alg" "${sz[@]}" -n ZONE "$zone" >/dev/null
}

# ds_of <zone>: DS (SHA-256) of the zone's KSK, as zone-file lines.
ds_of() {
  local dir k
  dir="$(keydir "$1")"
  for k in "$dir"/K*.key; do
    if grep -q 'DNSKEY[[:space:]]\+257' "$k"; then dnssec-dsfromkey -2 "$k"; fi
  done
}

# sign <zone> [extra dnssec-signzone args...]: $W/zones/<zone>.db -> <zone>.db.signed (root: root.db)
sign() {
  local zone="$1" stem="$1"
  shift
  [[ $zone == . ]] && stem=root
  dnssec-signzone -q -S -K "$(keydir "$zone")" -o "$zone" -d "$(keydir "$zone")" \
    -s "$SIG_START" -e "$SIG_END" "$@" \
    -f "$W/zones/$stem.db.signed" "$W/zones/$stem.db" >/dev/null
}

soa() {
  local zone="${1%.}" ns="$2"
  # shellcheck disable=SC2016 # $TTL is a zone-file directive
  printf '$TTL 300\n@ IN SOA %s hostmaster.%s 1 3600 600 86400 1\n' "$ns" "${zone:+$zone.}"
}

# child_zone <zone>: SOA, two in-bailiwick name servers (on NS1 and NS2), then stdin.
child_zone() {
  local zone="$1"
  {
    soa "$zone" "ns1.$zone."
    printf '@ IN NS ns1\n@ IN NS ns2\nns1 IN A %s\nns2 IN A %s\n' "$E2E_CHILD_NS1" "$E2E_CHILD_NS2"
    cat
  } >"$W/zones/$zone.db"
}

# delegation <zone>: NS + glue lines for the parent (test.).
delegation() {
  local zone="$1"
  printf '%s. IN NS ns1.%s.\n%s. IN NS ns2.%s.\n' "$zone" "$zone" "$zone" "$zone"
  printf 'ns1.%s. IN A %s\nns2.%s. IN A %s\n' "$zone" "$E2E_CHILD_NS1" "$zone" "$E2E_CHILD_NS2"
}

build_zones() {
  mkdir -p "$W/zones" "$W/keys"

  # Algorithm variety on purpose: 13 (ECDSA P-256), 8 (RSA/SHA-256), 15 (Ed25519).
  # Key generation runs in parallel (RSA dominates); each job is checked.
  local -a jobs=()
  keygen . ECDSAP256SHA256 &
  jobs+=($!)
  keygen test RSASHA256 2048 &
  jobs+=($!)
  for z in signed.test bogus.test web.test update.test; do
    keygen "$z" ECDSAP256SHA256 &
    jobs+=($!)
  done
  keygen caa.test ED25519 &
  jobs+=($!)
  local j
  for j in "${jobs[@]}"; do wait "$j"; done

  # good.test: unsigned (insecure delegation, no DS): answers come back without AD.
  child_zone good.test <<EOF
@ IN A $E2E_WEB_GOOD
www IN A $E2E_WEB_GOOD
v6 IN AAAA ::1
nodata IN TXT "only a TXT here"
alias IN CNAME www.good.test.
EOF

  child_zone signed.test <<EOF
@ IN A $E2E_WEB_GOOD
www IN A $E2E_WEB_GOOD
@ IN TXT "signed"
EOF
  sign signed.test

  # bogus.test: validly delegated (DS present) but every signature expired in 2020
  # (-P: skip the post-signing self-check, which would reject exactly that).
  child_zone bogus.test <<EOF
@ IN A $E2E_WEB_GOOD
www IN A $E2E_WEB_GOOD
EOF
  dnssec-signzone -q -S -K "$W/keys/bogus.test" -o bogus.test -d "$W/keys/bogus.test" \
    -s 20200101000000 -e 20200201000000 -P \
    -f "$W/zones/bogus.test.db.signed" "$W/zones/bogus.test.db" >/dev/null

  # caa.test: CAA names another CA; signed with NSEC3 (no salt, no extra iterations).
  child_zone caa.test <<EOF
@ IN CAA 0 issue "example.org"
@ IN A $E2E_WEB_GOOD
www IN A $E2E_WEB_GOOD
EOF
  sign caa.test -3 - -H 0

  # web.test: names pointing at the web vhosts, one behaviour per address; the names from mxonly on
  # are the scenario corpus's (test/e2e/corpus/cases.ts).
  child_zone web.test <<EOF
@ IN A $E2E_WEB_GOOD
www IN A $E2E_WEB_GOOD
good IN A $E2E_WEB_GOOD
notfound IN A $E2E_WEB_404
catchall IN A $E2E_WEB_CATCHALL
badredirect IN A $E2E_WEB_BADREDIRECT
redirect IN A $E2E_WEB_REDIRECT
refused IN A $E2E_WEB_REFUSED
v6 IN AAAA ::1
mxonly IN MX 10 www.web.test.
dangling IN CNAME gone.good.test.
chain IN CNAME chain2.web.test.
chain2 IN CNAME alias.good.test.
private IN A 10.0.0.1
seeother IN A $E2E_WEB_SEEOTHER
toomany IN A $E2E_WEB_TOOMANY
bigbody IN A $E2E_WEB_BIGBODY
trailws IN A $E2E_WEB_TRAILWS
trailsp IN A $E2E_WEB_TRAILSP
leonly IN A $E2E_WEB_GOOD
leonly IN CAA 0 issue "letsencrypt.org"
delegated IN A $E2E_WEB_GOOD
_acme-challenge.delegated IN CNAME delegated-target.update.test.
nosig IN A $E2E_WEB_GOOD
_acme-challenge.rfc2136 IN CNAME rfc2136-target.update.test.
EOF
  # nosig and rfc2136 are test/e2e/dnssec.e2e.test.ts's and rfc2136.e2e.test.ts's.
  # -O full writes one record per line, so one RRSIG can be dropped: nosig's A set is left unsigned
  # (bogus to a validator: an RRset in a signed zone without its RRSIG; its NSEC still lists A).
  sign web.test -O full
  awk '!($1 == "nosig.web.test." && $4 == "RRSIG" && $5 == "A")' "$W/zones/web.test.db.signed" \
    >"$W/zones/web.test.db.signed.tmp"
  mv "$W/zones/web.test.db.signed.tmp" "$W/zones/web.test.db.signed"

  # update.test: dynamic, signed by named itself (inline-signing) with the keys made above.
  child_zone update.test <<EOF
@ IN A $E2E_WEB_GOOD
www IN A $E2E_WEB_GOOD
EOF

  {
    soa test "ns1.nic.test."
    printf '@ IN NS ns1.nic.test.\nns1.nic IN A %s\n' "$E2E_TLD_NS"
    printf 'a.root-servers IN A %s\n' "$E2E_ROOT_NS"
    printf 'acme IN A %s\n' "$E2E_PEBBLE_ADDR"
    for z in good.test signed.test bogus.test caa.test web.test update.test; do
      delegation "$z"
    done
    # lame.test: delegated to a server that does not serve it, so it answers REFUSED (no DS: insecure).
    printf 'lame.test. IN NS ns1.lame.test.\nns1.lame.test. IN A %s\n' "$E2E_LAME_NS"
    for z in signed.test bogus.test caa.test web.test update.test; do
      ds_of "$z"
    done
  } >"$W/zones/test.db"
  sign test

  {
    soa . "a.root-servers.test."
    printf '. IN NS a.root-servers.test.\n'
    printf 'test. IN NS ns1.nic.test.\n'
    printf 'ns1.nic.test. IN A %s\na.root-servers.test. IN A %s\n' "$E2E_TLD_NS" "$E2E_ROOT_NS"
    ds_of test
  } >"$W/zones/root.db"
  sign .

  ds_of . >"$W/root-anchor.ds"
  printf '. 3600000 IN NS a.root-servers.test.\na.root-servers.test. 3600000 IN A %s\n' \
    "$E2E_ROOT_NS" >"$W/root.hints"
}
