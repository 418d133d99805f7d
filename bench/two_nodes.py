"""Two servers' worth of Tocsin on one PostgreSQL and one Redis: two complete web servers
(separate gunicorn masters, ports and local folders) and two `tocsin worker`s. Clients sign
across both, as behind a load balancer, while one web server's whole process group is killed
with SIGKILL (and brought back two seconds later, as systemd would), web workers and a task
worker are killed too; then the spike drill's promises are checked (see
tocsin/petitions/tests/spike.py): every answered signature has exactly one row, each
confirmation mail goes out once, and once every signer pressed Confirm the count both servers
show equals the rows.

    .venv/bin/python bench/two_nodes.py                  # 20,000 signatures, 32 clients
    .venv/bin/python bench/two_nodes.py --quick          # 500 signatures: CI's check (or QUICK=1)

Uses a fresh database `tocsin_bench_two_nodes` on 127.0.0.1:5432, Redis database 13 on
127.0.0.1:6379 (emptied first) and a mail server on loopback. Stops by itself after --timeout
seconds whatever happens. Exits 1 if any promise was broken.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "support"))
import drill

DATABASE = "tocsin_bench_two_nodes"
REDIS_URL = "redis://127.0.0.1:6379/13"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("QUICK")))
    parser.add_argument("--signatures", type=int)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--web-workers", type=int, default=2, help="per web server")
    parser.add_argument("--timeout", type=float, help="seconds the whole drill may take")
    args = parser.parse_args()
    signatures = args.signatures or (500 if args.quick else 20_000)
    clients = args.clients or (8 if args.quick else 32)
    timeout = args.timeout or (300 if args.quick else 2400)

    folder = Path(tempfile.mkdtemp(prefix="tocsin-two-nodes-"))
    petition = drill.prepare(DATABASE, folder / "drill", REDIS_URL)
    from tocsin.petitions.tests.spike import run_spike

    started = time.monotonic()
    report = run_spike(
        petition,
        signatures,
        clients,
        folder,
        servers=2,
        web_workers=args.web_workers,
        task_workers=2,
        redis_url=REDIS_URL,
        chaos=[(0.2, "web"), (0.35, "task"), (0.4, "server"), (0.7, "web")],
        timeout=timeout,
    )
    print("\n".join(report.lines()))
    print(f"whole drill: {time.monotonic() - started:.0f} s; logs in {folder}")
    return 0 if report.kept_every_promise else 1


if __name__ == "__main__":
    sys.exit(main())
