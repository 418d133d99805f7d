"""A viral spike with crashes: 50,000 signatures from many concurrent clients through gunicorn
on PostgreSQL, while a web worker (three times) and the task worker (twice) are killed with
SIGKILL and restarted; then every promise is checked (see tocsin/petitions/tests/spike.py):
every answered signature has exactly one row, each confirmation mail goes out once, and once
every signer pressed Confirm the count shown equals the rows.

    .venv/bin/python bench/spike.py                  # 50,000 signatures, 64 clients
    .venv/bin/python bench/spike.py --signatures 5000 --clients 16
    .venv/bin/python bench/spike.py --quick          # 500 signatures: CI's check (or QUICK=1)
    .venv/bin/python bench/spike.py --redis redis://127.0.0.1:6379/12

Uses a fresh database `tocsin_bench_spike` on 127.0.0.1:5432 and a mail server on loopback.
Without --redis, as a one-server install without Redis: each process caches, and counts the
signing limits, in its own memory. --redis names a Redis database the drill
empties first (the shared cache; the limits count in it). Stops by itself after --timeout
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

DATABASE = "tocsin_bench_spike"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("QUICK")))
    parser.add_argument("--signatures", type=int)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--redis", default="", metavar="URL", help="a Redis database to use")
    parser.add_argument("--timeout", type=float, help="seconds the whole drill may take")
    args = parser.parse_args()
    signatures = args.signatures or (500 if args.quick else 50_000)
    clients = args.clients or (8 if args.quick else 64)
    timeout = args.timeout or (300 if args.quick else 3600)

    folder = Path(tempfile.mkdtemp(prefix="tocsin-spike-"))
    petition = drill.prepare(DATABASE, folder, args.redis)
    from tocsin.petitions.tests.spike import run_spike

    started = time.monotonic()
    report = run_spike(
        petition,
        signatures,
        clients,
        folder,
        web_workers=args.web_workers,
        task_workers=args.task_workers,
        redis_url=args.redis,
        timeout=timeout,
    )
    print("\n".join(report.lines()))
    print(f"whole drill: {time.monotonic() - started:.0f} s; logs in {folder}")
    return 0 if report.kept_every_promise else 1


if __name__ == "__main__":
    sys.exit(main())
