#!/usr/bin/env bash
# Installs headless Chromium (Debian's `chromium` package) for the workpaper browser test
# (tests/workpaper.rs) and scripts/workpaper-screenshot.sh. Idempotent: nothing to do where `chromium`
# is already on the PATH. Exits non-zero where it cannot be installed (no root, no apt, no network);
# the test then says so and skips.
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
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null 2>&1
