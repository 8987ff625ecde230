#!/usr/bin/env bash
# Runs every fuzz target for a fixed time each and reports what it found.
#
#   bash fuzz/run.sh [SECONDS]      # default 300 per target
#
# Stable Rust is enough: without a sanitizer, libFuzzer still finds panics, overflow
# (debug assertions are on), hangs and runaway memory. A crash leaves its input in
# fuzz/artifacts/<target>/; fix it and keep the input as a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-300}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
targets=(framing file families timestamps window locator)
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t"
done
# Seeds: the format fixtures for the parsers, a few window arguments for the window.
for f in tests/fixtures/formats/*/*; do
  case "$f" in */expected.txt|*/args) continue ;; esac
  head -c 4096 "$f" > "fuzz/corpus/file/$(basename "$(dirname "$f")")"
  cp "fuzz/corpus/file/$(basename "$(dirname "$f")")" "fuzz/corpus/framing/"
  cp "fuzz/corpus/file/$(basename "$(dirname "$f")")" "fuzz/corpus/locator/"
  head -n 1 "$f" > "fuzz/corpus/families/$(basename "$(dirname "$f")")"
  head -n 1 "$f" > "fuzz/corpus/timestamps/$(basename "$(dirname "$f")")"
done
for t in "${targets[@]}"; do
  log=fuzz/artifacts/$t.log
  mkdir -p fuzz/artifacts
  if cargo fuzz run --sanitizer none "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    result=ok
  else
    result="CRASH (see $log and fuzz/artifacts/$t/)"
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  printf '%-11s %5ss  %12s execs  %s\n' "$t" "$seconds" "${runs:-?}" "$result"
done
