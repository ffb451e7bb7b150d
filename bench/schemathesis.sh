#!/usr/bin/env bash
# schemathesis against the API (issue 11; bench/README.md, "schemathesis against the API"):
# a fresh database with the reference dataset, one user and token per role, a server on
# loopback with the rate limits off, and one schemathesis run per role (viewer, editor,
# reviewer, admin) with bench/schemathesis.toml, each printing its summary. Each run starts
# from the database the runs before it left (the editor's proposals are there for the
# reviewer to review).
#
# Usage: POLIS=target/release/polis MAX_EXAMPLES=10 bench/schemathesis.sh [ROLE...]
# Needs: a release build (`cargo build --release -p polis`; this script builds nothing),
# curl, and schemathesis (`python3 -m venv /tmp/st && /tmp/st/bin/pip install schemathesis`;
# SCHEMATHESIS names its binary, default `schemathesis` on the PATH).
# Settings: POLIS (the binary), MAX_EXAMPLES (10), PORT (8792), WORKERS (1).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
polis=${POLIS:-${CARGO_TARGET_DIR:-$root/target}/release/polis}
max_examples=${MAX_EXAMPLES:-10}
port=${PORT:-8792}
workers=${WORKERS:-1}
schemathesis=${SCHEMATHESIS:-schemathesis}
roles=("$@")
[ ${#roles[@]} -eq 0 ] && roles=(viewer editor reviewer admin)
base="http://127.0.0.1:$port"
work=$(mktemp -d)
db="$work/polis.db"
export POLIS_CONFIG="$work/polis.toml"
: >"$POLIS_CONFIG"
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$polis" --db "$db" init >/dev/null 2>&1
declare -A tokens
for role in viewer editor reviewer admin; do
    "$polis" --db "$db" user add "st-$role" --role "$role" >/dev/null
    tokens[$role]=$("$polis" --db "$db" token create "st-$role" 2>/dev/null)
done

"$polis" --db "$db" serve --addr "127.0.0.1:$port" --rate-per-second 0 \
    --write-rate-per-minute 0 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 150); do
    curl -sf "$base/api/v1/health" >/dev/null && break
    sleep 0.2
done

echo "polis: $("$polis" --version)"
echo "schemathesis: $("$schemathesis" --version)"
status=0
for role in "${roles[@]}"; do
    echo
    echo "=== $role (--max-examples $max_examples) ==="
    "$schemathesis" --config-file "$root/bench/schemathesis.toml" run \
        "$base/api/v1/openapi.json" -H "Authorization: Bearer ${tokens[$role]}" \
        --max-examples "$max_examples" --workers "$workers" --request-timeout 60 ||
        status=1
done
if grep -qiE 'panicked|internal error' "$work/server.log"; then
    echo "the server logged errors:"
    grep -iE 'panicked|internal error' "$work/server.log" | head -20
    status=1
fi
exit $status
