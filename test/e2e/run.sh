#!/usr/bin/env bash
# One-shot end-to-end run as root on Debian 12: install packages, bring the stack up, run the smoke
# checks (and the jest e2e suite inside the namespace when E2E_JEST=1), tear the stack down.
# Usage: test/e2e/run.sh [workdir]   Env: E2E_SKIP_INSTALL=1 skips install.sh; E2E_KEEP=1 leaves the
# stack running (then: test/e2e/stack/down.sh <workdir>).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
W="${1:-$(mktemp -d /tmp/acmepf-e2e.XXXXXX)}"

ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

if [[ ${E2E_SKIP_INSTALL:-0} != 1 ]]; then
  t=$(date +%s%N)
  "$here/install.sh"
  echo "e2e: install took $(ms "$t") ms"
fi

t=$(date +%s%N)
"$here/stack/up.sh" "$W"
echo "e2e: up took $(ms "$t") ms"
if [[ ${E2E_KEEP:-0} != 1 ]]; then
  trap '"$here/stack/down.sh" "$W"' EXIT
fi

rc=0
t=$(date +%s%N)
"$here/stack/smoke.sh" "$W" || rc=$?
echo "e2e: smoke took $(ms "$t") ms"

if [[ ${E2E_JEST:-0} == 1 && $rc -eq 0 ]]; then
  # shellcheck disable=SC1091
  source "$W/stack.env"
  # integrations and perspectives run the built CLI.
  (cd "$root" && node_modules/.bin/tsc -p tsconfig.build.json)
  t=$(date +%s%N)
  (cd "$root" && E2E_STACK_ENV="$W/stack.env" ip netns exec "$E2E_NETNS" \
    node --experimental-vm-modules node_modules/jest/bin/jest.js -c test/e2e/jest.config.js) || rc=$?
  echo "e2e: jest took $(ms "$t") ms"
fi
exit "$rc"
