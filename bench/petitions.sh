#!/usr/bin/env bash
# Signatures per second under gunicorn next to a bare Django form POST (same middleware, no
# work) in the same run, in alternating rounds (medians); then the petition page's req/s.
# Targets: PostgreSQL >= 1,000 signatures/s and >= 65% of the bare POST, p99 <= 100 ms;
# SQLite >= 500/s with no "database is locked"; the page with the live count >= 2,500 req/s.
#
#   bench/petitions.sh                                    # PostgreSQL (tocsin_bench)
#   DATABASE_URL=sqlite:////tmp/petitions.sqlite3 bench/petitions.sh
#
# Each signature is a new address, so each is a real insert plus its confirmation-mail task.
# The rate limits are lifted for the run (one client, one IP); the mail task is not run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/.venv/bin
WORKERS=${WORKERS:-4}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-6s}
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-8767}
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
export TOCSIN_SIGN_LIMITS='{"ip": [[60, 100000000]]}'

if [[ $DATABASE_URL == postgres* ]]; then
  database=${DATABASE_URL##*/}
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1
  psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database" >/dev/null
else
  rm -f "${DATABASE_URL#sqlite:///}"*
fi
$BIN/tocsin migrate --noinput -v 0
$BIN/tocsin collectstatic --noinput -v 0
$BIN/tocsin load-demo --organizer-password bench-only-password >/dev/null
$BIN/gunicorn tocsin.wsgi --workers "$WORKERS" --bind "127.0.0.1:$PORT" --log-level warning \
  --error-logfile "$WORK/errors.log" &
GUNICORN=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done

BASE="http://127.0.0.1:$PORT"
SIGN="$BASE/c/no-spyware-for-honduras/sign/"
page=$(curl -fs -c "$WORK/cookies" "$SIGN")
field() { grep -o "name=\"$1\" value=\"[^\"]*\"" <<<"$page" | head -1 | sed 's/.*value="\([^"]*\)"/\1/'; }
export BENCH_COOKIE=$(awk '/csrftoken/ {print $6 "=" $7}' "$WORK/cookies")
token=$(field csrfmiddlewaretoken)
started=$(field started)
sleep 3  # the form refuses to count anything filled in faster than a person could

measure() {  # url body -> requests/s, p99, non-2xx/3xx count
  export BENCH_BODY=$2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/support/post.lua "$1" \
    | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF} END {printf "%s %s %s\n", rps, p99, bad+0}'
}
body="csrfmiddlewaretoken=$token&started=$started&name=Bench+Signer&email=KEY%40example.org&postcode=53703&country=US"
for round in $(seq "$ROUNDS"); do
  measure "$BASE/bench/bare-post/" "csrfmiddlewaretoken=$token&key=KEY" >>"$WORK/bare"
  measure "$SIGN" "$body" >>"$WORK/sign"
done
median() { awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
bare_rps=$(median "$WORK/bare" 1); sign_rps=$(median "$WORK/sign" 1)
bare_p99=$(median "$WORK/bare" 2); sign_p99=$(median "$WORK/sign" 2)
bad=$(awk '{s+=$3} END {print s+0}' "$WORK/sign")
page_rps=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$BASE/c/no-spyware-for-honduras/" \
  | awk '/Requests\/sec/ {print $2}')

rows=$($BIN/tocsin shell -c "from tocsin.petitions.models import Signature; print(Signature.objects.count())" 2>/dev/null | tail -1)
locked=$(grep -c "database is locked" "$WORK/errors.log" || true)
printf "%-30s %10s %10s   (median of %s rounds, %s)\n" "view" "req/s" "p99" "$ROUNDS" "${DATABASE_URL%%:*}"
printf "%-30s %10s %10s\n" "bare Django POST" "$bare_rps" "$bare_p99"
printf "%-30s %10s %10s\n" "signature POST" "$sign_rps" "$sign_p99"
awk -v a="$sign_rps" -v b="$bare_rps" 'BEGIN {printf "signatures / bare POST: %.0f%% (target >= 65%%)\n", 100*a/b}'
echo "failed signature requests: $bad; \"database is locked\" in the log: $locked; rows: $rows"
echo "petition page with the live count: $page_rps req/s (target >= 2,500)"
