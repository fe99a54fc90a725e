#!/usr/bin/env bash
# Benchmark of the statistics API at scale, against PostgreSQL's own time for
# the equivalent aggregate.
#
#   bench/run.sh [CASES]        (default 1000000)
#
# It seeds CASES synthetic cases into a fresh PostgreSQL schema "bench",
# starts casetrack on it, and reports: start-up time (process start to the
# first successful /healthz, which answers only after the statistics index is
# loaded), the latency distribution and throughput of GET /api/v1/stats for a
# broad filter (one category) and a narrow one (category + country + service
# center) measured with wrk, the server's resident memory after the load,
# and the time PostgreSQL needs for percentile_cont over the same groups
# (pgbench). Statistics answers are cached until the next write, so a third
# run repeats the broad query while cases are being submitted; the outlook
# API is measured for one applicant and for many in turn, and the feed
# last. Needs wrk and pgbench (apt-get install -y wrk postgresql-client)
# and a PostgreSQL at $CASETRACK_BENCH_POSTGRES.
#
# CASETRACK_BENCH_ONLY=feed measures the feed alone (after the start-up).
# CASETRACK_BENCH_SQLITE=PATH seeds and serves the SQLite file PATH
# instead (kept for CASETRACK_BENCH_REUSE=1); the PostgreSQL baseline is
# then skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}  # the toolchain go.mod names

