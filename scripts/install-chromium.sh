#!/usr/bin/env bash
# Installs headless Chromium (Debian's `chromium` package) for the workpaper browser test
# (tests/it/workpaper.rs) and scripts/workpaper-screenshot.sh. Idempotent: nothing to do where `chromium`
# is already on the PATH. Exits non-zero where it cannot be installed (no root, no apt, no network);
# the test then says so and skips.
#
# The packages it downloads are kept in ${XDG_CACHE_HOME:-~/.cache}/tickmark/chromium-debs (a CI cache
# can keep that folder): a machine that has them installs from them, without `apt-get update` or the
# network, and falls back to downloading where they no longer fit its system.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium: no apt-get on this machine" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-chromium: apt-get needs root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tickmark/chromium-debs"
mkdir -p "$cache/partial"
debs=("$cache"/*.deb)
if [ -e "${debs[0]}" ] && apt-get install -y -qq --no-install-recommends --no-download "${debs[@]}" >/dev/null 2>&1 \
    && command -v chromium >/dev/null 2>&1; then
    exit 0
fi
rm -f "$cache"/*.deb
apt-get update -qq
apt-get install -y -qq --no-install-recommends -o Dir::Cache::Archives="$cache" chromium >/dev/null
command -v chromium >/dev/null 2>&1
