#!/usr/bin/env bash
# Signatures per second under gunicorn, next to the bare insert (a Django view that validates a
# small form and inserts one row under a unique constraint, same middleware), measured in turn
# in the same run. Floors: on PostgreSQL, signatures >= 40% of the bare insert's requests/s;
# on SQLite, >= 250 signatures/s and no "database is locked"; p99 <= 150 ms with 16
# concurrent clients on both.
#
#   bench/petitions.sh                                       # PostgreSQL (tocsin_bench_petitions)
#   DATABASE_URL=sqlite:////tmp/petitions.sqlite3 bench/petitions.sh
#   QUICK=1 bench/petitions.sh                               # a second per view: CI's check
#
# Each signature is a new address: a real insert plus its confirmation-mail task, in one
# transaction with the rate-limit check. The limits are lifted (one client IP stands for
# everyone); the task worker is not running, so only the request is measured. PostgreSQL runs
# as in production with Redis (the limits count in it); SQLite as a one-server install,
# without (the limits count recent rows). With TOCSIN_DATA_DIR the ZIP table is loaded, so
# each signature gets its district as in production. Needs wrk. Tunables: see
# bench/support/common.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8767}
DATABASE=tocsin_bench_petitions
source bench/support/common.sh
if [[ $ENGINE == postgresql ]]; then export REDIS_URL=${REDIS_URL-redis://127.0.0.1:6379/14}; fi
LIFT_LIMITS=1 LOAD_DISTRICTS=1 start_server

SLUG=no-spyware-for-honduras
open_form "$BASE/c/$SLUG/sign/"
token=$(field csrfmiddlewaretoken)
started=$(field started)
sleep 3  # a form sent sooner than a person could fill it in is held for review
sign="csrfmiddlewaretoken=$token&started=$started&name=Bench+Signer&email=KEY%40example.org"
sign+="&postcode=53703&country=US"
bare="csrfmiddlewaretoken=$token&key=KEY&name=Bench+Signer&email=KEY%40example.org"
rounds bare post "$BASE/bench/bare-insert/" "$bare" sign post "$BASE/c/$SLUG/sign/" "$sign"

read -r rows held < <($BIN/tocsin shell -c "
from tocsin.petitions.models import Signature
mine = Signature.objects.filter(name='Bench Signer')
print(mine.count(), mine.filter(held_at__isnull=False).count())" | tail -1)
locked=$(grep -c "database is locked" "$WORK/errors.log" || true)
header
row "bare insert (form + one unique row)" bare
row "signature" sign
if [[ $ENGINE == postgresql ]]; then
  floor "signatures / bare insert" "$(ratio "$(median sign 1)" "$(median bare 1)")" ">=" 40 "%"
else
  floor "signatures per second" "$(median sign 1)" ">=" 250 "/s"
  floor "\"database is locked\" in the log" "$locked" "<=" 0 ""
fi
floor "signature p99 ($CONNECTIONS clients)" "$(median sign 2)" "<=" 150 " ms"
echo "signatures answered 2xx/3xx: $(answered sign); rows: $rows, held for review: $held" \
  "(wrk may stop waiting for one it sent)"
check_answers bare sign
must "rows >= $(answered sign)" "fewer signature rows ($rows) than answered signatures"
must "held == 0" "$held signatures held for review: the bench did not measure the signing path"
