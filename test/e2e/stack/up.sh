#!/usr/bin/env bash
# Starts the end-to-end stack in a fresh network namespace (only lo, no route out):
#   BIND (root, test., child zones; DNSSEC-signed), unbound (validating resolver), nginx (HTTP/HTTPS
#   vhosts, some misbehaving) and Pebble (ACME test CA).
# Usage: up.sh <workdir>   (as root). Writes <workdir>/stack.env for tests to source; down.sh <workdir>
# stops everything. On any failure the partial stack is torn down and the failing server's log shown.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 <workdir>" >&2
  exit 2
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "up.sh: must run as root (network namespaces)" >&2
  exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1"
W="$(cd "$1" && pwd)"
if [[ -e $W/stack.env ]]; then
  echo "up.sh: $W already holds a stack (run down.sh first)" >&2
  exit 2
fi
# Files from an earlier run (zones, keys, journals) would confuse the servers.
rm -rf "$W/up-timings.log" "$W/bind" "$W/zones" "$W/keys" "$W/www" "$W/pad" "$W/nginx" "$W/pki" "$W/unbound" "$W"/*.pid "$W"/*.log

started=$(date +%s%N)

NETNS="acmepf-$$-$RANDOM"
export E2E_ROOT_NS=127.0.1.1 E2E_TLD_NS=127.0.1.2 E2E_CHILD_NS1=127.0.1.3 E2E_CHILD_NS2=127.0.1.4
export E2E_RESOLVER=127.0.1.53
export E2E_WEB_GOOD=127.0.2.1 E2E_WEB_404=127.0.2.2 E2E_WEB_CATCHALL=127.0.2.3
export E2E_WEB_BADREDIRECT=127.0.2.4 E2E_WEB_REDIRECT=127.0.2.5 E2E_WEB_REFUSED=127.0.2.9
export E2E_PEBBLE_ADDR=127.0.3.1
# Scenario corpus (test/e2e/corpus): more misbehaving vhosts; lame.test is delegated to a server that
# does not serve it (REFUSED; an address with no server at all makes unbound wait ~40 s before SERVFAIL).
export E2E_WEB_SEEOTHER=127.0.4.1 E2E_WEB_TOOMANY=127.0.4.2 E2E_WEB_BIGBODY=127.0.4.3
export E2E_WEB_TRAILWS=127.0.4.4 E2E_WEB_TRAILSP=127.0.4.5 E2E_LAME_NS=$E2E_CHILD_NS1
PEBBLE_PORT=14000
PEBBLE_MGMT_PORT=15000

ok=0
on_exit() {
  local rc=$?
  if [[ $ok -ne 1 ]]; then
    echo "up.sh: failed (exit $rc); tearing down" >&2
    "$here/down.sh" "$W" >&2 || true
    exit $((rc == 0 ? 1 : rc))
  fi
}
trap on_exit EXIT

nsx() { ip netns exec "$NETNS" "$@"; }

# mark <phase>: elapsed time since start, to <workdir>/up-timings.log.
mark() { echo "$1 $((($(date +%s%N) - started) / 1000000)) ms" >>"$W/up-timings.log"; }

# wait_for <name> <log> <command...>: poll until the command succeeds, at most 20 s; fail at once if
# the server <name> (pid in <workdir>/<name>.pid) has exited. On failure show the server's log tail.
wait_for() {
  local name="$1" log="$2"
  shift 2
  local deadline=$((SECONDS + 20)) pid
  pid="$(cat "$W/$name.pid")"
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "up.sh: $name exited; last lines of $log:" >&2
      tail -n 30 "$log" >&2 || true
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "up.sh: $name did not answer within 20 s; last lines of $log:" >&2
      tail -n 30 "$log" >&2 || true
      return 1
    fi
    sleep 0.1
  done
}

# start <name> <command...>: background process in the namespace, pid in <workdir>/<name>.pid.
start() {
  local name="$1"
  shift
  # `ip netns exec` execs the command, so $! is the server's own pid.
  ip netns exec "$NETNS" "$@" >"$W/$name.log" 2>&1 </dev/null &
  echo $! >"$W/$name.pid"
}

# --- namespace --------------------------------------------------------------------------------
ip netns add "$NETNS"
echo "$NETNS" >"$W/netns"
nsx ip link set lo up
for a in 127.0.1.{1..9} 127.0.1.53 127.0.2.{1..9} 127.0.3.{1..3} 127.0.4.{1..5}; do
  nsx ip addr add "$a/32" dev lo
done
# Programs run with `ip netns exec` see /etc/netns/<ns>/resolv.conf as /etc/resolv.conf.
mkdir -p "/etc/netns/$NETNS"
printf 'nameserver %s\noptions timeout:2 attempts:1\n' "$E2E_RESOLVER" >"/etc/netns/$NETNS/resolv.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"/etc/netns/$NETNS/hosts"

mark netns
# --- PKI: one test CA signs Pebble's listener and nginx's HTTPS certificate --------------------
mkdir -p "$W/pki"
pki="$W/pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
  -subj "/CN=acme-preflight e2e test CA" -keyout "$pki/ca.key" -out "$pki/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
leaf() {
  local name="$1" san="$2"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$pki/$name.key" -out "$pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 30 -out "$pki/$name.pem" \
    -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$san") \
    2>/dev/null
}
leaf pebble "DNS:localhost,DNS:pebble,DNS:acme.test,IP:$E2E_PEBBLE_ADDR,IP:127.0.0.1"
leaf web "DNS:web.test,DNS:*.web.test,DNS:good.test,DNS:*.good.test,DNS:signed.test,DNS:*.signed.test,IP:$E2E_WEB_GOOD"

# --- Pebble: started now (it spends ~2 s making its issuing chain), waited for last -------------
cat >"$W/pebble.json" <<EOF
{
  "pebble": {
    "listenAddress": "$E2E_PEBBLE_ADDR:$PEBBLE_PORT",
    "managementListenAddress": "$E2E_PEBBLE_ADDR:$PEBBLE_MGMT_PORT",
    "certificate": "$pki/pebble.pem",
    "privateKey": "$pki/pebble.key",
    "httpPort": 80,
    "tlsPort": 443,
    "ocspResponderURL": "",
    "externalAccountBindingRequired": false
  }
}
EOF
start pebble env PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 PEBBLE_AUTHZREUSE=0 \
  pebble -config "$W/pebble.json" -dnsserver "$E2E_RESOLVER:53"
PEBBLE_DIR="https://$E2E_PEBBLE_ADDR:$PEBBLE_PORT/dir"
mark pki
# --- zones and BIND ----------------------------------------------------------------------------
# shellcheck source=test/e2e/stack/zones.sh disable=SC1091
source "$here/zones.sh"
build_zones

mark zones-signed
tsig-keygen -a hmac-sha256 update-key >"$W/tsig.key"
TSIG_SECRET="$(sed -n 's/.*secret "\(.*\)";.*/\1/p' "$W/tsig.key")"

