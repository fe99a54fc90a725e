#!/usr/bin/env bash
# Benchmark of the pages people load at scale: every public page, chart
# and feed, cached (nothing written meanwhile) and under a trickle of 20
# submitted cases per second, next to the same server's static-response
# ceiling (/healthz) and PostgreSQL's own time for the statistics
# aggregate, with the ratios; then (CASETRACK_BENCH_ONLY=all) the
# statistics, outlook and feed APIs in more detail.
#
#   bench/run.sh [CASES]        (default 1000000; 10000000 for the 10M run)
#
# It prints one table at the end (also in bench/out/pages.tsv): p50, p99
# and requests/s of each page, cached and under writes, and p50 as a
# multiple of /healthz's.
#
# CASETRACK_BENCH_BIN=PATH serves with a binary built beforehand (to
# measure an older version on the same data) instead of building one.
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
# CASETRACK_BENCH_ONLY=feed measures the feed in detail alone (after the
# start-up); =all adds the detailed API runs to the pages table.
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

ONLY=${CASETRACK_BENCH_ONLY:-pages}
SQLITE=${CASETRACK_BENCH_SQLITE:-}
[ -n "$SQLITE" ] && URL="sqlite:$SQLITE"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)"; exit 1; }
[ -n "$SQLITE" ] || command -v pgbench >/dev/null || { echo "pgbench is not installed"; exit 1; }

BIN=${CASETRACK_BENCH_BIN:-$OUT/casetrack}
if [ -z "${CASETRACK_BENCH_BIN:-}" ]; then
  echo "== build"
  go build -o "$BIN" ./cmd/casetrack
fi
echo "machine load before the run: $(uptime)"

if [ "${CASETRACK_BENCH_REUSE:-0}" != 1 ]; then
  if [ -n "$SQLITE" ]; then
    echo "== seed $CASES cases into $SQLITE"
    rm -f "$SQLITE" "$SQLITE-wal" "$SQLITE-shm"
    /usr/bin/time -f "seed: %e s wall, %U s user + %S s system CPU, %M KB max RSS" "$BIN" seed --database "$URL" --cases "$CASES"
  else
    echo "== seed $CASES cases into schema $SCHEMA"
    psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE; CREATE SCHEMA $SCHEMA;"
    /usr/bin/time -f "seed: %e s wall, %U s user + %S s system CPU, %M KB max RSS" "$BIN" seed --database "$URL" --cases "$CASES"
    PGOPTIONS="-c search_path=$SCHEMA" psql "$PG" -qc "VACUUM ANALYZE"
  fi
fi

echo "== start the server"
start=$(date +%s.%N)
"$BIN" serve --database "$URL" --addr "127.0.0.1:$PORT" --write-rate 0 \
  --contact bench@example.org >"$OUT/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { cat "$OUT/server.log"; exit 1; }
  sleep 0.05
done
ready=$(date +%s.%N)
printf 'start-up with %s cases: %.2f s (process start to first /healthz)\n' "$CASES" "$(echo "$ready - $start" | bc)"
# CPU time of the start-up (user + system, from /proc in clock ticks).
ticks=$(awk '{print $14 + $15}' /proc/$pid/stat)
hz=$(getconf CLK_TCK)
printf 'start-up CPU: %.2f s, %.2f s per million cases\n' "$(echo "$ticks / $hz" | bc -l)" "$(echo "$ticks / $hz / ($CASES / 1000000)" | bc -l)"
grep -m1 'statistics index loaded' "$OUT/server.log" || true
grep VmRSS /proc/$pid/status | sed 's/^/after start-up: /'

