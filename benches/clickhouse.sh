#!/usr/bin/env bash
# The ClickHouse source against the same rows as local files. Tables of synthetic service logs
# on the two-shard cluster of tests/clickhouse/cluster.sh (half the rows on each shard, read
# through a Distributed table), their bodies also written out as one file per service; the
# same window drafted from each. Prints, for each case, the median wall time of RUNS runs, the
# window's rows per second, and reconstruct's peak memory (GNU time; the servers' own memory is
# theirs).
#
#   bash benches/clickhouse.sh [ROWS] [RUNS]     # default: 10000000 rows, 5 runs
#
# Every table has the same density (a row every 60 ms, as 10 million rows in a week) and ends
# at the same instant, a larger table reaching further back: the window holds the same rows
# whatever the table's size, so the size's own cost shows. The 10-million-row table is also
# drafted over windows of 30 minutes to a day. Uses the cluster named by RECONSTRUCT_CLICKHOUSE,
# or starts one (and stops it at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-10000000}
runs=${2:-5}
for tool in clickhouse-server curl /usr/bin/time; do
    command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq clickhouse-server curl time >/dev/null; }
done
cargo build --release -q --bin reconstruct
rec=$PWD/target/release/reconstruct
work=${TMPDIR:-/tmp}/reconstruct-clickhouse-bench
mkdir -p "$work"
if [ -n "${RECONSTRUCT_CLICKHOUSE:-}" ]; then
    IFS=, read -ra shards <<<"$RECONSTRUCT_CLICKHOUSE"
else
    tests/clickhouse/cluster.sh start "$work/cluster"
    trap 'tests/clickhouse/cluster.sh stop "$work/cluster"' EXIT
    shards=(127.0.0.1:18123 127.0.0.1:18124)
fi
q() { curl -fsS --data-binary "$2" "http://$1/"; }

# The week ends 2025-06-08 00:00 UTC; checkout fails from 14:00 to 15:00 on 2025-06-07, after a
# deploy at 13:41.
end=1749340800
deploy="2025-06-07 13:41:07 INFO deploy checkout v4.2.0 started"

load() { # table, rows
    local table=$1 total=$2
    for s in 0 1; do
        q "${shards[$s]}" "CREATE DATABASE IF NOT EXISTS bench"
        q "${shards[$s]}" "DROP TABLE IF EXISTS bench.${table}"
        q "${shards[$s]}" "DROP TABLE IF EXISTS bench.${table}_local"
        q "${shards[$s]}" "CREATE TABLE bench.${table}_local (ts DateTime, sev String, svc String, body String) ENGINE = MergeTree() ORDER BY ts"
        q "${shards[$s]}" "CREATE TABLE bench.${table} AS bench.${table}_local ENGINE = Distributed(reconstruct, bench, ${table}_local, rand())"
        q "${shards[$s]}" "INSERT INTO bench.${table}_local
            SELECT ts, sev, svc, concat(toString(ts), ' ', sev, ' ', svc, ' ', msg) FROM (
              SELECT number * 2 + $s AS n,
                toDateTime($end - intDiv(($total - n) * 6048, 100000)) AS ts,
                arrayElement(['checkout', 'gateway', 'payments', 'inventory', 'search'], n % 5 + 1) AS svc,
                (svc = 'checkout' AND ts >= toDateTime(1749304800) AND ts < toDateTime(1749308400) AND n % 10 = 0) AS outage,
                multiIf(outage, 'ERROR', n % 1000 = 7, 'ERROR', 'INFO') AS sev,
                multiIf(outage, 'Failed to allocate session buffer of 512 KB',
                        n % 1000 = 7, 'upstream timed out after 5000ms',
                        concat('handled GET /api/items/', toString(n % 1000), ' in ', toString(n % 300), 'ms')) AS msg
              FROM system.numbers LIMIT $((total / 2)))"
    done
    q "${shards[0]}" "INSERT INTO bench.${table}_local FORMAT JSONEachRow
{\"ts\":\"2025-06-07 13:41:07\",\"sev\":\"INFO\",\"svc\":\"checkout\",\"body\":\"$deploy\"}"
}

files() { # table, directory: its bodies, one file per service, in time order
    local table=$1 dir=$2
    for svc in checkout gateway payments inventory search; do
        mkdir -p "$dir/$svc"
        q "${shards[0]}" "SELECT body FROM bench.${table} WHERE svc = '$svc' ORDER BY ts FORMAT TabSeparatedRaw" > "$dir/$svc/app.log"
    done
}

printf '[clickhouse]\ntime = "ts"\nbody = "body"\nlevel = "sev"\nservice = "svc"\nattributes = []\n' > "$work/mapping.toml"

# The median wall time and the largest peak memory of `runs` runs, and the window's rows.
measure() { # label, window rows, arguments...
    local label=$1 count=$2
    shift 2
    local walls=() peak=0
    for _ in $(seq "$runs"); do
        read -r wall rss < <(/usr/bin/time -f '%e %M' "$rec" -q "$@" 2>&1 >/dev/null | tail -1)
        walls+=("$wall")
        ((rss > peak)) && peak=$rss
    done
    local median
    median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
    local rate
    rate=$(awk -v n="$count" -v t="$median" 'BEGIN { printf "%.2f", (t > 0 ? n / t / 1e6 : 0) }')
    printf '%-58s %9s %8.3f s %8s M rows/s %6s MB\n' "$label" "$count" "$median" "$rate" "$((peak / 1024))"
}

window_rows() { # table, from, to
    q "${shards[0]}" "SELECT count() FROM bench.$1 WHERE ts >= toDateTime('$2') AND ts <= toDateTime('$3')"
}

printf '%-58s %9s %10s %16s %9s\n' case "rows" "median" "rate" "peak"
sizes=("$((rows / 4))" "$((rows / 2))" "$rows")
for size in "${sizes[@]}"; do
    table=logs_$size
    load "$table" "$size"
    from="2025-06-07 14:00:00" to="2025-06-07 16:00:00"
    count=$(window_rows "$table" "$from" "$to")
    window=(--from "$from" --to "$to" --tz UTC)
    measure "2 h window, $size-row table, from ClickHouse" "$count" \
        "${window[@]}" --config "$work/mapping.toml" "clickhouse://${shards[0]}/bench.$table"
    if [ "$size" = "$rows" ]; then
        files "$table" "$work/files"
        measure "2 h window, the same rows as files (line index warm)" "$count" "${window[@]}" "$work/files"
        measure "2 h window, the same rows as files (--no-index)" "$count" "${window[@]}" --no-index "$work/files"
        for span in "14:00:00 14:30:00" "14:00:00 16:00:00" "10:00:00 18:00:00" "00:00:00 23:59:59"; do
            read -r a b <<<"$span"
            count=$(window_rows "$table" "2025-06-07 $a" "2025-06-07 $b")
            measure "window $a-$b, $size-row table, from ClickHouse" "$count" \
                --from "2025-06-07 $a" --to "2025-06-07 $b" --tz UTC \
                --config "$work/mapping.toml" "clickhouse://${shards[0]}/bench.$table"
            measure "window $a-$b, as files (line index warm)" "$count" \
                --from "2025-06-07 $a" --to "2025-06-07 $b" --tz UTC "$work/files"
        done
    fi
done
