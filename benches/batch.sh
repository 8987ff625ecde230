#!/usr/bin/env bash
# A week's incidents drafted by one `--incidents` run against one run per incident, in the same
# hyperfine session, on the corpus of compare.sh (plain and gzip-rotated): the batch reads each
# shared file once, from the earliest look-back to the latest window's end.
#
#   bash benches/batch.sh [SIZE] [RUNS]      # defaults: 2GB, 5; generates the corpus if missing
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-2GB}
runs=${2:-5}
work=${TMPDIR:-/tmp}/reconstruct-compare-$size

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
cargo build --release -q --bin reconstruct --example gen-corpus
[ -d "$work/plain" ] || target/release/examples/gen-corpus --size "$size" "$work/plain"
[ -d "$work/gzip" ] || target/release/examples/gen-corpus --size "$size" --gzip "$work/gzip"

rec=$PWD/target/release/reconstruct
windows=("2025-06-03 10:00|2025-06-03 12:00" "2025-06-05 14:00|2025-06-05 16:00" "2025-06-06 20:00|2025-06-06 22:00")
for kind in plain gzip; do
  list=$work/week-$kind.toml
  echo "paths = [\"$kind\"]" > "$list"
  separate=""
  for i in "${!windows[@]}"; do
    from=${windows[$i]%|*} to=${windows[$i]#*|}
    printf '\n[[incident]]\nname = "incident %d"\nfrom = "%s"\nto = "%s"\n' "$i" "$from" "$to" >> "$list"
    separate+="$rec -q --from '$from' --to '$to' $work/$kind > /dev/null; "
  done
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/batch-$kind.json" \
    -n "$kind: --incidents (3 incidents)" "$rec -q --incidents $list -o $work/drafts-$kind" \
    -n "$kind: 3 separate runs" "bash -c \"$separate\""
done
