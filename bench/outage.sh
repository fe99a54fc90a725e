#!/usr/bin/env bash
# Outage drill on PostgreSQL: the server talks to PostgreSQL through a
# socat proxy; the proxy is stopped (every connection cut, new ones
# refused) while requests keep coming, then started again. It prints what
# the requests got during the outage and the server's outage log lines.
#
#   bench/outage.sh [POSTGRES_URL] [REQUESTS]
#     default: postgres://postgres@127.0.0.1:5432/test?sslmode=disable, 300
#
# Needs socat and psql. The drill uses a schema of its own, dropped at
# the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}  # the toolchain go.mod names
OUT=bench/out; mkdir -p "$OUT"
PG=${1:-postgres://postgres@127.0.0.1:5432/test?sslmode=disable}
N=${2:-300}
PORT=${CASETRACK_OUTAGE_PORT:-18191}
PROXY=${CASETRACK_OUTAGE_PROXY_PORT:-18192}
SCHEMA=outage_drill_$$
export PGOPTIONS='-c client_min_messages=warning'
LOG=$OUT/outage-$$.log
go build -o "$OUT/casetrack" ./cmd/casetrack

hostport=$(sed -E 's|^[a-z]+://([^@/]*@)?([^/?]*).*|\2|' <<<"$PG")
proxied=$(sed -E "s|^([a-z]+://([^@/]*@)?)[^/?]*|\1127.0.0.1:$PROXY|" <<<"$PG")
sep='?'; [[ $proxied == *\?* ]] && sep='&'
proxied="$proxied${sep}search_path=$SCHEMA"
psql "$PG" -qc "CREATE SCHEMA $SCHEMA"
proxy() { socat "TCP-LISTEN:$PROXY,fork,reuseaddr" "TCP:$hostport" & proxy_pid=$!; }
cleanup() {
  kill "${pid:-}" "${proxy_pid:-}" 2>/dev/null || true
  wait 2>/dev/null || true
  psql "$PG" -qc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" || true
}
trap cleanup EXIT

proxy
"$OUT/casetrack" serve --database "$proxied" --addr "127.0.0.1:$PORT" --write-rate 0 --contact ops@example.org >"$LOG" 2>&1 &
pid=$!
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.1; done
body='{"category":"n400","country":"MX","service_center":"NBC","filed":"2025-02","milestones":[{"code":"received","date":"2025-02-20"}]}'
id=$(curl -s -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/api/v1/cases" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')

# The outage: stop the proxy (its forked children hold the live
# connections; they go with it).
pkill -P "$proxy_pid" socat 2>/dev/null || true
kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true
while (exec 3<>"/dev/tcp/127.0.0.1/$PROXY") 2>/dev/null; do sleep 0.05; done
start=$(date +%s.%N)
for i in $(seq "$N"); do
  case $((i % 5)) in
    0) curl -s -o /dev/null -w '%{http_code} POST /api/v1/cases retry-after=%header{retry-after}\n' -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/api/v1/cases" ;;
    1) curl -s -o /dev/null -w '%{http_code} GET /cases/{id} retry-after=%header{retry-after}\n' "http://127.0.0.1:$PORT/cases/$id" ;;
    2) curl -s -o /dev/null -w '%{http_code} GET /api/v1/feed retry-after=%header{retry-after}\n' "http://127.0.0.1:$PORT/api/v1/feed" ;;
    3) curl -s -o /dev/null -w '%{http_code} GET /api/v1/stats\n' "http://127.0.0.1:$PORT/api/v1/stats?category=n400" ;;
    4) curl -s -o /dev/null -w '%{http_code} GET /readyz retry-after=%header{retry-after}\n' "http://127.0.0.1:$PORT/readyz" ;;
  esac
done | sort | uniq -c
echo "outage of $N requests took $(echo "$(date +%s.%N) - $start" | bc) s"
proxy
until curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do sleep 0.1; done
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "http://127.0.0.1:$PORT/api/v1/cases")
echo "after the outage: POST /api/v1/cases $code"
# The LISTEN connection comes back on its own backoff (at most 10 s).
until grep -q 'change notifications back' "$LOG"; do sleep 0.2; done
echo "log lines at ERROR: $(grep -c 'level=ERROR' "$LOG" || true)"
grep -E 'database unavailable|database available again|change notifications' "$LOG" | cut -c1-300
