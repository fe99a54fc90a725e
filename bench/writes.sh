#!/usr/bin/env bash
# Write throughput at scale: varied submissions (bench/writes.lua) against a
# database seeded with CASES synthetic cases, with wrk.
#
#   bench/writes.sh [CASES]            (default 1000000; 0: an empty database)
#
# SQLite (a fresh file under bench/out) by default; with
# CASETRACK_BENCH_POSTGRES=URL the schema "bench_writes" of that database.
# CASETRACK_BENCH_CONNECTIONS (default 16) and CASETRACK_BENCH_DURATION
# (default 20s) set the load, CASETRACK_BENCH_SCRIPT the wrk script
# (bench/bursts.lua: copies of one timeline). CASETRACK_BENCH_RATE=N paces
# the connections to offer N submissions per second together (bench/pace.lua)
# instead of each sending again as soon as it is answered: the answer time
# at that load rather than at saturation. CASETRACK_BENCH_REUSE=1 keeps
# the database of the previous run when it holds at least CASES cases
# (seeding a million takes minutes). It waits for the server's start-up
# reorganisation (store.Reorganize) before measuring, prints wrk's latency
# distribution, the server's CPU time per request and the number of cases
# the database holds afterwards, so that acknowledged writes can be
# compared with stored ones. Needs wrk (and python3 to count the rows of
# an SQLite file).
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
  URL="$PG&search_path=bench_writes"
  count() { PGOPTIONS="-c search_path=bench_writes" psql "$PG" -Atc "SELECT count(*) FROM cases" 2>/dev/null || echo 0; }
  fresh() { psql "$PG" -qc "DROP SCHEMA IF EXISTS bench_writes CASCADE; CREATE SCHEMA bench_writes;"; }
else
  DB="$OUT/writes.db"
  URL="sqlite:$DB"
  count() { [ -f "$DB" ] && python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM cases').fetchone()[0])" "$DB" 2>/dev/null || echo 0; }
  fresh() { rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.lock"; }
fi

echo "== build"
go build -o "$OUT/casetrack" ./cmd/casetrack
if [ "${CASETRACK_BENCH_REUSE:-}" = 1 ] && [ "$(count)" -ge "$CASES" ]; then
  echo "== reusing the database of the last run ($(count) cases)"
  "$OUT/casetrack" migrate --database "$URL"
elif [ "$CASES" -eq 0 ]; then
  fresh
  echo "== an empty database"
  "$OUT/casetrack" migrate --database "$URL"
else
  fresh
  echo "== seed $CASES cases"
  /usr/bin/time -f "seed: %e s wall, %M KB max RSS" "$OUT/casetrack" seed --database "$URL" --cases "$CASES"
fi

echo "== start the server"
"$OUT/casetrack" serve --database "$URL" --addr "127.0.0.1:$PORT" --write-rate 0 \
  --contact bench@example.org >"$OUT/writes-server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { cat "$OUT/writes-server.log"; exit 1; }
  sleep 0.1
done
echo "== waiting for the start-up reorganisation"
until grep -q "database reorganized\|reorganization" "$OUT/writes-server.log"; do
  kill -0 $pid 2>/dev/null || { cat "$OUT/writes-server.log"; exit 1; }
  sleep 0.5
done
grep "reorganiz" "$OUT/writes-server.log" | tail -1
before=$(count)
echo "cases before: $before"

export CASETRACK_BENCH_THREADS=2  # wrk -t2 below; bench/pace.lua needs it
echo "== POST /api/v1/cases, $CONNS connections, $DURATION${CASETRACK_BENCH_RATE:+, offering $CASETRACK_BENCH_RATE per second}"
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }  # user + system, in clock ticks
cpu0=$(cpu)
wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "${CASETRACK_BENCH_SCRIPT:-bench/writes.lua}" "http://127.0.0.1:$PORT" | tee "$OUT/wrk-writes.txt"
cpu1=$(cpu)
requests=$(awk '/requests in/ {print $1}' "$OUT/wrk-writes.txt")
echo "server CPU per request: $(awk -v t=$((cpu1 - cpu0)) -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f ms", 1000 * t / hz / n}')"
after=$(count)
echo "cases after: $after (stored during the run: $((after - before)))"
grep VmRSS /proc/$pid/status | sed 's/^/server: /'
