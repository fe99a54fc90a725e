#!/usr/bin/env bash
# Write throughput at scale: varied submissions (bench/writes.lua) against a
# database seeded with CASES synthetic cases, with wrk.
#
#   bench/writes.sh [CASES]            (default 1000000)
#
# SQLite (a fresh file under bench/out) by default; with
# CASETRACK_BENCH_POSTGRES=URL the schema "bench_writes" of that database.
# CASETRACK_BENCH_CONNECTIONS (default 16) and CASETRACK_BENCH_DURATION
# (default 20s) set the load. It prints wrk's latency distribution and the
# number of cases the database holds afterwards, so that acknowledged
# writes can be compared with stored ones. Needs wrk (and python3 to count
# the rows of an SQLite file).
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}  # the toolchain go.mod names

CASES=${1:-1000000}
PORT=${CASETRACK_BENCH_PORT:-18081}
CONNS=${CASETRACK_BENCH_CONNECTIONS:-16}
DURATION=${CASETRACK_BENCH_DURATION:-20s}
OUT=bench/out
mkdir -p "$OUT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }

if [ -n "${CASETRACK_BENCH_POSTGRES:-}" ]; then
  PG=$CASETRACK_BENCH_POSTGRES
  psql "$PG" -qc "DROP SCHEMA IF EXISTS bench_writes CASCADE; CREATE SCHEMA bench_writes;"
  URL="$PG&search_path=bench_writes"
  count() { PGOPTIONS="-c search_path=bench_writes" psql "$PG" -Atc "SELECT count(*) FROM cases"; }
else
  DB="$OUT/writes.db"
  rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.lock"
  URL="sqlite:$DB"
  count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM cases').fetchone()[0])" "$DB"; }
fi

echo "== build"
go build -o "$OUT/casetrack" ./cmd/casetrack
echo "== seed $CASES cases"
/usr/bin/time -f "seed: %e s wall, %M KB max RSS" "$OUT/casetrack" seed --database "$URL" --cases "$CASES"

echo "== start the server"
"$OUT/casetrack" serve --database "$URL" --addr "127.0.0.1:$PORT" --write-rate 0 \
  --contact bench@example.org >"$OUT/writes-server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { cat "$OUT/writes-server.log"; exit 1; }
  sleep 0.1
done
before=$(count)
echo "cases before: $before"

echo "== POST /api/v1/cases, $CONNS connections, $DURATION"
wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/writes.lua "http://127.0.0.1:$PORT" | tee "$OUT/wrk-writes.txt"
after=$(count)
echo "cases after: $after (stored during the run: $((after - before)))"
grep VmRSS /proc/$pid/status | sed 's/^/server: /'
