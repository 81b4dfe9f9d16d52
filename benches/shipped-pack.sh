#!/usr/bin/env bash
# Whole-process time and peak memory of `tickmark check` on the shipped Amazon pack.
# Usage: benches/shipped-pack.sh [RUNS]   (from the repository root; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-100}
cargo build --release --quiet
bin=target/release/tickmark
start=$(date +%s%N)
for _ in $(seq "$runs"); do "$bin" check >/dev/null; done
end=$(date +%s%N)
echo "runs: $runs, mean: $(( (end - start) / runs / 1000 )) µs per run"
/usr/bin/time -f "peak memory: %M KB" "$bin" check >/dev/null
