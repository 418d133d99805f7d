#!/usr/bin/env bash
# Call outcome reports per second under gunicorn, next to the bare insert (a Django view that
# validates a small form and inserts one row under a unique constraint, same middleware),
# measured in turn in the same run. Floors: reports >= 50% of the bare insert's requests/s,
# p99 <= 150 ms with 16 concurrent clients.
#
#   bench/calls.sh                                           # PostgreSQL (tocsin_bench_calls)
#   DATABASE_URL=sqlite:////tmp/calls.sqlite3 bench/calls.sh
#   QUICK=1 bench/calls.sh                                   # a second per view: CI's check
#
# Each report carries a new idempotency key, so each is a real insert. The rate limits are
# lifted (one client address stands for every caller). Needs wrk
# (apt-get install wrk). Tunables: see bench/support/common.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8766}
DATABASE=tocsin_bench_calls
source bench/support/common.sh
if [[ $ENGINE == postgresql ]]; then export REDIS_URL=${REDIS_URL-redis://127.0.0.1:6379/15}; fi
LIFT_LIMITS=1 start_server

# A real step page gives the CSRF cookie and token and the target and office to report on.
open_form "$BASE/c/baldwin-honduras-election/call/0/"
token=$(field csrfmiddlewaretoken)
report="csrfmiddlewaretoken=$token&key=KEY&position=0&total=2&target=$(field target)"
report+="&office=$(field office)&outcome=talked"
bare="csrfmiddlewaretoken=$token&key=KEY&name=Bench+Caller&email=KEY%40example.org"
rounds bare post "$BASE/bench/bare-insert/" "$bare" \
  report post "$BASE/c/baldwin-honduras-election/call/report/" "$report"

rows=$($BIN/tocsin shell -c "from tocsin.calls.models import CallReport; print(CallReport.objects.count())" | tail -1)
header
row "bare insert (form + one unique row)" bare
row "call outcome report" report
floor "call reports / bare insert" "$(ratio "$(median report 1)" "$(median bare 1)")" ">=" 50 "%"
floor "call report p99 ($CONNECTIONS clients)" "$(median report 2)" "<=" 150 " ms"
echo "reports answered 2xx/3xx: $(answered report); rows: $rows (wrk may stop waiting for one it sent)"
check_answers bare report
must "rows >= $(answered report)" "fewer report rows ($rows) than answered reports"
