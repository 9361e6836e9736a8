#!/usr/bin/env bash
# pretest: npm test drives Debian's chromium (the web page's browser tests) and redis-server (the queue
# tests). When either is missing, install them as CI does (test/e2e/install.sh, root on Debian), or say how.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ -x "$chromium" ]] && command -v redis-server >/dev/null; then exit 0; fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  exec bash "$(dirname "$0")/../test/e2e/install.sh"
fi
echo "npm test needs Debian's chromium and redis-server: run 'sudo bash test/e2e/install.sh' once" >&2
exit 1