mkdir -p "$W/bind"
cp "$W/zones/update.test.db" "$W/bind/update.test.db"
zone_stmt() { printf '  zone "%s" { type primary; file "%s"; };\n' "$1" "$2"; }
{
  cat <<EOF
options {
  directory "$W/bind";
  pid-file "$W/named.pid";
  session-keyfile "$W/bind/session.key";
  managed-keys-directory "$W/bind";
  listen-on port 53 { $E2E_ROOT_NS; $E2E_TLD_NS; $E2E_CHILD_NS1; $E2E_CHILD_NS2; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
  allow-transfer { any; };
  minimal-responses no;
};
include "$W/tsig.key";
controls { };
// One process, one view per server address: the root, the TLD and the child zones each answer
// only for their own zones, so resolvers see real referrals.
view "root" {
  match-destinations { $E2E_ROOT_NS; };
EOF
  zone_stmt . "$W/zones/root.db.signed"
  printf '};\nview "tld" {\n  match-destinations { %s; };\n' "$E2E_TLD_NS"
  zone_stmt test "$W/zones/test.db.signed"
  printf '};\nview "child" {\n  match-destinations { %s; %s; };\n' "$E2E_CHILD_NS1" "$E2E_CHILD_NS2"
  zone_stmt good.test "$W/zones/good.test.db"
  for z in signed.test bogus.test caa.test web.test; do
    zone_stmt "$z" "$W/zones/$z.db.signed"
  done
  cat <<EOF
  zone "update.test" {
    type primary;
    file "$W/bind/update.test.db";
    key-directory "$W/keys/update.test";
    auto-dnssec maintain;
    inline-signing yes;
    update-policy { grant update-key zonesub ANY; };
  };
};
EOF
} >"$W/named.conf"
# (named-checkconf warns that auto-dnssec is deprecated; only its failure matters.)
named-checkconf "$W/named.conf" >"$W/named-check.log" 2>&1 || {
  cat "$W/named-check.log" >&2
  false
}

start named named -g -c "$W/named.conf"
wait_for named "$W/named.log" nsx dig +norec +time=1 +tries=1 @"$E2E_ROOT_NS" . SOA
wait_for named "$W/named.log" nsx dig +norec +time=1 +tries=1 @"$E2E_TLD_NS" test SOA
# update.test is answerable only once named has signed it (DNSKEY published).
wait_for named "$W/named.log" \
  bash -c "ip netns exec '$NETNS' dig +norec +time=1 +tries=1 @$E2E_CHILD_NS1 update.test DNSKEY | grep -q 'IN.DNSKEY'"

mark named
# --- unbound -----------------------------------------------------------------------------------
mkdir -p "$W/unbound"
cat >"$W/unbound/unbound.conf" <<EOF
server:
  verbosity: 1
  use-syslog: no
  logfile: ""
  log-servfail: yes
  val-log-level: 2
  username: ""
  chroot: ""
  directory: "$W/unbound"
  pidfile: "$W/unbound.pid"
  do-daemonize: no
  interface: $E2E_RESOLVER
  port: 53
  do-ip4: yes
  do-ip6: no
  do-udp: yes
  do-tcp: yes
  access-control: 127.0.0.0/8 allow
  root-hints: "$W/root.hints"
  trust-anchor-file: "$W/root-anchor.ds"
  module-config: "validator iterator"
  do-not-query-localhost: no
  # test. is an RFC 6761 name that unbound answers locally by default.
  local-zone: "test." nodefault
  # Tests add and remove records: keep caches short so a change shows within a second or two.
  cache-max-ttl: 2
  cache-max-negative-ttl: 1
  aggressive-nsec: no
  qname-minimisation: no
  trust-anchor-signaling: no
  root-key-sentinel: no
  harden-dnssec-stripped: yes
remote-control:
  control-enable: no
EOF
unbound-checkconf "$W/unbound/unbound.conf" >/dev/null
start unbound unbound -d -c "$W/unbound/unbound.conf"
wait_for unbound "$W/unbound.log" \
  bash -c "ip netns exec '$NETNS' dig +time=1 +tries=1 @$E2E_RESOLVER signed.test A | grep -q 'status: NOERROR'"

mark unbound
# --- nginx -------------------------------------------------------------------------------------
mkdir -p "$W/www/.well-known/acme-challenge" "$W/nginx/tmp"
printf 'acme-preflight e2e\n' >"$W/www/index.html"
printf 'probe\n' >"$W/www/.well-known/acme-challenge/probe"
# Appended after the challenge file by the padding vhosts: 100 newlines (body >= 128 bytes, which
# Pebble trims away), CR/LF/TAB only (trimmed by both CAs), and spaces (trimmed by Boulder only).
mkdir -p "$W/pad"
printf '%0.s\n' {1..100} >"$W/pad/big"
printf '\r\n\t\n' >"$W/pad/ws"
printf '  \n' >"$W/pad/sp"
# pad_vhost <address> <pad file>: the webroot, with <workdir>/pad/<file> appended to every answer.
pad_vhost() {
  cat <<EOF
  server {
    listen $1:80;
    server_name _;
    root $W/www;
    addition_types *;
    location /.well-known/acme-challenge/ { add_after_body /pad/$2; }
    location /pad/ { internal; root $W; }
  }
EOF
}
vhost_common() {
  printf '    server_name _;\n    root %s/www;\n' "$W"
}
{
  cat <<EOF
user root;
worker_processes 1;
daemon off;
pid $W/nginx.pid;
error_log $W/nginx-error.log info;
events { worker_connections 256; }
http {
  access_log $W/nginx-access.log;
  client_body_temp_path $W/nginx/tmp/body;
  proxy_temp_path $W/nginx/tmp/proxy;
  fastcgi_temp_path $W/nginx/tmp/fastcgi;
  uwsgi_temp_path $W/nginx/tmp/uwsgi;
  scgi_temp_path $W/nginx/tmp/scgi;
  default_type text/plain;
  ssl_certificate $pki/web.pem;
  ssl_certificate_key $pki/web.key;
  # Good: the webroot over HTTP and HTTPS, IPv4 and ::1.
  server {
    listen $E2E_WEB_GOOD:80;
    listen $E2E_WEB_GOOD:443 ssl;
    listen [::1]:80;
    listen [::1]:443 ssl;
$(vhost_common)
  }
  # The challenge directory answers 404.
  server {
    listen $E2E_WEB_404:80;
    listen $E2E_WEB_404:443 ssl;
$(vhost_common)
    location /.well-known/acme-challenge/ { return 404; }
  }
  # Everything answers 200 with the same body.
  server {
    listen $E2E_WEB_CATCHALL:80;
    listen $E2E_WEB_CATCHALL:443 ssl;
    server_name _;
    location / { return 200 "catch-all\n"; }
  }
  # Redirect to a port the CA will not follow.
  server {
    listen $E2E_WEB_BADREDIRECT:80;
    server_name _;
    location / { return 302 http://\$host:8080\$request_uri; }
  }
  # Redirect to HTTPS on 443 (allowed; the CA does not verify the certificate).
  server {
    listen $E2E_WEB_REDIRECT:80;
    listen $E2E_WEB_REDIRECT:443 ssl;
    server_name _;
    root $W/www;
    location / {
      if (\$scheme = http) { return 301 https://\$host\$request_uri; }
    }
  }
  # 303 See Other to the good vhost (Boulder refuses 303; Go's client follows it).
  server {
    listen $E2E_WEB_SEEOTHER:80;
    server_name _;
    location / { return 303 http://www.web.test\$request_uri; }
  }
  # An endless chain of distinct URLs: each hop adds a letter.
  server {
    listen $E2E_WEB_TOOMANY:80;
    server_name _;
    location /.well-known/acme-challenge/ { return 302 http://\$host/r/a\$request_uri; }
    location ~ ^/r/(?<hops>a*)/(?<rest>.*)\$ { return 302 http://\$host/r/\${hops}a/\$rest; }
  }
$(pad_vhost "$E2E_WEB_BIGBODY" big)
$(pad_vhost "$E2E_WEB_TRAILWS" ws)
$(pad_vhost "$E2E_WEB_TRAILSP" sp)
}
EOF
} >"$W/nginx/nginx.conf"
nsx nginx -t -q -c "$W/nginx/nginx.conf" -p "$W/nginx" 2>"$W/nginx-check.log" || {
  cat "$W/nginx-check.log" >&2
  false
}
start nginx nginx -c "$W/nginx/nginx.conf" -p "$W/nginx"
wait_for nginx "$W/nginx-error.log" \
  nsx curl -fsS --max-time 2 "http://$E2E_WEB_GOOD/.well-known/acme-challenge/probe"

mark nginx
# --- Pebble ready? -----------------------------------------------------------------------------
wait_for pebble "$W/pebble.log" nsx curl -fsS --max-time 2 --cacert "$pki/ca.pem" "$PEBBLE_DIR"

mark pebble
# --- stack.env ---------------------------------------------------------------------------------
cat >"$W/stack.env.tmp" <<EOF
# Written by test/e2e/stack/up.sh; source it. Run clients with: ip netns exec \$E2E_NETNS <cmd>
E2E_NETNS=$NETNS
E2E_WORKDIR=$W
E2E_DNS_PORT=53
E2E_ROOT_NS=$E2E_ROOT_NS
E2E_TLD_NS=$E2E_TLD_NS
E2E_CHILD_NS1=$E2E_CHILD_NS1
E2E_CHILD_NS2=$E2E_CHILD_NS2
E2E_RESOLVER=$E2E_RESOLVER
E2E_ROOT_HINTS=$W/root.hints
E2E_ROOT_ANCHOR=$W/root-anchor.ds
E2E_ZONES_DIR=$W/zones
E2E_TSIG_KEY=$W/tsig.key
E2E_TSIG_NAME=update-key
E2E_TSIG_ALGORITHM=hmac-sha256
E2E_TSIG_SECRET=$TSIG_SECRET
E2E_UPDATE_ZONE=update.test
E2E_UPDATE_SERVER=$E2E_CHILD_NS1
E2E_HTTP_PORT=80
E2E_TLS_PORT=443
E2E_WEBROOT=$W/www
E2E_WEB_GOOD=$E2E_WEB_GOOD
E2E_WEB_404=$E2E_WEB_404
E2E_WEB_CATCHALL=$E2E_WEB_CATCHALL
E2E_WEB_BADREDIRECT=$E2E_WEB_BADREDIRECT
E2E_WEB_REDIRECT=$E2E_WEB_REDIRECT
E2E_WEB_REFUSED=$E2E_WEB_REFUSED
E2E_WEB_SEEOTHER=$E2E_WEB_SEEOTHER
E2E_WEB_TOOMANY=$E2E_WEB_TOOMANY
E2E_WEB_BIGBODY=$E2E_WEB_BIGBODY
E2E_WEB_TRAILWS=$E2E_WEB_TRAILWS
E2E_WEB_TRAILSP=$E2E_WEB_TRAILSP
E2E_LAME_NS=$E2E_LAME_NS
E2E_TEST_CA_CERT=$pki/ca.pem
E2E_PEBBLE_ADDR=$E2E_PEBBLE_ADDR
E2E_PEBBLE_DIR=$PEBBLE_DIR
E2E_PEBBLE_CA_CERT=$pki/ca.pem
E2E_PEBBLE_MGMT=https://$E2E_PEBBLE_ADDR:$PEBBLE_MGMT_PORT
EOF
mv "$W/stack.env.tmp" "$W/stack.env"
ok=1
echo "up.sh: stack up in netns $NETNS in $((($(date +%s%N) - started) / 1000000)) ms; source $W/stack.env"
