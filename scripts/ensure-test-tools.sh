#!/usr/bin/env bash
# Makes sure the system tools the tests drive are there: Debian's Chromium at /usr/bin/chromium
# (playwright-core drives it; no browser is ever downloaded) and redis-server (the Redis flow
# store's tests start their own). Installs what is missing with apt-get when running as root;
# otherwise says how, and fails.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-test-tools: installing ${missing[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  if [ -x "$CHROMIUM" ] && command -v redis-server >/dev/null 2>&1; then
    exit 0
  fi
  echo "ensure-test-tools: apt-get finished but ${missing[*]} is still missing" >&2
  exit 1
fi
echo "ensure-test-tools: missing ${missing[*]}; install with \`sudo apt-get install ${missing[*]}\` (Debian/Ubuntu) or set CHROMIUM_PATH for another Chromium" >&2
exit 1
