#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET, not in git) with the project's own files:
# the shipped rules and data, and every test fixture of the target's kind.
set -euo pipefail
cd "$(dirname "$0")"
root=..
for target in rules data_toml data_json data_csv data_xlsx pipeline kernel; do mkdir -p "corpus/$target"; done
seed() { # seed TARGET FILE...
    local target=$1; shift
    for f in "$@"; do [ -f "$f" ] && cp "$f" "corpus/$target/$(sha1sum "$f" | cut -c1-16)"; done; true
}
mapfile -t ticks < <(find "$root/rules" "$root/tests/fixtures" "$root/templates" -name '*.tick' | sort)
mapfile -t tomls < <(find "$root/data" "$root/tests/fixtures" "$root/templates" -name '*.toml' | sort)
mapfile -t jsons < <(find "$root/tests/fixtures" -name '*.json' -not -path '*/schemas/*' | sort)
mapfile -t csvs < <(find "$root/data" "$root/tests/fixtures" -name '*.csv' | sort)
seed rules "${ticks[@]}"
seed data_toml "${tomls[@]}"
seed data_json "${jsons[@]}"
seed data_csv "${csvs[@]}"
# Workbooks: the ones committed as fuzz findings (the tests write theirs into temporary folders).
mapfile -t books < <(find "$root/tests/fixtures" -name '*.xlsx' | sort)
seed data_xlsx "${books[@]}"
# A pipeline input: a format byte (0 toml, 1 json, 2 csv), the rules, 0xFF, the data.
i=0
for rules in "${ticks[@]}"; do
    for pair in "0:${tomls[$((i % ${#tomls[@]}))]}" "1:${jsons[$((i % ${#jsons[@]}))]}" "2:${csvs[$((i % ${#csvs[@]}))]}"; do
        out="corpus/pipeline/seed-$i-${pair%%:*}"
        { printf "\\x0${pair%%:*}"; cat "$rules"; printf '\xff'; cat "${pair#*:}"; } > "$out"
    done
    i=$((i + 1))
done
# Kernel inputs: any bytes make figures; a few fixed streams to start from.
for n in 64 512 4096; do head -c "$n" /dev/zero | tr '\0' '\137' > "corpus/kernel/seed-$n"; done
echo "seeded: $(for t in corpus/*; do printf '%s %s  ' "${t#corpus/}" "$(ls "$t" | wc -l)"; done)"
