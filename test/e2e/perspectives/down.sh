#!/usr/bin/env bash
# Removes the world up.sh made in <workdir>: agents, nginx and BIND by pid file, then the namespaces.
set -uo pipefail
[[ $# -eq 1 ]] || { echo "usage: $0 <workdir>" >&2; exit 2; }
W="$1"
tag="$(cat "$W/tag" 2>/dev/null)" || exit 0
for f in "$W"/agent-p*.pid "$W/nginx.pid" "$W/named.pid"; do
  [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null
done
sleep 0.2
for ns in hub primary p1 p2 p3 p4 p5; do ip netns del "${tag}-$ns" 2>/dev/null; done
rm -f "$W/tag"
