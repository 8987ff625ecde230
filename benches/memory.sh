#!/usr/bin/env bash
# Peak memory against input size: the same generated week at two sizes, the same 2-hour
# window, measured with GNU time. Memory should follow the window, not the input.
#
#   bash benches/memory.sh [SIZE...]      # default: 2GB 20GB (the 20 GB corpus needs 20 GB of disk)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- 2GB 20GB
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release -q --bin reconstruct --example gen-corpus
rec=target/release/reconstruct
window=(--from 14:00 --to 16:00 --date 2025-06-05 -q)
printf '%-8s %-22s %10s %12s\n' input work wall "peak memory"
for size in "$@"; do
  dir=${TMPDIR:-/tmp}/reconstruct-memory-$size
  [ -d "$dir" ] || target/release/examples/gen-corpus --size "$size" "$dir"
  for work in "window draft" "window --events" "whole span draft"; do
    case $work in
      "window draft") args=("${window[@]}") ;;
      "window --events") args=("${window[@]}" --events) ;;
      *) args=(-q) ;;
    esac
    usage=$(/usr/bin/time -f '%e %M' "$rec" "${args[@]}" "$dir" 2>&1 >/dev/null | tail -1)
    read -r wall rss <<<"$usage"
    printf '%-8s %-22s %8s s %9s MB\n' "$size" "$work" "$wall" "$((rss / 1024))"
  done
done
