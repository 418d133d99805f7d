#!/usr/bin/env bash
# Campaign-page throughput under gunicorn (production settings), next to a bare Django view
# (/healthz) measured in the same run. Target: the campaign page at >= 60% of the bare view.
#
#   bench/pages.sh                      # SQLite in a temporary directory
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocsin_bench bench/pages.sh
#
# Needs wrk (apt-get install wrk). Tunables: WORKERS (default 2), THREADS, CONNECTIONS, DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
WORKERS=${WORKERS:-2}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-10s}
PORT=${PORT:-8765}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'kill $GUNICORN 2>/dev/null || true; rm -rf "$WORK"' EXIT
export DJANGO_SETTINGS_MODULE=tocsin.settings.production
export TOCSIN_VAR_DIR=$WORK
export DATABASE_URL=${DATABASE_URL:-sqlite:///$WORK/bench.sqlite3}
export SECRET_KEY=$($BIN/python -c "import secrets; print(secrets.token_urlsafe(50))")
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export LOG_LEVEL=WARNING

$BIN/tocsin migrate --noinput -v 0
$BIN/tocsin collectstatic --noinput -v 0
$BIN/tocsin load-demo --organizer-password bench-only-password >/dev/null
$BIN/gunicorn tocsin.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --log-level warning &
GUNICORN=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

measure() {  # prints requests/second and the p99 latency for one URL
  local url=$1
  curl -fs -o /dev/null "$url"  # warm the page cache and the worker
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" \
    | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF} END {printf "%s %s %s\n", rps, p99, bad+0}'
}

read -r bare_rps bare_p99 bare_bad < <(measure "http://127.0.0.1:$PORT/healthz")
read -r page_rps page_p99 page_bad < <(measure "http://127.0.0.1:$PORT/c/baldwin-honduras-election/")

printf "%-28s %10s %10s %8s\n" "view" "req/s" "p99" "non-2xx"
printf "%-28s %10s %10s %8s\n" "bare Django view (/healthz)" "$bare_rps" "$bare_p99" "$bare_bad"
printf "%-28s %10s %10s %8s\n" "campaign page" "$page_rps" "$page_p99" "$page_bad"
awk -v a="$page_rps" -v b="$bare_rps" 'BEGIN {printf "campaign page / bare view: %.0f%% (target >= 60%%)\n", 100*a/b}'