# The pages table. wrk's percentiles are converted to milliseconds.
ms() { # wrk duration (850.00us, 1.20ms, 2.01s) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
measure() { # name url mode
  local f="$OUT/wrk-page-$1-$3.txt"
  # A long timeout: a slow page is measured, not counted as an error.
  wrk -t2 -c"$CONNS" -d"$PAGE_DURATION" --timeout 30s --latency "http://127.0.0.1:$PORT$2" >"$f"
  local p50 p99 rps
  p50=$(ms "$(awk '$1 == "50%" {print $2}' "$f")")
  p99=$(ms "$(awk '$1 == "99%" {print $2}' "$f")")
  rps=$(awk '$1 == "Requests/sec:" {print $2}' "$f")
  # Answers other than 2xx/3xx (a 503 when the database is busy), and
  # timeouts: the latencies above count them as answered.
  bad=$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {n += $NF} END {print n + 0}' "$f")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$3" "$p50" "$p99" "$rps" "$bad" >>"$OUT/pages.raw"
  printf '  %-16s %-7s p50 %8s ms  p99 %8s ms  %9s req/s  %s failed\n' "$1" "$3" "$p50" "$p99" "$rps" "$bad"
}
# writer RATE: submits RATE cases per second until killed, each one
# different (identical copies would be flagged as a burst), spread over
# five categories among them the two the pages show. Each submission
# starts on schedule in its own thread, so a slow answer does not lower
# the rate; the count sent is kept in $OUT/writes.count.
writer() {
  exec python3 - "$1" "http://127.0.0.1:$PORT/api/v1/cases" "$OUT/writes.count" <<'PY'
import json, os, sys, threading, time, urllib.request
rate, url, count = float(sys.argv[1]), sys.argv[2], sys.argv[3]
cats = ["i485-employment", "eb2-niw", "n400", "i765", "i130-spouse-usc"]
def post(i):
    # 5 categories x 36 filing months x 28 days: 5,040 different bodies
    # before one repeats (a repeat is a copy, which is flagged and flags
    # the earlier ones; with 420 the run was flagging copies after 21 s).
    k = i // 5
    y, m, d = 2023 + k % 36 // 12, k % 12 + 1, k // 36 % 28 + 1
    body = {"category": cats[i % 5], "country": "IN", "filed": "%d-%02d" % (y, m),
            "milestones": [{"code": "received", "date": "%d-%02d-%02d" % (y, m, d)}]}
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        urllib.request.urlopen(req, timeout=30).read()
    except Exception:
        pass
start, i = time.monotonic(), 0
while True:
    i += 1
    threading.Thread(target=post, args=(i,), daemon=True).start()
    open(count + ".tmp", "w").write(str(i))
    os.replace(count + ".tmp", count)
    time.sleep(max(0, start + i / rate - time.monotonic()))
PY
}
PAGE_DURATION=${CASETRACK_BENCH_PAGE_DURATION:-10s}
PAGES=(
  "healthz /healthz"
  "home /"
  "explore-i485 /explore?category=i485-employment"
  "explore /explore"
  "survival-svg /explore/chart/survival.svg?category=i485-employment"
  "feed-cohort /feed?category=eb2-niw&country=IN&filed=2024-03"
  "api-feed-cohort /api/v1/feed?category=eb2-niw&country=IN&filed=2024-03"
  "api-feed-rare /api/v1/feed?country=ZW&service_center=NBC&milestone=denied"
  "feed /feed"
  "api-stats /api/v1/stats?category=i485-employment"
)
: >"$OUT/pages.raw"
if [ "$ONLY" = all ] || [ "$ONLY" = pages ]; then
  echo "== pages, cached (nothing written meanwhile), $CONNS connections, $PAGE_DURATION each"
  for p in "${PAGES[@]}"; do
    set -- $p
    curl -fs -o /dev/null "http://127.0.0.1:$PORT$2" || echo "  $2 failed"
    measure "$1" "$2" cached
  done
  echo "== pages while 20 cases per second are submitted"
  writer 20 &
  wpid=$!
  wstart=$SECONDS
  for p in "${PAGES[@]}"; do
    set -- $p
    measure "$1" "$2" writes
  done
  kill $wpid 2>/dev/null; wait $wpid 2>/dev/null || true
  printf 'writes: %s submitted in %s s\n' "$(cat "$OUT/writes.count" 2>/dev/null || echo 0)" "$((SECONDS - wstart))"
  grep -E 'VmRSS|VmHWM' /proc/$pid/status | sed 's/^/after the pages: /'
fi

if [ "$ONLY" = all ]; then
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

if [ "$ONLY" = all ] || [ "$ONLY" = feed ]; then
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
fi

if [ "$ONLY" != feed ] && [ -z "$SQLITE" ]; then

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
fi

# The table: each page cached and under writes, its p50 as a multiple of
# the static-response ceiling's (/healthz, cached), and how many times
# PostgreSQL's time for the broad statistics aggregate alone is its p50.
[ -s "$OUT/pages.raw" ] || exit 0
pgms=$(awk '/latency average/ {print $4}' "$OUT/pgbench-broad.txt" 2>/dev/null || true)
{
  printf 'page\tcached p50 ms\tcached p99 ms\tcached req/s\tfailed\twrites p50 ms\twrites p99 ms\twrites req/s\tfailed\tp50 / healthz\tPG aggregate / p50\n'
  awk -F'\t' -v pg="${pgms:-}" '
    $2 == "cached" { c50[$1] = $3; c99[$1] = $4; crps[$1] = $5; cbad[$1] = $6; order[++n] = $1 }
    $2 == "writes" { w50[$1] = $3; w99[$1] = $4; wrps[$1] = $5; wbad[$1] = $6 }
    END {
      base = c50["healthz"]
      for (i = 1; i <= n; i++) {
        k = order[i]
        r = (base > 0) ? sprintf("%.1f", c50[k] / base) : "-"
        g = (pg > 0 && c50[k] > 0) ? sprintf("%.0f", pg / c50[k]) : "-"
        printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, c50[k], c99[k], crps[k], cbad[k], w50[k], w99[k], wrps[k], wbad[k], r, g
      }
    }' "$OUT/pages.raw"
} >"$OUT/pages.tsv"
db=PostgreSQL; [ -n "$SQLITE" ] && db=SQLite
echo "== pages at $CASES cases ($db; PostgreSQL aggregate: ${pgms:-not measured} ms)"
column -t -s $'\t' "$OUT/pages.tsv"
echo "machine load after the run: $(uptime)"
