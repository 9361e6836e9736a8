#!/usr/bin/env bash
# Stops the stack that up.sh started in <workdir>: kills its servers by pid file, then any process
# still inside its namespace, and deletes the namespace. Safe to run twice or on a partial stack.
# Usage: down.sh <workdir>
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 <workdir>" >&2
  exit 2
fi
W="$1"
[[ -d $W ]] || exit 0

netns=""
[[ -s $W/netns ]] && netns="$(cat "$W/netns")"

pids=()
for name in pebble nginx unbound named; do
  f="$W/$name.pid"
  if [[ -s $f ]]; then
    pid="$(tr -dc '0-9' <"$f")"
    if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$f"
  fi
done
# Anything else left in the namespace was started by up.sh or by a test inside it.
if [[ -n $netns ]] && ip netns list | grep -qw "$netns"; then
  for pid in $(ip netns pids "$netns" 2>/dev/null); do
    kill "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
fi

deadline=$((SECONDS + 10))
for pid in "${pids[@]}"; do
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      kill -9 "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
done

if [[ -n $netns ]]; then
  ip netns del "$netns" 2>/dev/null || true
  rm -rf "/etc/netns/$netns"
  rm -f "$W/netns"
fi
rm -f "$W/stack.env"
echo "down.sh: stopped${netns:+ (netns $netns)}"
