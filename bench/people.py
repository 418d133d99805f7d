"""The people of an organization: a 100,000-row CSV import, then the people list filtered on
1,000,000 actions, next to a bare Django view.

Writes a CSV of 100,000 people (names, postcodes, two tags, a dated consent on half of them)
and times its check and its import (`supporters.imports.check_file` then `apply_file`, what
the worker runs), with the process's resident memory before and after; then the same file
again (which must change nothing). Then it records 1,000,000 actions (signed, called, RSVP'd,
gave) over those people and five campaigns, with bulk_create, and times, as an organizer in
the Organizers group, the people list (the back office's page, through the test client) filtered by:
  - place (a state, then a district);
  - an action taken on a campaign, and the same action NOT taken;
next to a bare GET. Targets: the import under 60 s; each filter p50 under 300 ms.

The database is the bench's own and is recreated on every run: PostgreSQL
`tocsin_bench_people` by default, or DATABASE_URL (its name must contain "bench"); with
DATABASE_URL=sqlite:///… a fresh file.

    .venv/bin/python bench/people.py
    DATABASE_URL=sqlite:///x .venv/bin/python bench/people.py
    .venv/bin/python bench/people.py --quick      # a few thousand rows: not a figure
"""

import argparse
import csv
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUICK = "--quick" in sys.argv or bool(os.environ.get("QUICK"))
PEOPLE = 3_000 if QUICK else 100_000
ACTIONS = 30_000 if QUICK else 1_000_000
BATCH = 10_000
STATES = ["WI", "NY", "CA", "TX", "OH", "PA", "MI", "GA", "NC", "AZ"]


def fresh_database() -> None:
    url = os.environ.setdefault(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tocsin_bench_people"
    )
    if url.startswith("sqlite"):
        path = Path(tempfile.mkdtemp(prefix="tocsin-people-")) / "bench.sqlite3"
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
os.environ.setdefault("TOCSIN_VAR_DIR", tempfile.mkdtemp(prefix="tocsin-people-var-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings.development")
os.environ["DEBUG"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
sys.path.insert(0, str(Path(__file__).parent / "support"))

import django  # noqa: E402

django.setup()

from bare_urls import BARE_GET  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from tocsin.campaigns.models import Campaign  # noqa: E402
from tocsin.organizations.models import Membership, Organization  # noqa: E402
from tocsin.organizations.roles import ensure_organizers_group  # noqa: E402
from tocsin.supporters.imports import apply_file, check_file  # noqa: E402
from tocsin.supporters.models import Activity, Supporter  # noqa: E402


def write_csv(path: Path) -> None:
    rng = random.Random(16)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["email", "name", "postcode", "country", "language", "tags",
                         "consent_date", "consent_wording"])  # fmt: skip
        for n in range(PEOPLE):
            consent = n % 2 == 0
            writer.writerow(
                [
                    f"Person.{n}@Example.org",
                    f"Person Number {n}",
                    f"{rng.randint(10000, 99999)}",
                    "US",
                    rng.choice(["en", "es"]),
                    f"tag{n % 7};batch{n % 3}",
                    f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}" if consent else "",
                    "Yes, keep me informed." if consent else "",
                ]
            )


def resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed(function, times: int) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).add_argument("--quick")
    print(f"{connection.vendor}{', QUICK: not a figure' if QUICK else ''}")
    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Bench", slug="bench")
    user = get_user_model().objects.create_user("organizer", password="x", is_staff=True)
    Membership.objects.create(organization=organization, user=user)
    user.groups.add(ensure_organizers_group())
    campaigns = [
        Campaign.objects.create(organization=organization, title=f"Campaign {n}", slug=f"c{n}")
        for n in range(5)
    ]

    path = Path(tempfile.mkdtemp(prefix="tocsin-people-csv-")) / "people.csv"
    write_csv(path)
    size = path.stat().st_size / 2**20
    rss_before = resident_mb()
    start = time.perf_counter()
    check = check_file(path)
    checked = time.perf_counter() - start
    assert check.error_count == 0, check.errors[:5]
    applied = apply_file(path, organization, filename="people.csv")
    took = time.perf_counter() - start
    rss_after = resident_mb()
    print(
        f"import of {PEOPLE:,} rows ({size:.1f} MB): check {checked:.1f} s, check+apply "
        f"{took:.1f} s (target < 60 s); created {applied.created:,}, consents "
        f"{applied.consents_added:,}; resident memory {rss_before:.0f} -> {rss_after:.0f} MB"
    )
    start = time.perf_counter()
    again = apply_file(path, organization, filename="people.csv")
    print(
        f"the same file again: {time.perf_counter() - start:.1f} s, created {again.created}, "
        f"updated {again.updated}, consents {again.consents_added} (all must be 0)"
    )

    # Place and actions for the list's filters.
    rng = random.Random(7)
    ids = list(Supporter.objects.order_by("pk").values_list("pk", flat=True))
    for start_at in range(0, len(ids), BATCH):
        chunk = Supporter.objects.filter(pk__in=ids[start_at : start_at + BATCH])
        state = STATES[(start_at // BATCH) % len(STATES)]
        chunk.update(state=state, district=f"{state}-{1 + (start_at // BATCH) % 8:02d}")
    now = timezone.now()
    kinds = ["signed", "called", "rsvp", "gave"]
    start = time.perf_counter()
    batch = []
    for n in range(ACTIONS):
        batch.append(
            Activity(
                organization=organization,
                supporter_id=rng.choice(ids),
                kind=kinds[n % 4] if n % 10 else "called",
                campaign=campaigns[n % 5],
                campaign_title=f"Campaign {n % 5}",
                occurred_at=now - datetime.timedelta(minutes=n % 50_000),
                summary="An action",
            )
        )
        if len(batch) >= BATCH:
            Activity.objects.bulk_create(batch)
            batch = []
    Activity.objects.bulk_create(batch)
    Supporter.objects.update(last_action_at=now)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The planner's statistics and the visibility map (index-only scans), as
            # autovacuum would have after a million inserts.
            cursor.execute("VACUUM ANALYZE")
    print(f"{ACTIONS:,} actions stored in {time.perf_counter() - start:.0f} s")

    changelist = reverse("admin:supporters_supporter_changelist")
    with override_settings(ROOT_URLCONF="bare_urls"):
        client = Client()
        client.force_login(user)
        queries = {
            "no filter": "",
            "place: state": "?state=WI",
            "place: district": "?state=WI&district=WI-01",
            "action taken (gave, campaign 2)": f"?action=gave&action_campaign={campaigns[2].pk}",
            "action NOT taken (gave, campaign 2)": (
                f"?action=gave&action_campaign={campaigns[2].pk}&action_taken=no"
            ),
            "not taken + state": (
                f"?action=called&action_campaign={campaigns[0].pk}&action_taken=no&state=NY"
            ),
        }
        for query in queries.values():
            response = client.get(changelist + query)
            assert response.status_code == 200, (query, response.status_code)
        bare = statistics.median(timed(lambda: client.get(BARE_GET), 50))
        print(f"bare GET p50 {bare:.1f} ms")
        for label, query in queries.items():
            samples = timed(lambda q=query: client.get(changelist + q), 7)
            print(
                f"people list, {label}: p50 {statistics.median(samples):.0f} ms, "
                f"max {max(samples):.0f} ms (target p50 < 300 ms)"
            )


if __name__ == "__main__":
    main()
