#!/usr/bin/env bash
# Makes docs/workpaper.png, the screenshot README shows: the shipped pack's workpaper
# (`tickmark check --format html`) as headless Chromium draws it, 1280 pixels wide. Run it from
# anywhere after a change to the page's layout, and look at the picture before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-chromium.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# a fixed run date, so that the picture changes only when the page does
SOURCE_DATE_EPOCH=1765000000 cargo run --quiet -- check --format html --preparer "A. Analyst" > "$work/workpaper.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile" \
    --window-size=1280,2000 --screenshot="$work/workpaper.png" "file://$work/workpaper.html" 2>/dev/null
mv "$work/workpaper.png" docs/workpaper.png
echo "wrote docs/workpaper.png"
