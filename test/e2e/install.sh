#!/usr/bin/env bash
# Installs the Debian packages the end-to-end stack needs (idempotent; run as root on Debian 12).
# Services are never started by the packages: a temporary policy-rc.d denies it, and any
# bind9/unbound/nginx system service found running afterwards is stopped, since the stack runs
# its own instances inside a network namespace.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
list="$root/ci/e2e-packages.txt"

if [[ $(id -u) -ne 0 ]]; then
  echo "install.sh: must run as root" >&2
  exit 2
fi

mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then
    missing+=("$p")
  fi
done

policy=/usr/sbin/policy-rc.d
created_policy=0
cleanup() {
  if [[ $created_policy -eq 1 ]]; then rm -f "$policy"; fi
}
trap cleanup EXIT

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary: written by acme-preflight test/e2e/install.sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    created_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # A stale package list makes install fail with 404s; refresh it once.
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install.sh: all ${#pkgs[@]} packages already installed"
fi

# Make sure no system instance holds ports or state the stack expects to own.
for svc in named bind9 unbound nginx; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl stop "$svc" || true
  fi
done
for pidfile in /run/named/named.pid /run/unbound.pid /run/nginx.pid; do
  if [[ -s $pidfile ]]; then
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      echo "install.sh: stopping system service pid $pid ($pidfile)"
      kill "$pid" || true
    fi
  fi
done

for bin in named dnssec-keygen dnssec-signzone tsig-keygen dig nsupdate unbound nginx pebble certbot lego openssl ip; do
  if ! command -v "$bin" >/dev/null 2>&1 && [[ ! -x /usr/sbin/$bin ]]; then
    echo "install.sh: $bin not found after install" >&2
    exit 1
  fi
done
echo "install.sh: ok"
