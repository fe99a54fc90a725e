#!/usr/bin/env bash
# Durability check: a burst of concurrent submissions, kill -9 of the server
# the instant the last one is acknowledged, restart, and every acknowledged
# case must still be there.
#
#   bench/kill9.sh [DATABASE_URL] [SUBMISSIONS]   (default: a fresh SQLite file, 200)
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}  # the toolchain go.mod names
OUT=bench/out; mkdir -p "$OUT"
DB=${1:-sqlite:$OUT/kill9-$$.db}
N=${2:-200}
PORT=${CASETRACK_KILL9_PORT:-18181}
go build -o "$OUT/casetrack" ./cmd/casetrack

start() {
  "$OUT/casetrack" serve --database "$DB" --addr "127.0.0.1:$PORT" --write-rate 0 --contact ops@example.org >>"$OUT/kill9.log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do sleep 0.05; done
}
start
body='{"category":"n400","country":"MX","service_center":"ONLINE","filed":"2025-02","milestones":[{"code":"received","date":"2025-02-20"}]}'
# A concurrent burst from 8 clients, each submission a different timeline
# (so that submissions share transactions, store/groupcommit.go), and its
# acknowledgements recorded as they arrive: one short line per write, so
# appends from several clients do not mix.
: >"$OUT/acked.txt"
seq "$N" | xargs -P 8 -I{} sh -c '
  d=$(( {} % 28 + 1 )); m=$(( {} % 12 + 1 ))
  curl -s -H "Content-Type: application/json" \
    -d "{\"category\":\"i765\",\"country\":\"IN\",\"filed\":\"2025-$(printf %02d $m)\",\"milestones\":[{\"code\":\"received\",\"date\":\"2025-$(printf %02d $m)-$(printf %02d $d)\"}]}" \
    "http://127.0.0.1:'"$PORT"'/api/v1/cases" | sed -n "s/.*\"id\":\"\([^\"]*\)\".*/\1/p" >>"'"$OUT"'/acked.txt"' &
# A second, sequential burst; the server is killed the instant its last
# submission is acknowledged, with the concurrent one still running.
for i in $(seq "$N"); do
  curl -s -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/api/v1/cases" \
    | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' >>"$OUT/acked.txt"
done
kill -9 "$pid"
wait 2>/dev/null || true
acked=$(wc -l <"$OUT/acked.txt")
echo "killed -9 after $acked acknowledged submissions (sequential and concurrent)"
start
missing=0
while read -r id; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/cases/$id")
  [ "$code" = 200 ] || { echo "missing: $id ($code)"; missing=$((missing+1)); }
done <"$OUT/acked.txt"
kill "$pid"; wait 2>/dev/null || true
echo "after restart: $((acked-missing)) of $acked acknowledged cases present, $missing missing"
[ "$missing" = 0 ]
