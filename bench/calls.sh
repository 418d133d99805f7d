#!/usr/bin/env bash
# Outcome reports per second under gunicorn on PostgreSQL, next to a bare Django POST (same
# middleware, no work) measured in the same run. Targets: >= 1,000 reports/s, >= 65% of the
# bare POST, p99 <= 100 ms.
#
#   bench/calls.sh                                    # reports journaled (the default here)
#   TOCSIN_CALL_REPORT_BUFFER=off bench/calls.sh      # each report INSERTed at once
#   REDIS_URL=redis://127.0.0.1:6379/14 TOCSIN_CALL_REPORT_BUFFER=redis bench/calls.sh
#
# Needs wrk (apt-get install wrk) and the local PostgreSQL. Both views run under the same
# gunicorn (WORKERS processes x GUNICORN_THREADS threads).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8766}
source bench/support/post_bench.sh
# The setting a viral campaign on one server should run with (see the README).
export TOCSIN_CALL_REPORT_BUFFER=${TOCSIN_CALL_REPORT_BUFFER:-journal}
start_server
if [[ $TOCSIN_CALL_REPORT_BUFFER == journal ]]; then
  # The drain-journals service stores the reports while they come, so its work is measured too.
  $BIN/tocsin drain-journals --every "${DRAIN_EVERY:-1}" >/dev/null 2>&1 &
  DRAINER=$!
  trap 'kill $GUNICORN $DRAINER 2>/dev/null || true; rm -rf "$WORK"' EXIT
fi

# A real step page gives the CSRF cookie and token and the target and office to report on.
open_form "$BASE/c/baldwin-honduras-election/call/0/"
token=$(field csrfmiddlewaretoken)
report_body="csrfmiddlewaretoken=$token&key=KEY&position=0&total=2&target=$(field target)&office=$(field office)&outcome=talked"
compare_rounds "$BASE/bench/bare-post/" "csrfmiddlewaretoken=$token&key=KEY" \
  "$BASE/c/baldwin-honduras-election/call/report/" "$report_body"

$BIN/tocsin fold-call-reports -v 0
reports=$(psql -h 127.0.0.1 -U postgres -d "${DATABASE_URL##*/}" -tAc "SELECT count(*) FROM calls_callreport")
bare_rps=$(median "$WORK/bare" 1); call_rps=$(median "$WORK/other" 1)
printf "%-30s %10s %10s %8s   (median of %s rounds; buffer: %s)\n" "view" "req/s" "p99" "non-3xx" "$ROUNDS" "$TOCSIN_CALL_REPORT_BUFFER"
printf "%-30s %10s %10s %8s\n" "bare Django POST" "$bare_rps" "$(median "$WORK/bare" 2)" "$(failures "$WORK/bare")"
printf "%-30s %10s %10s %8s\n" "call outcome report" "$call_rps" "$(median "$WORK/other" 2)" "$(failures "$WORK/other")"
awk -v a="$call_rps" -v b="$bare_rps" 'BEGIN {printf "reports / bare POST: %.0f%% (target >= 65%%)\n", 100*a/b}'
echo "reports answered 3xx: $(answered "$WORK/other"); stored after folding: $reports (each request carried a new key; a request wrk stopped waiting for may add one)"
