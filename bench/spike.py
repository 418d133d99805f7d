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
Without --redis, as a one-server install without Redis: each process caches in its own
memory and the signing limits count recent rows. --redis names a Redis database the drill
empties first (the shared cache; the limits count in it). Stops by itself after --timeout
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

DATABASE = "tocsin_bench_spike"


def fresh_database(name: str) -> None:
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement],
            check=True,
            capture_output=True,
        )


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

    fresh_database(DATABASE)
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    folder = Path(tempfile.mkdtemp(prefix="tocsin-spike-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tocsin.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        TOCSIN_VAR_DIR=str(folder),
        REDIS_URL=args.redis,
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
