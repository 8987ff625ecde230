#!/usr/bin/env bash
# Side by side, in one run, on one generated corpus: reconstruct, lnav (headless, with a format
# definition for the JSON logs so that it reads the same events), hl on the JSON logs, a
# grep/sort pipeline, cat and wc -l reading every byte, and the newlines before the window
# counted alone, as reconstruct counts them and through a memory map (the floor of a first run).
# Wall time (hyperfine median), CPU time and peak memory (GNU time) for:
#   (a) the 2-hour window of the plain corpus, (b) the same over gzip rotations, (c) the whole span.
#
#   bash benches/compare.sh [SIZE] [RUNS]      # defaults: 2GB, 5
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-2GB}
runs=${2:-5}
work=${TMPDIR:-/tmp}/reconstruct-compare-$size

need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need lnav lnav
need hyperfine hyperfine
need /usr/bin/time time

cargo build --release -q --bin reconstruct --example gen-corpus --example count-before
[ -d "$work/plain" ] || target/release/examples/gen-corpus --size "$size" "$work/plain"
[ -d "$work/gzip" ] || target/release/examples/gen-corpus --size "$size" --gzip "$work/gzip"

# reconstruct keeps its line index here: the warm-up run writes it, the measured runs read it
# (the "no index" row counts every time, as a first run on new logs does).
export XDG_CACHE_HOME="$work/cache"
rm -rf "$XDG_CACHE_HOME"

# lnav reads the JSON logs through this format (time, level, message), as reconstruct does.
export HOME="$work/home"
mkdir -p "$HOME/.lnav/formats/installed"
cat > "$HOME/.lnav/formats/installed/corpus_json.json" <<'JSON'
{
  "$schema": "https://lnav.org/schemas/format-v1.schema.json",
  "corpus_json": {
    "title": "Corpus JSON lines",
    "description": "The JSON lines of the generated corpus",
    "json": true,
    "timestamp-field": "time",
    "level-field": "level",
    "body-field": "msg",
    "value": {
      "time": {"kind": "string"}, "level": {"kind": "string"}, "msg": {"kind": "string"}
    }
  }
}
JSON

# hl (github.com/pamburus/hl) is not on crates.io: it is built from its source, a clone of its
# repository (HL_SRC, a git directory; by default where the tool library's fetch puts it), its one
# git dependency (clap_mangen, from a fork) taken from crates.io instead, with the toolchain that
# builds reconstruct. Without the source its rows are skipped, with a note. It reads JSON logs
# only: it is compared on the corpus's JSON files, with its index warm (the warm-up run builds
# it), against reconstruct's first run on them (no line index) and its run with its own index
# warm.
hl_src=${HL_SRC:-/work/.mirror/pamburus+hl/repo}
hl=""
if git --git-dir "$hl_src" rev-parse -q HEAD >/dev/null 2>&1; then
  if [ ! -x "$work/hl/target/release/hl" ]; then
    rm -rf "$work/hl" && git clone -q "$hl_src" "$work/hl"
    sed -i -E 's|^clap_mangen = \{ git = [^}]*\}|clap_mangen = "0.2"|' "$work/hl/Cargo.toml"
    # The fork's one addition, a verbatim man page, is hl's `--man-page` only.
    sed -i 's/\.verbatim(true)//' "$work/hl/src/main.rs"
    # Built with the toolchain that builds reconstruct, not the one hl pins.
    rm -f "$work/hl/rust-toolchain.toml"
    (cd "$work/hl" && cargo build --release -q --bin hl)
  fi
  hl="$work/hl/target/release/hl"
else
  echo "note: no hl source at $hl_src (set HL_SRC to a clone of github.com/pamburus/hl): hl's rows skipped"
fi

rec=target/release/reconstruct
window=(--from 14:00 --to 16:00 --date 2025-06-05)
files() { find "$1" -type f | sort | tr '\n' ' '; }
# Where a first run starts to parse each file it seeks (8 MiB and more): the window's look-back
# (12:00) less the ten minutes of disorder it allows, found by grep before anything is measured.
before=""
for f in $(find "$work/plain" -type f -size +8M | sort); do
  at=$(grep -b -m1 -E '(2025-06-05[T ]11:5|05/Jun/2025:11:5|Jun  5 11:5)' "$f" | cut -d: -f1 || true)
  [ -n "$at" ] && before+=" $f:$at"
