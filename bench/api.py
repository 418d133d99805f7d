"""The OSDI API under load, next to a bare Django view in the same run.

Stores PEOPLE known people of one organization (bulk_create, each with a current consent and
a tag) and one petition, then times, through the test client in this process with the
site's whole middleware (ROOT_URLCONF=bare_urls):
  - GET /api/v1/people?per_page=25 at pages spread over the list, and ?per_page=100;
  - POST /api/v1/petitions/<id>/signatures (record_signature_helper: a new signer each time,
    through petitions.services.sign, its confirmation task enqueued);
  - the bare GET, the yardstick.
p50/p95 in ms and requests a second for each. The key's rate limit is lifted for the run
(TOCSIN_API_RATE).

The database is the bench's own and is recreated on every run: a fresh SQLite file by
default, or DATABASE_URL (a PostgreSQL name must contain "bench").

    .venv/bin/python bench/api.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocsin_bench_api .venv/bin/python bench/api.py
    .venv/bin/python bench/api.py --quick      # fewer rows and requests: not a figure
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUICK = "--quick" in sys.argv or bool(os.environ.get("QUICK"))
PEOPLE = 2_000 if QUICK else 50_000
REQUESTS = 100 if QUICK else 1_000
BATCH = 5_000


def fresh_database() -> None:
    url = os.environ.get("DATABASE_URL", "sqlite:///")
    if url.startswith("sqlite"):
        path = Path(tempfile.mkdtemp(prefix="tocsin-api-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return
    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(f"DATABASE_URL names {name!r}: it must contain 'bench' (it is recreated).")
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement],
            check=True,
            capture_output=True,
        )


fresh_database()
os.environ.setdefault("TOCSIN_VAR_DIR", tempfile.mkdtemp(prefix="tocsin-api-var-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings.development")
os.environ["DEBUG"] = "false"
os.environ["TOCSIN_API_RATE"] = "1000000/min"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
sys.path.insert(0, str(Path(__file__).parent / "support"))

import django  # noqa: E402

django.setup()

from bare_urls import BARE_GET  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from tocsin.api.models import ApiKey  # noqa: E402
from tocsin.campaigns.models import Campaign  # noqa: E402
from tocsin.organizations.models import Organization  # noqa: E402
from tocsin.petitions.models import PetitionAction, Signature  # noqa: E402
from tocsin.supporters.models import Consent, Supporter, Tag, Tagging  # noqa: E402


def timed(function, times: int) -> list[float]:
    samples = []
    for n in range(times):
        start = time.perf_counter()
        function(n)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def line(label: str, samples: list[float]) -> None:
    p50 = statistics.median(samples)
    p95 = statistics.quantiles(samples, n=20)[18]
    rate = len(samples) / (sum(samples) / 1000)
    print(f"{label:<42} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  {rate:8.0f} req/s")


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).add_argument("--quick")
    print(f"{connection.vendor}, {PEOPLE:,} people{', QUICK: not a figure' if QUICK else ''}")
    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Bench", slug="bench")
    campaign = Campaign.objects.create(
        organization=organization, title="Bench", slug="bench", status=Campaign.Status.LIVE
    )
    petition = PetitionAction.objects.create(
        campaign=campaign, title="Bench", text="Bench", ask_postcode=False
    )
    tag = Tag.objects.create(organization=organization, name="bench")
    now = timezone.now()
    for start in range(0, PEOPLE, BATCH):
        people = Supporter.objects.bulk_create(
            Supporter(
                organization=organization,
                email=f"person{n}@example.org",
                name=f"Person Number {n}",
                postcode="53703",
                country="US",
                is_known=True,
                email_confirmed_at=now,
            )
            for n in range(start, min(start + BATCH, PEOPLE))
        )
        Consent.objects.bulk_create(
            Consent(
                supporter=p,
                organization=organization,
                wording="Keep me informed.",
                language="en",
                given_at=now,
                confirmed_at=now,
            )
            for p in people
        )
        Tagging.objects.bulk_create(Tagging(supporter=p, tag=tag) for p in people)
    if connection.vendor == "postgresql":
        # Raw SQL: the ORM has no VACUUM; fresh statistics make the plans those of a real table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    _row, key = ApiKey.make(organization=organization, name="bench", can_write=True)
    headers = {"HTTP_OSDI_API_TOKEN": key}
    pages = PEOPLE // 25

    with override_settings(ROOT_URLCONF="bare_urls"):
        client = Client()
        for _ in range(20):  # warm up
            client.get(BARE_GET)
            client.get("/api/v1/people", **headers)

        def bare(n):
            assert client.get(BARE_GET).status_code == 200

        def people_page(n):
            page = 1 + (n * 7919) % pages
            answer = client.get("/api/v1/people", {"page": page}, **headers)
            assert answer.status_code == 200, answer.content[:200]

        def people_100(n):
            page = 1 + (n * 7919) % (PEOPLE // 100)
            answer = client.get("/api/v1/people", {"page": page, "per_page": 100}, **headers)
            assert answer.status_code == 200

        def sign(n):
            address = {"address": f"signer{n}@example.net"}
            body = {"person": {"given_name": "Bench", "email_addresses": [address]}}
            answer = client.post(
                f"/api/v1/petitions/{petition.pk}/signatures",
                json.dumps(body),
                content_type="application/json",
                **headers,
            )
            assert answer.status_code == 201, answer.content[:200]

        line("bare Django GET", timed(bare, REQUESTS))
        line("GET /api/v1/people (25 a page)", timed(people_page, REQUESTS))
        line("GET /api/v1/people?per_page=100", timed(people_100, REQUESTS // 4))
        line("POST record_signature_helper", timed(sign, REQUESTS))
    assert Signature.objects.filter(source="api").count() == REQUESTS


if __name__ == "__main__":
    main()