CASES=${1:-1000000}
PG=${CASETRACK_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
SCHEMA=${CASETRACK_BENCH_SCHEMA:-bench}
PORT=${CASETRACK_BENCH_PORT:-18080}
DURATION=${CASETRACK_BENCH_DURATION:-20s}
CONNS=${CASETRACK_BENCH_CONNECTIONS:-8}
BROAD="category=i485-employment"
NARROW="category=eb2-niw&country=IN&service_center=TSC"
OUTLOOK="category=eb2-niw&country=IN&service_center=TSC&filed=2024-03"
OUT=bench/out
mkdir -p "$OUT"
URL="$PG&search_path=$SCHEMA"  # for casetrack (pgx); psql and pgbench get PGOPTIONS

ONLY=${CASETRACK_BENCH_ONLY:-all}
SQLITE=${CASETRACK_BENCH_SQLITE:-}
[ -n "$SQLITE" ] && URL="sqlite:$SQLITE"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
[ -n "$SQLITE" ] || command -v pgbench >/dev/null || { echo "pgbench is not installed"; exit 1; }

echo "== build"
go build -o "$OUT/casetrack" ./cmd/casetrack

if [ "${CASETRACK_BENCH_REUSE:-0}" != 1 ]; then
  if [ -n "$SQLITE" ]; then
    echo "== seed $CASES cases into $SQLITE"
    rm -f "$SQLITE" "$SQLITE-wal" "$SQLITE-shm"
    /usr/bin/time -f "seed: %e s wall, %M KB max RSS" "$OUT/casetrack" seed --database "$URL" --cases "$CASES"
  else
    echo "== seed $CASES cases into schema $SCHEMA"
    psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA;"
    /usr/bin/time -f "seed: %e s wall, %M KB max RSS" "$OUT/casetrack" seed --database "$URL" --cases "$CASES"
    PGOPTIONS="-c search_path=$SCHEMA" psql "$PG" -qc "VACUUM ANALYZE"
  fi
fi

echo "== start the server"
start=$(date +%s.%N)
"$OUT/casetrack" serve --database "$URL" --addr "127.0.0.1:$PORT" --write-rate 0 \
  --contact bench@example.org >"$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
  sleep 0.05
done
ready=$(date +%s.%N)
printf 'start-up with %s cases: %.2f s (process start to first /healthz)\n' "$CASES" "$(echo "$ready - $start" | bc)"
grep -m1 'statistics index loaded' "$OUT/server.log" || true
grep VmRSS /proc/$pid/status | sed 's/^/after start-up: /'

if [ "$ONLY" != feed ]; then
for name in broad narrow; do
  q=$BROAD; [ $name = narrow ] && q=$NARROW
  echo "== GET /api/v1/stats?$q"
  curl -fs -o "$OUT/stats-$name.json" "http://127.0.0.1:$PORT/api/v1/stats?$q"
  head -c 400 "$OUT/stats-$name.json"; echo
  wrk -t2 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/api/v1/stats?$q" | tee "$OUT/wrk-$name.txt"
done

# The outlook of one applicant, then of 144 applicants in turn (48
# filing months from three countries, bench/outlook.lua): each new one
# reads the groups of its ladder the first time, then from the cache.
echo "== GET /api/v1/outlook?$OUTLOOK"
curl -fs -o "$OUT/outlook.json" "http://127.0.0.1:$PORT/api/v1/outlook?$OUTLOOK"
head -c 400 "$OUT/outlook.json"; echo
wrk -t2 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/api/v1/outlook?$OUTLOOK" | tee "$OUT/wrk-outlook.txt"
echo "== GET /api/v1/outlook for 144 applicants in turn"
wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s bench/outlook.lua "http://127.0.0.1:$PORT" | tee "$OUT/wrk-outlook-many.txt"

# Every write empties the answer cache, so with a steady stream of writes
# many reads compute the statistics afresh: the worst case for reads.
echo "== GET /api/v1/stats?$BROAD while 10 cases per second are submitted"
(
  end=$((SECONDS + ${DURATION%s}))
  i=0
  while [ $SECONDS -lt $end ]; do
    # Each submission differs (filing month and receipt day): identical
    # copies would be flagged as a burst and left out of the statistics.
    i=$((i + 1))
    body=$(printf '{"category":"i485-employment","country":"IN","filed":"2025-%02d","milestones":[{"code":"received","date":"2025-%02d-%02d"}]}' \
      $((i % 12 + 1)) $((i % 12 + 1)) $((i % 28 + 1)))
    curl -s -o /dev/null -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/api/v1/cases"
    sleep 0.1
  done
) &
writer=$!
wrk -t2 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/api/v1/stats?$BROAD" | tee "$OUT/wrk-broad-writes.txt"
wait $writer
grep -E 'VmRSS|VmHWM' /proc/$pid/status | sed 's/^/after the load: /'
fi

# The feed is read from the database on every request, so it is measured
# apart: the commonest selections (everything, one step), one cohort, the
# rarest (a country with few cases, and a combination with none at all,
# which used to walk every milestone), and the HTML page. Every request
# has a bounded cost whatever its filter (internal/store/feed.go).
for q in "api/v1/feed" "api/v1/feed?milestone=approved" "api/v1/feed?category=eb2-niw&country=IN&filed=2024-03" \
  "api/v1/feed?country=ZW" "api/v1/feed?country=ZW&service_center=NBC&milestone=denied" "feed"; do
  echo "== GET /$q"
  curl -fs -o "$OUT/feed-sample" "http://127.0.0.1:$PORT/$q"
  head -c 300 "$OUT/feed-sample"; echo
  wrk -t2 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$PORT/$q" | tee "$OUT/wrk-feed-$(echo "$q" | tr -c 'a-z0-9' '_').txt"
done
# /healthz must keep answering while the rarest filter floods the feed.
echo "== GET /healthz while the rarest filter floods the feed"
wrk -t2 -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$PORT/api/v1/feed?country=ZW&service_center=NBC&milestone=denied" >/dev/null &
flood=$!
sleep 1
for i in 1 2 3 4 5; do
  curl -s -o /dev/null -m 5 -w "healthz: %{http_code} in %{time_total} s\n" "http://127.0.0.1:$PORT/healthz"
done
wait $flood

if [ "$ONLY" = feed ] || [ -n "$SQLITE" ]; then
  exit 0
fi

echo "== PostgreSQL baseline: percentile_cont of decision times over the same groups"
cat >"$OUT/sql-broad.sql" <<SQL
SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY d)
FROM (SELECT (CASE WHEN length(m.date) = 7 THEN (m.date || '-15')::date ELSE m.date::date END)
             - (c.filed || '-15')::date AS d
      FROM cases c JOIN milestones m ON m.case_id = c.id
      WHERE c.category = 'i485-employment' AND m.code IN ('approved', 'denied')) t;
SQL
cat >"$OUT/sql-narrow.sql" <<SQL
SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY d)
FROM (SELECT (CASE WHEN length(m.date) = 7 THEN (m.date || '-15')::date ELSE m.date::date END)
             - (c.filed || '-15')::date AS d
      FROM cases c JOIN milestones m ON m.case_id = c.id
      WHERE c.category = 'eb2-niw' AND c.country = 'IN' AND c.service_center = 'TSC'
        AND m.code IN ('approved', 'denied')) t;
SQL
for name in broad narrow; do
  echo "-- $name: result"
  PGOPTIONS="-c search_path=$SCHEMA" psql "$PG" -At -f "$OUT/sql-$name.sql"
  PGOPTIONS="-c search_path=$SCHEMA" pgbench -n -f "$OUT/sql-$name.sql" -c 2 -j 2 -T 15 "$PG" 2>/dev/null \
    | grep -E 'latency average|tps|number of transactions actually' | tee "$OUT/pgbench-$name.txt"
done
