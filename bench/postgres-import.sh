#!/usr/bin/env bash
# The import of the Wikipedia list on SQLite and on PostgreSQL, side by side: each run
# starts from `polis init` on a fresh SQLite file and on a fresh PostgreSQL schema, and
# times `polis import wikipedia-list` alone. Prints one line per run; take the median.
#   bench/postgres-import.sh [RUNS]   (POLIS, POLIS_TEST_PG and LIST may be overridden)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
POLIS="${POLIS:-${CARGO_TARGET_DIR:-target}/release/polis}"
LIST="${LIST:-../shared/data/wikipedia-twin-towns/twin_cities_raw.csv}"
SERVER="${POLIS_TEST_PG:-postgres://postgres@127.0.0.1:5432/test}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
: > "$WORK/empty.toml"
export POLIS_CONFIG="$WORK/empty.toml"
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
for run in $(seq "$RUNS"); do
  db="$WORK/polis-$run.db"
  "$POLIS" --db "$db" init >/dev/null 2>&1
  echo "sqlite     run $run: $(seconds "$POLIS" --db "$db" import wikipedia-list "$LIST") s"
  schema="polis_bench_$$_$run"
  url="$SERVER?schema=$schema"
  "$POLIS" --db "$url" init >/dev/null 2>&1
  echo "postgresql run $run: $(seconds "$POLIS" --db "$url" import wikipedia-list "$LIST") s"
  psql "$SERVER" -qc "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE"
done
