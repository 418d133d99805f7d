# Sourced by the wrk benchmarks (pages.sh, petitions.sh, calls.sh): a fresh database with the
# demo, gunicorn with the bench settings (production plus the floor views of bench_urls.py),
# helpers to read a form's fields, to measure with wrk and to print a figure beside its floor.
# Callers set PORT and DATABASE (the default PostgreSQL database name) and may set:
#   QUICK=1        a second of load per view, one round: proves the bench runs, not a figure
#   DATABASE_URL   postgres://… or sqlite:///… (default: PostgreSQL, database $DATABASE)
#   WORKERS, GUNICORN_THREADS, CONNECTIONS (16), THREADS, DURATION, ROUNDS
#   KEEP_WORK=1    keep the temporary folder (gunicorn's log) after the run
BIN=$PWD/.venv/bin
if [[ -n ${QUICK:-} ]]; then
  DURATION=${DURATION:-1s}
  ROUNDS=${ROUNDS:-1}
  WORKERS=${WORKERS:-2}
fi
WORKERS=${WORKERS:-4}
GUNICORN_THREADS=${GUNICORN_THREADS:-1}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
DURATION=${DURATION:-6s}
ROUNDS=${ROUNDS:-3}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install wrk" >&2; exit 1; }

WORK=$(mktemp -d)
GUNICORN=
trap 'stop_server; [[ -n ${KEEP_WORK:-} ]] || rm -rf "$WORK"' EXIT
export PYTHONPATH=$PWD/bench/support${PYTHONPATH:+:$PYTHONPATH}
export DJANGO_SETTINGS_MODULE=bench_settings
export TOCSIN_VAR_DIR=$WORK
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DATABASE}
export SECRET_KEY=$($BIN/python -c "import secrets; print(secrets.token_urlsafe(50))")
export ALLOWED_HOSTS=127.0.0.1
export SECURE_SSL_REDIRECT=false
export LOG_LEVEL=WARNING
BASE="http://127.0.0.1:$PORT"
ENGINE=${DATABASE_URL%%:*}
[[ $ENGINE == postgres* ]] && ENGINE=postgresql

