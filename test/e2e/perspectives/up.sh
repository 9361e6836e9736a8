#!/usr/bin/env bash
# A small multi-perspective world, as root: a hub namespace with BIND (views by client range) and nginx,
# a firewall (nftables) per source range, and one namespace per perspective on a shared bridge, each with
# its own /24. Nothing routes out. Usage: up.sh <workdir>; down.sh <workdir> removes it.
#   hub        10.99.0.1/16 on br0; BIND on 10.99.0.53; nginx on 10.99.0.80-.89 port 80
#   primary    10.99.9.2/16 (range 10.99.9.0/24)
#   p1..p5     10.99.N.2/16 (range 10.99.N.0/24), agents on :8443 (p5 gets no agent: "down")
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 <workdir>" >&2; exit 2; }
W="$(mkdir -p "$1" && cd "$1" && pwd)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tag="pf$$"
echo "$tag" >"$W/tag"
HUB="${tag}-hub"
ip netns add "$HUB"
ip -n "$HUB" link set lo up
ip -n "$HUB" link add br0 type bridge
ip -n "$HUB" link set br0 up
ip -n "$HUB" addr add 10.99.0.1/16 dev br0
for last in 53 80 81 82 83 84 85 86 87; do ip -n "$HUB" addr add "10.99.0.$last/16" dev br0; done

persp() { # persp <name> <n>
  local ns="${tag}-$1"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip link add "${tag}$2a" type veth peer name "${tag}$2b"
  ip link set "${tag}$2a" netns "$HUB"
  ip link set "${tag}$2b" netns "$ns"
  ip -n "$HUB" link set "${tag}$2a" master br0 up
  ip -n "$ns" link set "${tag}$2b" name eth0
  ip -n "$ns" addr add "10.99.$2.2/16" dev eth0
  ip -n "$ns" link set eth0 up
}
persp primary 9
for n in 1 2 3 4 5; do persp "p$n" "$n"; done

# Zones: one copy per view (BIND views partition zones).
mkdir -p "$W/bind" "$W/www"
serial=2026120201
zone_root() {
  cat <<EOF
\$TTL 300
. IN SOA ns.root. h.root. $serial 1800 900 604800 300
. IN NS a.root-servers.test.
a.root-servers.test. IN A 10.99.0.53
test. IN NS a.root-servers.test.
EOF
}
zone_test() { # zone_test <geo address> <caa issuer>
  cat <<EOF
\$TTL 300
test. IN SOA a.root-servers.test. h.test. $serial 1800 900 604800 300
test. IN NS a.root-servers.test.
a.root-servers.test. IN A 10.99.0.53
; (a) one range dropped; (b) two; (c) one RIR's only; (f) the primary's
one-blocked.mp.test. IN A 10.99.0.81
two-blocked.mp.test. IN A 10.99.0.82
ripe-blocked.mp.test. IN A 10.99.0.83
primary-blocked.mp.test. IN A 10.99.0.86
open.mp.test. IN A 10.99.0.80
; (d) GeoDNS: another address for one range (nothing listens there)
geo.mp.test. IN A $1
; (e) CAA by view
caa.mp.test. IN A 10.99.0.80
caa.mp.test. IN CAA 0 issue "$2"
EOF
}
zone_root >"$W/bind/root.zone"
zone_test 10.99.0.80 letsencrypt.org >"$W/bind/test.default.zone"
zone_test 10.99.0.89 letsencrypt.org >"$W/bind/test.geo.zone"
zone_test 10.99.0.80 example.org >"$W/bind/test.caa.zone"
cat >"$W/bind/named.conf" <<EOF
options {
  directory "$W/bind";
  pid-file "$W/named.pid";
  listen-on { 10.99.0.53; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
};
// (d): p3's range sees geo.mp.test elsewhere; (e): p2's and p3's ranges see another CAA issuer.
view geo { match-clients { 10.99.3.0/24; };
  zone "." { type primary; file "root.zone"; };
  zone "test" { type primary; file "test.geo.zone"; }; };
view caa { match-clients { 10.99.2.0/24; 10.99.4.0/24; };
  zone "." { type primary; file "root.zone"; };
  zone "test" { type primary; file "test.caa.zone"; }; };
view default { match-clients { any; };
  zone "." { type primary; file "root.zone"; };
  zone "test" { type primary; file "test.default.zone"; }; };
EOF
# nginx workers (www-data) must read the webroot: mkdtemp makes the workdir 0700.
chmod 755 "$W" "$W/www"
echo ok >"$W/www/index.html"
cat >"$W/nginx.conf" <<EOF
pid $W/nginx.pid;
error_log $W/nginx.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $W/nginx-tmp; proxy_temp_path $W/nginx-tmp; fastcgi_temp_path $W/nginx-tmp;
  uwsgi_temp_path $W/nginx-tmp; scgi_temp_path $W/nginx-tmp;
  server { listen 10.99.0.80:80; listen 10.99.0.81:80; listen 10.99.0.82:80; listen 10.99.0.83:80;
           listen 10.99.0.86:80; root $W/www; }
}
EOF
mkdir -p "$W/nginx-tmp"
ip netns exec "$HUB" named -c "$W/bind/named.conf" -u root >"$W/named.out" 2>&1
ip netns exec "$HUB" nginx -c "$W/nginx.conf"

# Firewalls: drop (no answer, as a security group does) port 80 from these ranges to these servers.
ip netns exec "$HUB" nft -f - <<EOF
table inet perspectives {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr 10.99.0.81 ip saddr 10.99.4.0/24 tcp dport 80 drop
    ip daddr 10.99.0.82 ip saddr { 10.99.3.0/24, 10.99.4.0/24 } tcp dport 80 drop
    ip daddr 10.99.0.83 ip saddr 10.99.2.0/24 tcp dport 80 drop
    ip daddr 10.99.0.86 ip saddr 10.99.9.0/24 tcp dport 80 drop
  }
}
EOF

# Agents: p1 ARIN, p2 RIPE, p3 APNIC, p4 ARIN; p5 (LACNIC) stays down.
export ACME_PREFLIGHT_AGENT_TOKENS="e2e-perspective-token-0123456789"
cli="$here/../../../dist/src/cli/main.js"
declare -A RIR=([1]=ARIN [2]=RIPE [3]=APNIC [4]=ARIN)
for n in 1 2 3 4; do
  ip netns exec "${tag}-p$n" node "$cli" agent --name "p$n" --rir "${RIR[$n]}" --listen "10.99.$n.2:8443" \
    --root-hints 10.99.0.53 --allow-address 10.99.0.0/16 --public-suffix test --resolver none --timeout 1 \
    --max-concurrent 16 --rate-limit 1000 >"$W/agent-p$n.log" 2>&1 &
  echo $! >"$W/agent-p$n.pid"
done
for n in 1 2 3 4; do
  for _ in $(seq 100); do
    ip netns exec "${tag}-primary" curl -fsS "http://10.99.$n.2:8443/healthz" >/dev/null 2>&1 && break
    sleep 0.1
  done
done
cat >"$W/world.env" <<EOF
PF_TAG=$tag
PF_PRIMARY_NS=${tag}-primary
PF_TOKEN=$ACME_PREFLIGHT_AGENT_TOKENS
EOF
echo "perspectives world $tag up in $W"