done
lnav_sql="SELECT log_time, log_level, log_body FROM all_logs WHERE log_time >= '2025-06-05 14:00:00' AND log_time < '2025-06-05 16:00:00'"
pattern='(2025-06-05[T ]1[45]:|05/Jun/2025:1[45]:|Jun  5 1[45]:)'

declare -A cmds=(
  ["a reconstruct draft"]="$rec ${window[*]} -q $work/plain"
  ["a reconstruct draft, no index"]="$rec ${window[*]} -q --no-index $work/plain"
  ["a reconstruct --events"]="$rec ${window[*]} -q --events $work/plain"
  ["a lnav"]="lnav -n -c \";$lnav_sql\" -c ':write-csv-to /dev/null' $(files "$work/plain")"
  ["a grep|sort"]="bash -c \"grep -rh -E '$pattern' $work/plain | sort > /dev/null\""
  # Reading every byte once, the floor a first run (no index) is measured against.
  ["a cat (every byte)"]="bash -c \"cat $(files "$work/plain") > /dev/null\""
  ["a wc -l (every line)"]="wc -l $(files "$work/plain")"
  # The newlines a first run counts before each seeked file's window, and nothing else.
  ["a count before the window"]="target/release/examples/count-before $before"
  ["a count before, mmap"]="target/release/examples/count-before --mmap $before"
  ["b reconstruct draft"]="$rec ${window[*]} -q $work/gzip"
  ["b lnav"]="lnav -n -c \";$lnav_sql\" -c ':write-csv-to /dev/null' $(files "$work/gzip")"
  ["b zcat|grep|sort"]="bash -c \"find $work/gzip -type f | sort | xargs zcat -f | grep -E '$pattern' | sort > /dev/null\""
  ["c reconstruct draft"]="$rec -q $work/plain"
  ["c lnav"]="lnav -n -c ';SELECT count(*) FROM all_logs' $(files "$work/plain")"
  ["c grep|sort"]="bash -c \"grep -rh . $work/plain | sort > /dev/null\""
)
# The JSON application logs (alertmanager's payloads carry no time of their own for hl).
json_files=$(find "$work/plain" -type f -name '*.jsonl' ! -path '*/alerts/*' | sort | tr '\n' ' ')
if [ -n "$hl" ]; then
  # -s: in time order, through hl's index (built by the warm-up run, then read).
  cmds["a hl, JSON (warm index)"]="$hl -P -s --since '2025-06-05 14:00:00' --until '2025-06-05 16:00:00' $json_files"
  cmds["a reconstruct --events, JSON, no index"]="$rec ${window[*]} -q --events --no-index $json_files"
  # Index against index: reconstruct's line index written by its warm-up run, as hl's is.
  cmds["a reconstruct --events, JSON (warm index)"]="$rec ${window[*]} -q --events $json_files"
fi

# A virtual machine's model name ("AMD EPYC") hides the generation; family and model tell it.
cpu() { grep -m1 "^$1[[:space:]]*:" /proc/cpuinfo | cut -d: -f2 | xargs; }
echo "machine: $(nproc) cores, $(cpu 'model name') (family $(cpu 'cpu family'), model $(cpu model)), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "corpus: $(du -sh "$work/plain" | cut -f1) plain, $(du -sh "$work/gzip" | cut -f1) gzip"
printf '%-32s %12s %12s %14s\n' work "wall median" "cpu (1 run)" "peak memory"
for name in $(printf '%s\n' "${!cmds[@]}" | sort | tr ' ' '~'); do
  name=${name//\~/ }
  cmd=${cmds[$name]}
  # The peers' whole span is measured once: it takes them minutes. reconstruct's takes seconds,
  # and is measured as often as the rest, since one run on a shared machine is noise.
  n=$runs; [[ $name == c* && $name != "c reconstruct"* ]] && n=1
  wall=$(hyperfine -N --warmup 1 --runs "$n" --export-json "$work/hf.json" "$cmd" >/dev/null 2>&1 \
    && python3 -c "import json; print('%.3f s' % json.load(open('$work/hf.json'))['results'][0]['median'])" || echo failed)
  usage=$(/usr/bin/time -f '%U %S %M' bash -c "$cmd" 2>&1 >/dev/null | tail -1)
  read -r user sys rss <<<"$usage"
  cpu=$(python3 -c "print('%.2f s' % ($user + $sys))" 2>/dev/null || echo "?")
  printf '%-32s %12s %12s %11s MB\n' "$name" "$wall" "$cpu" "$((rss / 1024))"
done
