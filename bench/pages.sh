#!/usr/bin/env bash
# Public pages under gunicorn (production settings), each next to a bare Django GET through the
# same middleware, measured in turn in the same run. Floor: a campaign page >= 60% of the bare
# GET's requests/s.
#
#   bench/pages.sh                                           # PostgreSQL (tocsin_bench_pages)
#   DATABASE_URL=sqlite:////tmp/pages.sqlite3 bench/pages.sh
#   QUICK=1 bench/pages.sh                                   # a second per page: CI's check
#
# Needs wrk (apt-get install wrk). Tunables: see bench/support/common.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-8765}
DATABASE=tocsin_bench_pages
source bench/support/common.sh
# PostgreSQL runs as in production, with Redis for the shared cache; SQLite runs as a
# one-server install does, without it.
if [[ $ENGINE == postgresql ]]; then export REDIS_URL=${REDIS_URL-redis://127.0.0.1:6379/15}; fi
start_server

rounds bare get "$BASE/bench/bare-get/" \
  calls get "$BASE/c/baldwin-honduras-election/" \
  petition get "$BASE/c/no-spyware-for-honduras/"

header
row "bare Django GET" bare
row "campaign page (calls)" calls
row "campaign page (petition, live count)" petition
bare_rps=$(median bare 1)
floor "calls campaign page / bare GET" "$(ratio "$(median calls 1)" "$bare_rps")" ">=" 60 "%"
floor "petition campaign page / bare GET" "$(ratio "$(median petition 1)" "$bare_rps")" ">=" 60 "%"
check_answers bare calls petition
