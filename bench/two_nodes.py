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
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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

    for statement in (f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement],
            check=True,
            capture_output=True,
        )
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    folder = Path(tempfile.mkdtemp(prefix="tocsin-two-nodes-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tocsin.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        TOCSIN_VAR_DIR=str(folder / "drill"),
        REDIS_URL=REDIS_URL,
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from tocsin.petitions.models import PetitionAction, Signature
    from tocsin.petitions.tests.spike import run_spike

    call_command("migrate", verbosity=0)
    call_command("load_demo", organizer_password=secrets.token_urlsafe(16), verbosity=0)
    petition = PetitionAction.objects.get(campaign__slug="no-spyware-for-honduras")
    Signature.objects.filter(petition=petition).delete()  # the demo's; only the drill's count

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
