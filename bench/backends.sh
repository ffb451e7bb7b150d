#!/usr/bin/env bash
# SQLite and PostgreSQL side by side, in one run (issue 13):
#   - the import of the Wikipedia list, then of the Wikidata TSV, each into a fresh database
#     made by `polis init` (a SQLite file, a PostgreSQL schema), RUNS times, the two backends
#     taking turns within each run;
#   - on the last run's world database, two `polis serve` processes: wrk against a place
#     lookup and a search on the first (rate limits off);
#   - CHANGES times: a place proposed and approved through the first server, and how long
#     until the second serves it (polled with curl, so to about 10 ms); the approval's own
#     time beside it.
# Prints every measurement as it comes, then a table of medians (min–max) and the ratio
# PostgreSQL / SQLite.
#
# Usage: bench/backends.sh
# Needs: a release build (`cargo build --release -p polis`), Debian's wrk, curl, psql,
# python3 (standard library), ../shared/data, and a PostgreSQL server (POLIS_TEST_PG).
# Settings: POLIS (the binary), POLIS_TEST_PG, RUNS (3), SECONDS_EACH (10),
# CONNECTIONS (32), CHANGES (10), PORT (8793; it uses PORT to PORT+3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
polis=${POLIS:-${CARGO_TARGET_DIR:-$root/target}/release/polis}
server_url=${POLIS_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}
runs=${RUNS:-3}
seconds_each=${SECONDS_EACH:-10}
connections=${CONNECTIONS:-32}
changes=${CHANGES:-10}
port=${PORT:-8793}
[ -x "$polis" ] || { echo "no polis binary at $polis: build it, or set POLIS or CARGO_TARGET_DIR" >&2; exit 1; }
data="$root/../shared/data"
list="$data/wikipedia-twin-towns/twin_cities_raw.csv"
tsv="$data/wikidata-eu-sistercities/sistercities.tsv"
work=$(mktemp -d)
results="$work/results.tsv"
: >"$results"
export POLIS_CONFIG="$work/polis.toml" POLIS_CACHE_DIR="$work/cache"
: >"$POLIS_CONFIG"
servers=()
schemas=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    for schema in "${schemas[@]}"; do
        psql "$server_url" -qc "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$results"; echo "$1 $2: $3"; }

# The database of a run: a file, or a schema of its own on the server.
database() {
    local backend=$1 run=$2
    if [ "$backend" = sqlite ]; then
        echo "$work/polis-$run.db"
    else
        local schema="polis_bench_$$_$run" separator='?'
        case "$server_url" in *\?*) separator='&' ;; esac
        echo "$server_url${separator}schema=$schema"
    fi
}

# Seconds taken by a command (its output discarded; its failure stops the script).
timed() {
    local start end
    start=$(now)
    "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; exit 1; }
    end=$(now)
    echo "$end - $start" | bc
}

# The gazetteer's name index is cached on first use; build it before anything is timed.
"$polis" --db "$work/warm.db" init >/dev/null 2>&1
"$polis" --db "$work/warm.db" import wikipedia-list "$list" >/dev/null 2>&1

echo "== imports ($runs runs; the world: reference + Wikipedia list + Wikidata TSV)"
for run in $(seq "$runs"); do
    for backend in sqlite postgresql; do
        db=$(database "$backend" "$run")
        [ "$backend" = postgresql ] && schemas+=("polis_bench_$$_$run")
        "$polis" --db "$db" init >/dev/null 2>&1
        record "$backend" "import Wikipedia list (s)" "$(timed "$polis" --db "$db" import wikipedia-list "$list")"
        record "$backend" "import Wikidata TSV (s)" "$(timed "$polis" --db "$db" import wikidata-tsv "$tsv")"
    done
done

# A server on the world database; echoes its pid once its health check answers.
serve() {
    local db=$1 at=$2 log=$3
    POLIS_DB="$db" "$polis" serve --addr "127.0.0.1:$at" --rate-per-second 0 \
        --write-rate-per-minute 0 >"$log" 2>&1 &
    local pid=$!
    for _ in $(seq 600); do
        curl -sf "http://127.0.0.1:$at/api/v1/health" >/dev/null && { echo "$pid"; return; }
        sleep 0.1
    done
    echo "the server on port $at did not start:" >&2
    cat "$log" >&2
    exit 1
}