start_server() {
  if [[ $ENGINE == postgresql ]]; then
    local database=${DATABASE_URL##*/}
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1
    psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $database" >/dev/null
  else
    rm -f "${DATABASE_URL#sqlite://}"*
  fi
  $BIN/tocsin migrate --noinput -v 0
  $BIN/tocsin collectstatic --noinput -v 0
  $BIN/tocsin load-demo --organizer-password bench-only-password >/dev/null
  # Signing looks up the signer's district: with the data there, as in production (each
  # gunicorn worker loads the ZIP table on its first signature, during the warm-up).
  if [[ -n ${LOAD_DISTRICTS:-} && -n ${TOCSIN_DATA_DIR:-} ]]; then
    $BIN/tocsin sync-districts >/dev/null
  fi
  # Running processes cache the switches for a while: set them before gunicorn starts.
  [[ -z ${LIFT_LIMITS:-} ]] || lift_limits
  # gunicorn's log and Django's (its errors and tracebacks) in one file.
  $BIN/gunicorn tocsin.wsgi --workers "$WORKERS" --threads "$GUNICORN_THREADS" \
    --bind "127.0.0.1:$PORT" --log-level warning 2>"$WORK/errors.log" &
  GUNICORN=$!
  for _ in $(seq 100); do curl -fs "$BASE/bench/bare-get/" >/dev/null && return; sleep 0.2; done
  echo "gunicorn did not start:" >&2
  cat "$WORK/errors.log" >&2
  exit 1
}

# What organizers do on the switches page when a campaign goes viral; here one address
# (127.0.0.1) stands for every supporter, so no limit may hold back or refuse anything.
lift_limits() {
  $BIN/tocsin shell -c "
from tocsin.core import switches
from tocsin.core.models import Switches
switches.change(**{f.name: 10**9 for f in Switches._meta.fields if '_per_' in f.name})"
}

stop_server() {
  [[ -n $GUNICORN ]] || return 0
  kill "$GUNICORN" 2>/dev/null || true
  wait "$GUNICORN" 2>/dev/null || true
}

open_form() {  # url: fetch a page, keep its CSRF cookie for wrk and its HTML for `field`
  page=$(curl -fs -c "$WORK/cookies" "$1")
  export BENCH_COOKIE=$(awk '/csrftoken/ {print $6 "=" $7}' "$WORK/cookies")
}

field() { grep -o "name=\"$1\" value=\"[^\"]*\"" <<<"$page" | head -1 | sed 's/.*value="\([^"]*\)"/\1/'; }

# One wrk run -> "requests/s p99-ms refused socket-errors answers": refused are answers
# other than 2xx/3xx; socket errors include wrk's timeouts.
wrk_summary() {
  awk '/Requests\/sec/ {rps=$2}
       /^ +99%/ {v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
                 p99 = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : (u == "m") ? v * 60000 : v}
       /Non-2xx/ {bad += $NF}
       /Socket errors/ {gsub(/,/, ""); sock += $4 + $6 + $8 + $10}
       / requests in / {n=$1}
       END {printf "%s %.1f %d %d %d\n", rps, p99, bad, sock, n}'
}

measure_post() {  # url body -> a wrk summary; KEY in the body becomes a fresh UUID per request
  export BENCH_BODY=$2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/support/post.lua "$1" |
    wrk_summary
}

measure_get() {  # url -> a wrk summary
  curl -fs -o /dev/null "$1"  # warm the page cache and the worker
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | wrk_summary
}

# The machine's speed drifts, so views are measured in turn, ROUNDS times, and medians kept:
# rounds NAME MEASURE URL [BODY] NAME MEASURE URL [BODY] … appends to $WORK/NAME.
rounds() {
  local -a specs=("$@")
  local warm_up=1
  for _ in $(seq "$ROUNDS"); do
    local i=0
    while ((i < ${#specs[@]})); do
      local name=${specs[i]} how=${specs[i + 1]} url=${specs[i + 2]}
      if [[ $how == post ]]; then
        # Fresh workers are slower (imports, connections, caches): a second each first.
        ((warm_up)) && DURATION=1s measure_post "$url" "${specs[i + 3]}" >"$WORK/$name.warm"
        measure_post "$url" "${specs[i + 3]}" >>"$WORK/$name"
        i=$((i + 4))
      else
        ((warm_up)) && DURATION=1s measure_get "$url" >"$WORK/$name.warm"
        measure_get "$url" >>"$WORK/$name"
        i=$((i + 3))
      fi
    done
    warm_up=0
  done
}

median() { awk -v c="$2" '{print $c}' "$WORK/$1" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
refused() { awk '{s+=$3} END {print s+0}' "$WORK/$1" "$WORK/$1.warm"; }
socket_errors() { awk '{s+=$4} END {print s+0}' "$WORK/$1"; }
# 2xx/3xx answers in all rounds and the warm-up
answered() { awk '{s+=$5 - $3} END {print s+0}' "$WORK/$1" "$WORK/$1.warm"; }

# A bench that measured errors measured nothing: it fails (whatever the timings). Each view
# must have answered, and only with 2xx/3xx.
check_answers() {
  local name status=0
  for name in "$@"; do
    if (($(refused "$name") > 0 || $(answered "$name") == 0)); then
      echo "FAILED: $name answered $(answered "$name") times, $(refused "$name") of them refused" \
        "(not 2xx/3xx); the end of the servers' log (KEEP_WORK=1 keeps it):" >&2
      tail -n 30 "$WORK/errors.log" >&2 || true
      status=1
    fi
  done
  return $status
}
# must CONDITION-AS-ARITHMETIC MESSAGE: fail the bench unless it holds.
must() { (($1)) || { echo "FAILED: $2" >&2; exit 1; }; }

header() {
  printf "%s, %s gunicorn workers, %s wrk connections, %s x %s rounds (medians)%s\n" \
    "$ENGINE" "$WORKERS" "$CONNECTIONS" "$DURATION" "$ROUNDS" "${QUICK:+, QUICK: not a figure}"
  printf "%-38s %10s %10s %8s %8s\n" "view" "req/s" "p99 ms" "refused" "sockerr"
}
row() {
  printf "%-38s %10s %10s %8s %8s\n" "$1" "$(median "$2" 1)" "$(median "$2" 2)" \
    "$(refused "$2")" "$(socket_errors "$2")"
}

# floor LABEL VALUE OP LIMIT UNIT: one line, "floor met" or "below floor"; never fails the run.
floor() {
  awk -v label="$1" -v value="$2" -v op="$3" -v limit="$4" -v unit="$5" 'BEGIN {
    met = (op == ">=") ? value + 0 >= limit + 0 : value + 0 <= limit + 0
    printf "%-46s %10s%s  (floor %s %s%s)  %s\n", label, value, unit, op, limit, unit,
      met ? "floor met" : "below floor"
  }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f", (b > 0) ? 100 * a / b : 0}'; }
