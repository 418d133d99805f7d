# Sourced by the POST benchmarks (calls.sh, petitions.sh): a fresh database with the demo,
# gunicorn with the bench settings (production plus a bare POST view), and helpers to read a
# form's fields and to measure POSTs with wrk. Callers set PORT and may set the tunables.
BIN=$PWD/.venv/bin
WORKERS=${WORKERS:-4}
GUNICORN_THREADS=${GUNICORN_THREADS:-1}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-6s}
ROUNDS=${ROUNDS:-3}
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
BASE="http://127.0.0.1:$PORT"

start_server() {
  if [[ $DATABASE_URL == postgres* ]]; then
    local database=${DATABASE_URL##*/}
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database" >/dev/null
  else
    rm -f "${DATABASE_URL#sqlite:///}"*
  fi
  $BIN/tocsin migrate --noinput -v 0
  $BIN/tocsin collectstatic --noinput -v 0
  $BIN/tocsin load-demo --organizer-password bench-only-password >/dev/null
  $BIN/gunicorn tocsin.wsgi --workers "$WORKERS" --threads "$GUNICORN_THREADS" \
    --bind "127.0.0.1:$PORT" --log-level warning --error-logfile "$WORK/errors.log" &
  GUNICORN=$!
  for _ in $(seq 50); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.2; done
}

open_form() {  # url: fetch a page, keep its CSRF cookie for wrk and its HTML for `field`
  page=$(curl -fs -c "$WORK/cookies" "$1")
  export BENCH_COOKIE=$(awk '/csrftoken/ {print $6 "=" $7}' "$WORK/cookies")
}

field() { grep -o "name=\"$1\" value=\"[^\"]*\"" <<<"$page" | head -1 | sed 's/.*value="\([^"]*\)"/\1/'; }

measure() {  # url body -> requests/s, p99, count of answers other than 2xx/3xx, answers
  export BENCH_BODY=$2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/support/post.lua "$1" \
    | awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF} / requests in / {n=$1}
           END {printf "%s %s %s %s\n", rps, p99, bad+0, n}'
}

compare_rounds() {  # bare-url bare-body url body: alternating rounds into $WORK/bare, $WORK/other
  # This machine's speed drifts: the two are measured in turn and medians reported.
  for _ in $(seq "$ROUNDS"); do
    measure "$1" "$2" >>"$WORK/bare"
    measure "$3" "$4" >>"$WORK/other"
  done
}

median() { awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
failures() { awk '{s+=$3} END {print s+0}' "$1"; }
answered() { awk '{s+=$4 - $3} END {print s+0}' "$1"; }  # 2xx/3xx answers in all rounds
