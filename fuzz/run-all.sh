#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 600): `fuzz/run-all.sh 600`.
# Needs `cargo install cargo-fuzz`; a stable rustc works with RUSTC_BOOTSTRAP=1 (set here).
# A finding stops its target and is left in fuzz/artifacts/TARGET/; copy it to
# tests/fixtures/fuzz/TARGET/ with the fix, so `cargo test` replays it from then on.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
export RUSTC_BOOTSTRAP=1
[ -d fuzz/corpus ] || fuzz/seed.sh
cargo fuzz build -s none -a || exit 2
mkdir -p fuzz/logs
status=0
for target in ${TARGETS:-rules data_toml data_json data_csv data_xlsx pipeline kernel}; do
    dict=(); [ "$target" = rules ] || [ "$target" = pipeline ] && dict=(-dict=fuzz/rules.dict)
    echo "== $target, ${seconds}s"
    cargo fuzz run -s none -a "$target" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=16384 "${dict[@]}" -print_final_stats=1 > "fuzz/logs/$target.log" 2>&1
    code=$?
    grep -E "^(#[0-9]+ *(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+== ERROR|SUMMARY|Test unit written)" \
        "fuzz/logs/$target.log" | tail -6
    [ $code -eq 0 ] || { echo "!! $target found something (exit $code): see fuzz/logs/$target.log"; status=1; }
done
exit $status
