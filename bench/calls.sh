#!/usr/bin/env bash
# Outcome reports per second under gunicorn on PostgreSQL, next to a bare Django POST (same
# middleware, no work) measured in the same run. Targets: >= 1,000 reports/s, >= 65% of the
# bare POST, p99 <= 100 ms.
#
#   bench/calls.sh
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocsin_bench WORKERS=4 bench/calls.sh
#   REDIS_URL=redis://127.0.0.1:6379/14 TOCSIN_CALL_REPORT_BUFFER=redis bench/calls.sh
#
# Needs wrk (apt-get install wrk) and the local PostgreSQL. Both views run under the same
# gunicorn (WORKERS processes x GUNICORN_THREADS threads).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/.venv/bin
WORKERS=${WORKERS:-4}
GUNICORN_THREADS=${GUNICORN_THREADS:-1}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-6s}
PORT=${PORT:-8766}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'kill $GUNICORN 2>/dev/null || true; rm -rf "$WORK"' EXIT
export PYTHONPATH=$PWD/bench/support
export DJANGO_SETTINGS_MODULE=bench_settings
export TOCSIN_VAR_DIR=$WORK
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tocsin_bench}
export SECRET_KEY=$($BIN/python -c "import secrets; print(secrets.token_urlsafe(50))")
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export LOG_LEVEL=WARNING

database=${DATABASE_URL##*/}
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database" >/dev/null
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database" >/dev/null
$BIN/tocsin migrate --noinput -v 0
$BIN/tocsin collectstatic --noinput -v 0
$BIN/tocsin load-demo --organizer-password bench-only-password >/dev/null
$BIN/gunicorn tocsin.wsgi --workers "$WORKERS" --threads "$GUNICORN_THREADS" --bind "127.0.0.1:$PORT" --log-level warning &
GUNICORN=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

# A real step page gives the CSRF cookie and token and the target and office to report on.
BASE="http://127.0.0.1:$PORT"
page=$(curl -fs -c "$WORK/cookies" "$BASE/c/baldwin-honduras-election/call/0/")
field() { grep -o "name=\"$1\" value=\"[^\"]*\"" <<<"$page" | head -1 | sed 's/.*value="\([^"]*\)"/\1/'; }
csrf_cookie=$(awk '/csrftoken/ {print $6 "=" $7}' "$WORK/cookies")
export BENCH_COOKIE="$csrf_cookie"
token=$(field csrfmiddlewaretoken)

measure() {  # url body -> requests/s, p99, non-2xx/3xx count
  local url=$1
  export BENCH_BODY=$2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/support/post.lua "$url" \
    | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF} END {printf "%s %s %s\n", rps, p99, bad+0}'
}

report_body="csrfmiddlewaretoken=$token&key=KEY&position=0&total=2&target=$(field target)&office=$(field office)&outcome=talked"
# This machine's speed drifts: the two are measured in alternating rounds, medians reported.
ROUNDS=${ROUNDS:-3}
for round in $(seq "$ROUNDS"); do
  measure "$BASE/bench/bare-post/" "csrfmiddlewaretoken=$token&key=KEY" >>"$WORK/bare"
  measure "$BASE/c/baldwin-honduras-election/call/report/" "$report_body" >>"$WORK/call"
done
median() { sort -g -k"$2" "$1" | awk -v col="$2" '{v[NR]=$col} END {print v[int((NR+1)/2)]}'; }
bare_rps=$(median "$WORK/bare" 1); call_rps=$(median "$WORK/call" 1)
bare_p99=$(awk '{print $2}' "$WORK/bare" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
call_p99=$(awk '{print $2}' "$WORK/call" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
bare_bad=$(awk '{s+=$3} END {print s+0}' "$WORK/bare"); call_bad=$(awk '{s+=$3} END {print s+0}' "$WORK/call")

$BIN/tocsin fold-call-reports -v 0
reports=$(psql -h 127.0.0.1 -U postgres -d "$database" -tAc "SELECT count(*) FROM calls_callreport")
printf "%-30s %10s %10s %8s   (median of %s rounds)\n" "view" "req/s" "p99" "non-3xx" "$ROUNDS"
printf "%-30s %10s %10s %8s\n" "bare Django POST" "$bare_rps" "$bare_p99" "$bare_bad"
printf "%-30s %10s %10s %8s\n" "call outcome report" "$call_rps" "$call_p99" "$call_bad"
awk -v a="$call_rps" -v b="$bare_rps" 'BEGIN {printf "reports / bare POST: %.0f%% (target >= 65%%)\n", 100*a/b}'
echo "reports stored: $reports (each request carried a new idempotency key)"
