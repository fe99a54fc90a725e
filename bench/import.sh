#!/usr/bin/env bash
# Measures "casetrack import" at scale: it writes a replay file of ROWS
# realistic rows (default 1000000; TestGenerateReplayFile in
# internal/replay, from the seeder) and imports it into a fresh SQLite
# database and into a fresh PostgreSQL schema "bench_import", reporting
# for each the import's own summary and /usr/bin/time -v's wall time and
# peak memory. CASETRACK_BENCH_FORMAT=csv measures a CSV file instead.
#
#   bench/import.sh [ROWS]
#
# Needs /usr/bin/time (apt-get install -y time), psql and a PostgreSQL at
# $CASETRACK_BENCH_POSTGRES.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}  # the toolchain go.mod names

ROWS=${1:-1000000}
FORMAT=${CASETRACK_BENCH_FORMAT:-jsonl}
PG=${CASETRACK_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
SCHEMA=bench_import
OUT=bench/out
mkdir -p "$OUT"
FILE="$OUT/replay.$FORMAT"

echo "== build"
go build -o "$OUT/casetrack" ./cmd/casetrack

echo "== write $ROWS rows to $FILE"
CASETRACK_REPLAY_FILE="$PWD/$FILE" CASETRACK_REPLAY_ROWS="$ROWS" \
  go test -count=1 -run '^TestGenerateReplayFile$' ./internal/replay/ >/dev/null
ls -l "$FILE"

measure() { # name, database URL
  echo "== import into $1"
  /usr/bin/time -v "$OUT/casetrack" import --database "$2" "$FILE" 2>"$OUT/import-$1.time"
  grep -E 'Elapsed \(wall clock\)|Maximum resident set size|User time|System time' "$OUT/import-$1.time" | sed 's/^\s*/  /'
}

rm -f "$OUT"/import.db*
measure sqlite "sqlite:$OUT/import.db"

psql "$PG" -qc "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA;"
measure postgres "$PG&search_path=$SCHEMA"
PGOPTIONS="-c search_path=$SCHEMA" psql "$PG" -Atc "SELECT 'postgres: ' || count(*) || ' cases' FROM cases"
