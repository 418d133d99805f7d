"""A viral spike with crashes: 50,000 signatures from many concurrent clients through gunicorn
on PostgreSQL, while a web worker (three times) and the task worker (twice) are killed with
SIGKILL and restarted; then every promise is checked (see tocsin/petitions/tests/spike.py).

    .venv/bin/python bench/spike.py                 # 50,000 signatures, 64 clients
    .venv/bin/python bench/spike.py --signatures 5000 --clients 16
    .venv/bin/python bench/spike.py --signature-buffer journal

Uses a fresh database `tocsin_spike` on 127.0.0.1:5432 and a mail server on loopback.
Exits 1 if any promise was broken.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATABASE = "tocsin_spike"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signatures", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--task-workers", type=int, default=2)
    parser.add_argument("--signature-buffer", choices=["off", "journal"], default="off")
    args = parser.parse_args()

    for statement in (f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement],
            check=True, capture_output=True,
        )  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="tocsin-spike-"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tocsin.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        TOCSIN_VAR_DIR=str(work),
        REDIS_URL="",
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
        petition, args.signatures, args.clients, work, mail_timeout=1800,
        web_workers=args.web_workers, task_workers=args.task_workers,
        signature_buffer=args.signature_buffer,
    )  # fmt: skip
    print("\n".join(report.lines()))
    print(f"whole drill, mail included: {time.monotonic() - started:.0f} s; logs in {work}")
    return 0 if report.kept_every_promise else 1


if __name__ == "__main__":
    sys.exit(main())
