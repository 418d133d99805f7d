"""Where a signature's time goes: one process, one client, no concurrency, so the machine's
other load matters less than in the wrk benches. Through Django's test client with the bench
settings (production plus the floor views), on a fresh database with the demo, it times:
  - the bare insert (bench/support/bench_urls.py), the floor;
  - a signature, as the sign form sends it;
  - a signature with the rate-limit check answered "not over" without looking, which shows
    what the check costs.
With REDIS_URL the limits count in Redis, without it in the process's cache. A check whose
cost grew with a spike would be useless in one: the signature is timed again after 50,000
more signatures are stored within the hour.

    .venv/bin/python bench/sign_cost.py                             # PostgreSQL, no Redis
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/sign_cost.py
    DATABASE_URL=sqlite:////tmp/sign_cost.sqlite3 .venv/bin/python bench/sign_cost.py
    .venv/bin/python bench/sign_cost.py --quick                     # CI's check (or QUICK=1)

The database (PostgreSQL `tocsin_bench_sign_cost` by default, or DATABASE_URL's) is recreated.
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

QUICK = "--quick" in sys.argv or bool(os.environ.get("QUICK"))
TIMES = 20 if QUICK else 300
ROWS = 1_000 if QUICK else 50_000

url = os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tocsin_bench_sign_cost"
)
if url.startswith("sqlite"):
    for suffix in ("", "-wal", "-shm"):
        Path(url.removeprefix("sqlite://") + suffix).unlink(missing_ok=True)
else:
    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(f"DATABASE_URL names {name!r}: this bench recreates it, so it must say 'bench'.")
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement],
            check=True,
            capture_output=True,
        )
sys.path.insert(0, str(Path(__file__).parent / "support"))
os.environ.update(
    DJANGO_SETTINGS_MODULE="bench_settings",
    SECRET_KEY=secrets.token_urlsafe(50),
    ALLOWED_HOSTS="testserver",
    SECURE_SSL_REDIRECT="false",
    TOCSIN_VAR_DIR=tempfile.mkdtemp(prefix="tocsin-sign-cost-"),
    LOG_LEVEL="WARNING",
)
os.environ.setdefault("REDIS_URL", "")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from tocsin.core import switches  # noqa: E402
from tocsin.core.models import Switches  # noqa: E402
from tocsin.petitions import limits, moderation  # noqa: E402
from tocsin.petitions.forms import started_value  # noqa: E402
from tocsin.petitions.models import PetitionAction, Signature  # noqa: E402

SLUG = "no-spyware-for-honduras"
TOKEN = secrets.token_hex(16)


def median_ms(function) -> float:
    function()  # warm
    samples = []
    for _ in range(TIMES):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples and rows (or QUICK=1)")
    parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("load_demo", organizer_password=secrets.token_urlsafe(16), verbosity=0)
    # One client address stands for every signer: no signature may be held back.
    switches.change(**{f.name: 10**9 for f in Switches._meta.fields if "_per_" in f.name})
    cache.clear()
    client = Client()
    client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    started = started_value(time.time() - 60)

    def bare() -> None:
        key = secrets.token_hex(8)
        form = {"csrfmiddlewaretoken": TOKEN, "key": key, "name": "B", "email": f"{key}@x.org"}
        assert client.post("/bench/bare-insert/", form).status_code == 302

    def sign() -> None:
        form = {
            "csrfmiddlewaretoken": TOKEN,
            "started": started,
            "name": "Bench Signer",
            "postcode": "53703",
            "country": "US",
            "email": f"{secrets.token_hex(8)}@example.org",
        }
        assert client.post(f"/c/{SLUG}/sign/", form).status_code == 302

    def sign_unchecked() -> None:
        with mock.patch.object(limits, "over_limit", return_value=False):
            sign()

    where = f"{connection.vendor}, {'Redis' if settings.REDIS_URL else 'no Redis'}"
    print(f"{where}; medians of {TIMES}{', QUICK: not a figure' if QUICK else ''}")
    print(f"  bare insert                         {median_ms(bare):7.2f} ms")
    print(f"  signature                           {median_ms(sign):7.2f} ms")
    print(f"  signature, limits not checked       {median_ms(sign_unchecked):7.2f} ms")
    petition = PetitionAction.objects.get(campaign__slug=SLUG)
    address = moderation.address_hashes("127.0.0.1")
    Signature.objects.bulk_create(
        (
            Signature(
                petition=petition,
                email=f"{n}-{secrets.token_hex(4)}@example.org",
                name="Bench Signer",
                country="US",
                email_domain="example.org",
                **address,
            )
            for n in range(ROWS)
        ),
        batch_size=5_000,
    )
    print(f"  signature, {ROWS:,} more in the hour  {median_ms(sign):7.2f} ms")
    signed = Signature.objects.filter(name="Bench Signer", held_at__isnull=False).count()
    if signed:
        sys.exit(f"{signed} signatures were held for review: the bench did not measure signing")


if __name__ == "__main__":
    main()
