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
PORT=${PORT:-8767}
source bench/support/post_bench.sh
# Signatures are journaled, as on a server expecting a spike (TOCSIN_SIGNATURE_BUFFER=off: each
# one INSERTed while the signer waits).
export TOCSIN_SIGNATURE_BUFFER=${TOCSIN_SIGNATURE_BUFFER:-journal}
export TOCSIN_SIGN_LIMITS=${TOCSIN_SIGN_LIMITS:-'{"ip": [[60, 100000000]]}'}
# PostgreSQL runs as in production, with Redis for the rate limits and the cache; SQLite runs
# as the embedded install does, without it.
if [[ ${DATABASE_URL:-postgres} == postgres* ]]; then export REDIS_URL=${REDIS_URL-redis://127.0.0.1:6379/15}; fi
start_server
if [[ $TOCSIN_SIGNATURE_BUFFER == journal && -z ${NO_DRAINER:-} ]]; then
  # As the README recommends: the drain-journals service beside gunicorn (NO_DRAINER=1 leaves
  # the draining to the web workers, after each answer).
  $BIN/tocsin drain-journals --every "${DRAIN_EVERY:-1}" >/dev/null 2>&1 &
  DRAINER=$!
  trap 'kill $GUNICORN $DRAINER 2>/dev/null || true; rm -rf "$WORK"' EXIT
fi

SIGN="$BASE/c/no-spyware-for-honduras/sign/"
open_form "$SIGN"
token=$(field csrfmiddlewaretoken)
started=$(field started)
sleep 3  # the form refuses to count anything filled in faster than a person could
body="csrfmiddlewaretoken=$token&started=$started&name=Bench+Signer&email=KEY%40example.org&postcode=53703&country=US"
compare_rounds "$BASE/bench/bare-post/" "csrfmiddlewaretoken=$token&key=KEY" "$SIGN" "$body"
get_rps() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1" | awk '/Requests\/sec/ {print $2}'; }
for _ in $(seq "$ROUNDS"); do  # in turn, as the POSTs: medians
  get_rps "$BASE/c/no-spyware-for-honduras/" >>"$WORK/page"
  get_rps "$BASE/healthz" >>"$WORK/healthz"
done
page_rps=$(median "$WORK/page" 1); healthz_rps=$(median "$WORK/healthz" 1)

$BIN/tocsin recover-tasks -v 0  # drains what the workers journaled and had not yet stored
rows=$($BIN/tocsin shell -c "from tocsin.petitions.models import Signature; print(Signature.objects.filter(name=\"Bench Signer\").count())" 2>/dev/null | tail -1)
locked=$(grep -c "database is locked" "$WORK/errors.log" || true)
bare_rps=$(median "$WORK/bare" 1); sign_rps=$(median "$WORK/other" 1)
printf "%-30s %10s %10s   (median of %s rounds, %s, signatures %s)\n" "view" "req/s" "p99" "$ROUNDS" "${DATABASE_URL%%:*}" "$TOCSIN_SIGNATURE_BUFFER"
printf "%-30s %10s %10s\n" "bare Django POST" "$bare_rps" "$(median "$WORK/bare" 2)"
printf "%-30s %10s %10s\n" "signature POST" "$sign_rps" "$(median "$WORK/other" 2)"
awk -v a="$sign_rps" -v b="$bare_rps" 'BEGIN {printf "signatures / bare POST: %.0f%% (target >= 65%%)\n", 100*a/b}'
echo "failed signature requests: $(failures "$WORK/other"); \"database is locked\" in the log: $locked"
echo "signatures answered: $(answered "$WORK/other"); rows: $rows (a request wrk stopped waiting for may add one)"
awk -v a="$page_rps" -v b="$healthz_rps" 'BEGIN {printf "petition page with the live count: %s req/s (target >= 2,500), %.0f%% of the bare /healthz view'"'"'s %s\n", a, 100*a/b, b}'