# wrk's requests/s, p50 and p99 (in ms) and non-2xx answers for one path.
load() {
    local backend=$1 label=$2 url=$3 out
    out=$(wrk -t2 -c"$connections" -d"${seconds_each}s" --latency "$url")
    ms() { awk -v p="$1" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 } print v }'; }
    record "$backend" "$label req/s" "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
    record "$backend" "$label p50 (ms)" "$(ms 50% <<<"$out")"
    record "$backend" "$label p99 (ms)" "$(ms 99% <<<"$out")"
    record "$backend" "$label non-2xx" "$(awk '/Non-2xx/ {print $5}' <<<"$out" | grep . || echo 0)"
}

echo "== two servers on each world database"
for backend in sqlite postgresql; do
    db=$(database "$backend" "$runs")
    POLIS_DB="$db" "$polis" user add eddie --role editor >/dev/null
    POLIS_DB="$db" "$polis" user add rita --role reviewer >/dev/null
    editor=$(POLIS_DB="$db" "$polis" token create eddie 2>/dev/null)
    reviewer=$(POLIS_DB="$db" "$polis" token create rita 2>/dev/null)
    first=$(serve "$db" "$port" "$work/$backend-first.log")
    second=$(serve "$db" "$((port + 1))" "$work/$backend-second.log")
    servers+=("$first" "$second")
    a="http://127.0.0.1:$port"
    b="http://127.0.0.1:$((port + 1))"

    load "$backend" "place lookup" "$a/api/v1/places/cz-prague"
    load "$backend" "search" "$a/api/v1/search?q=praha"

    for n in $(seq "$changes"); do
        id="xx-bench-$backend-$n"
        body=$(printf '{"comment":"bench","change":{"operation":"apply","records":{"place":[{"id":"%s","level":"city","name":"Bench %s","country":"CZ","sources":["deck"]}]}}}' "$id" "$n")
        proposal=$(curl -sf -H "Authorization: Bearer $editor" -H 'Content-Type: application/json' \
            -d "$body" "$a/api/v1/proposals" | sed -E 's/^\{"id":([0-9]+).*/\1/')
        asked=$(now)
        curl -sf -o /dev/null -H "Authorization: Bearer $reviewer" -H 'Content-Type: application/json' \
            -d '{"comment":"ok"}' "$a/api/v1/proposals/$proposal/approve"
        approved=$(now)
        until curl -sf -o /dev/null "$b/api/v1/places/$id"; do
            if [ "$(echo "$(now) - $approved > 60" | bc)" = 1 ]; then
                echo "the second $backend server did not serve $id within 60 s" >&2
                exit 1
            fi
        done
        seen=$(now)
        record "$backend" "approval answered (ms)" "$(echo "($approved - $asked) * 1000" | bc)"
        record "$backend" "seen on the second server (ms)" "$(echo "($seen - $approved) * 1000" | bc)"
    done
    kill "$first" "$second"
    wait "$first" "$second" 2>/dev/null || true
    servers=()
done

echo
echo "== medians (min-max), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'EOF'
import statistics, sys
rows = {}
order = []
for line in open(sys.argv[1]):
    backend, metric, value = line.rstrip("\n").split("\t")
    if metric not in order:
        order.append(metric)
    rows.setdefault(metric, {}).setdefault(backend, []).append(float(value))
def number(x):
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"
def cell(values):
    if not values:
        return "-", None
    median = statistics.median(values)
    spread = f" ({number(min(values))}–{number(max(values))})" if len(values) > 1 else ""
    return f"{number(median)}{spread}", median
print("| what | SQLite | PostgreSQL | PostgreSQL / SQLite |")
print("|---|---:|---:|---:|")
for metric in order:
    sqlite, s = cell(rows[metric].get("sqlite", []))
    postgres, p = cell(rows[metric].get("postgresql", []))
    ratio = f"{p / s:.2f}" if s and p is not None else "-"
    print(f"| {metric} | {sqlite} | {postgres} | {ratio} |")
EOF
