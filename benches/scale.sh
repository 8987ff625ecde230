#!/usr/bin/env bash
# Scale: the same 2-hour window drafted from a generated week of SIZE and from four weeks of
# 4 × SIZE written as densely (gen-corpus --days 28), so that the window holds the same lines
# and the same bytes come before it in a corpus four times larger. The indexed draft (the
# line index built by the warm-up run) and the first run (--no-index, counting the lines
# before the window) should both stay flat; peak memory too.
#
#   bash benches/scale.sh [SIZE] [RUNS]   # default: 2GB 11 (needs 5 × SIZE of disk)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-2GB}
runs=${2:-11}
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release -q --bin reconstruct --example gen-corpus
rec=$PWD/target/release/reconstruct
number=${size%%[!0-9.]*}
unit=${size#"$number"}
big=$(awk -v n="$number" 'BEGIN { print n * 4 }')$unit
work=${TMPDIR:-/tmp}/reconstruct-scale
window=(--from 14:00 --to 16:00 --date 2025-06-05 -q)
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf '%-26s %9s %14s %14s %12s %12s\n' corpus bytes "window lines" "indexed (s)" "first (s)" "memory (MB)"
for corpus in "week:$size:7" "four weeks:$big:28"; do
  IFS=: read -r name bytes days <<<"$corpus"
  dir=$work/$bytes-$days
  [ -d "$dir" ] || target/release/examples/gen-corpus --size "$bytes" --days "$days" "$dir" >/dev/null
  on_disk=$(du -sbL "$dir" | cut -f1)
  lines=$("$rec" "${window[@]}" --events --no-index "$dir" | wc -l)
  json=$(mktemp)
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$json" --style none \
    "$rec ${window[*]} $dir" "$rec ${window[*]} --no-index $dir" >/dev/null 2>&1
  read -r indexed first < <(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results']; print(*(f\"{x['median']:.3f}\" for x in r))" "$json")
  rm -f "$json"
  rss=$(/usr/bin/time -f '%M' "$rec" "${window[@]}" "$dir" 2>&1 >/dev/null | tail -1)
  rss_first=$(/usr/bin/time -f '%M' "$rec" "${window[@]}" --no-index "$dir" 2>&1 >/dev/null | tail -1)
  printf '%-26s %9s %14s %14s %12s %12s\n' "$name ($days days)" "$((on_disk / 1000000)) MB" "$lines" "$indexed" "$first" "$((rss / 1024)) / $((rss_first / 1024))"
done
