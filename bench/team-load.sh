#!/usr/bin/env bash
# The team server under load (issue 11): wrk against a place lookup, a tie list, search and
# stats on loopback with the rate limits off, first with no writers, then with 8 writers
# proposing and approving changes through the API at the same time; and how long an
# approved change takes to become visible to readers. Every figure counts non-2xx answers.
#
# Usage: bench/team-load.sh            (the reference dataset: `polis init`)
#        WORLD=1 bench/team-load.sh    (also imports the Wikipedia list and the Wikidata TSV
#                                       from ../shared/data first)
# Needs: Debian's wrk, curl, a release build (`cargo build --release -p polis`).
# Settings: POLIS (the binary), SECONDS_EACH (10), CONNECTIONS (32), PORT (8791).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
polis=${POLIS:-${CARGO_TARGET_DIR:-$root/target}/release/polis}
seconds_each=${SECONDS_EACH:-10}
connections=${CONNECTIONS:-32}
port=${PORT:-8791}
base="http://127.0.0.1:$port"
work=$(mktemp -d)
export POLIS_DB="$work/polis.db" POLIS_CONFIG="$work/polis.toml"
: >"$POLIS_CONFIG"
server=""
writers=()
cleanup() {
    for pid in "${writers[@]}"; do kill "$pid" 2>/dev/null || true; done
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$polis" init >/dev/null 2>&1
if [ -n "${WORLD:-}" ]; then
    data="$root/../shared/data"
    "$polis" import wikipedia-list "$data/wikipedia-twin-towns/twin_cities_raw.csv" >/dev/null
    "$polis" import wikidata-tsv "$data/wikidata-eu-sistercities/sistercities.tsv" >/dev/null
fi
"$polis" user add eddie --role editor >/dev/null
"$polis" user add rita --role reviewer >/dev/null
editor=$("$polis" token create eddie 2>/dev/null)
reviewer=$("$polis" token create rita 2>/dev/null)

"$polis" serve --addr "127.0.0.1:$port" --rate-per-second 0 --write-rate-per-minute 0 \
    >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    curl -sf "$base/api/v1/health" >/dev/null && break
    sleep 0.2
done

# One line per endpoint: requests/s, p50, p99, the slowest answer, non-2xx answers and socket
# errors. The slowest answer is one sample: it shows a stall, not a rate.
measure() {
    local label=$1 path=$2 out
    out=$(wrk -t2 -c"$connections" -d"${seconds_each}s" --latency "$base$path")
    printf '%-14s %-44s %10s req/s  p50 %8s  p99 %8s  max %8s  non-2xx %s  socket errors %s\n' \
        "$label" "$path" \
        "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
        "$(awk '$1 == "50%" {print $2}' <<<"$out")" \
        "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
        "$(awk '$1 == "Latency" && NF >= 4 {print $4; exit}' <<<"$out")" \
        "$(awk '/Non-2xx/ {print $5}' <<<"$out" | grep . || echo 0)" \
        "$(awk '/Socket errors/ {print $0}' <<<"$out" | grep . || echo none)"
}

paths=(
    "/api/v1/places/cz-prague"
    "/api/v1/ties?country=CN&limit=100"
    "/api/v1/search?q=praha"
    "/api/v1/stats"
)

echo "== no writers ($connections connections, ${seconds_each}s each)"
for path in "${paths[@]}"; do measure "readers" "$path"; done

# A writer: propose a new place as the editor, approve it as the reviewer, again and again.
writer() {
    local id=$1 n=0
    while :; do
        n=$((n + 1))
        local body proposal
        body=$(printf '{"comment":"load","change":{"operation":"apply","records":{"place":[{"id":"xx-load-%s-%s","level":"city","name":"Load %s %s","country":"CZ","sources":["deck"]}]}}}' "$id" "$n" "$id" "$n")
        proposal=$(curl -s -H "Authorization: Bearer $editor" -H 'Content-Type: application/json' \
            -d "$body" "$base/api/v1/proposals" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
        [ -n "$proposal" ] || continue
        curl -s -o /dev/null -w '%{http_code}\n' -X POST -H "Authorization: Bearer $reviewer" \
            "$base/api/v1/proposals/$proposal/approve" >>"$work/writes-$id"
    done
}
for i in $(seq 8); do
    writer "$i" &
    writers+=($!)
done
echo "== with 8 writers proposing and approving"
for path in "${paths[@]}"; do measure "with writers" "$path"; done
for pid in "${writers[@]}"; do kill "$pid" 2>/dev/null || true; done
wait "${writers[@]}" 2>/dev/null || true
writers=()
approved=$(cat "$work"/writes-* 2>/dev/null | grep -c '^200$' || true)
refused=$(cat "$work"/writes-* 2>/dev/null | grep -vc '^200$' || true)
echo "writes: $approved proposals approved (200), $refused approvals answered otherwise, over $((seconds_each * ${#paths[@]})) s"

# Visibility: from the approval's answer to the first reader that sees the change.
visible() {
    local body proposal start end
    body='{"comment":"visibility","change":{"operation":"apply","records":{"place":[{"id":"xx-visible","level":"city","name":"Visible","country":"CZ","sources":["deck"]}]}}}'
    proposal=$(curl -s -H "Authorization: Bearer $editor" -H 'Content-Type: application/json' \
        -d "$body" "$base/api/v1/proposals" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
    curl -s -o /dev/null -X POST -H "Authorization: Bearer $reviewer" \
        "$base/api/v1/proposals/$proposal/approve"
    start=$(date +%s%N)
    until curl -sf -o /dev/null "$base/api/v1/places/xx-visible"; do :; done
    end=$(date +%s%N)
    echo "an approved change was visible to readers $(((end - start) / 1000000)) ms after the approval answered"
}
visible
"$polis" audit verify
