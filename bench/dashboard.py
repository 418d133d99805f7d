"""The organizers' dashboard with a million actions, next to a bare Django view.

Builds one campaign with 1,000,000 actions over 30 days across the House districts: 520,000
confirmed signatures, 440,000 call reports, 25,000 RSVPs and 15,000 gifts, stored through the
ORM (bulk_create, so the rows are whatever the models are today). Then, in one process, it
times:
  - the rollup refresh `tocsin.dashboard.rollups.refresh`: the nightly recount of all time
    (`refresh(None)`), the every-minute job on a quiet minute, and the every-minute job after
    a minute of a spike (fresh call reports and signatures);
  - a bare Django GET through the test client, the yardstick;
  - the dashboard page, and the map page (warm, and its first drawing) when the district
    boundaries are loaded;
  - the signatures and calls CSV exports, consumed to the end, with tracemalloc's peak and the
    growth of resident memory, next to the bare view's.
Targets: dashboard and map p50 <= 300 ms each; exports in constant memory.

The database is the bench's own and is recreated on every run: PostgreSQL
`tocsin_bench_dashboard` by default, or DATABASE_URL (its name must contain "bench"); with
DATABASE_URL=sqlite:///… a fresh file. TOCSIN_DATA_DIR loads the district boundaries (needed
for the full run; a quick run without it uses made-up places and skips the map).

    TOCSIN_DATA_DIR=../shared/data .venv/bin/python bench/dashboard.py
    .venv/bin/python bench/dashboard.py --quick      # a few thousand rows: CI's check
"""

import argparse
import contextlib
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

QUICK = "--quick" in sys.argv or bool(os.environ.get("QUICK"))
# Full run: (signatures, call reports, RSVPs, gifts), then a minute of a spike.
SIZES = (2_000, 2_000, 200, 100) if QUICK else (520_000, 440_000, 25_000, 15_000)
SPIKE = (200, 200) if QUICK else (20_000, 20_000)
DAYS = 30
SLUG = "bench-dashboard"
BATCH = 5_000


def fresh_database() -> None:
    """Point DATABASE_URL at an empty database of the bench's own."""
    url = os.environ.setdefault(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tocsin_bench_dashboard"
    )
    if url.startswith("sqlite"):
        # A file of its own in a fresh folder, whatever the URL named.
        path = Path(tempfile.mkdtemp(prefix="tocsin-dashboard-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return
    name = url.rsplit("/", 1)[1]
    if "bench" not in name:
        sys.exit(
            f"DATABASE_URL names {name!r}: this bench recreates its database, so the name "
            "must contain 'bench'."
        )
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", statement],
            check=True,
            capture_output=True,
        )


fresh_database()
os.environ.setdefault("TOCSIN_VAR_DIR", tempfile.mkdtemp(prefix="tocsin-dashboard-var-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings.development")
os.environ["DEBUG"] = "false"  # no query log growing in memory
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
sys.path.insert(0, str(Path(__file__).parent / "support"))

import django  # noqa: E402

django.setup()

from bare_urls import BARE_GET  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from tocsin.calls.models import CallAction, CallReport, Outcome  # noqa: E402
from tocsin.campaigns.models import Campaign  # noqa: E402
from tocsin.dashboard import mapping, rollups, services  # noqa: E402
from tocsin.dashboard.models import CallTargetRollup, HourlyRollup, PlaceRollup  # noqa: E402
from tocsin.districts.models import DistrictBoundary  # noqa: E402
from tocsin.events.models import Event, Rsvp, Session  # noqa: E402
from tocsin.fundraising.models import Fundraiser, Gift  # noqa: E402
from tocsin.organizations.models import Membership, Organization  # noqa: E402
from tocsin.organizations.roles import ensure_organizers_group  # noqa: E402
from tocsin.petitions.models import PetitionAction, Signature  # noqa: E402
from tocsin.targets.models import Office, Target  # noqa: E402


def resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def timed(function, times: int) -> list[float]:
    samples = []
    for _ in range(times):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def seconds(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


@contextlib.contextmanager
def dated_by_hand(*models):
    """Let bulk_create keep the `created_at` the bench gives (spread over 30 days) instead of
    auto_now_add's now."""
    fields = [m._meta.get_field("created_at") for m in models]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f in fields:
            f.auto_now_add = True


def store(model, rows) -> int:
    """bulk_create in batches from a generator, so a million rows never sit in memory."""
    batch, stored = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            stored += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return stored + len(batch)


class Bench:
    def __init__(self):
        self.rng = random.Random(1299)
        self.now = timezone.now()
        self.start = self.now - datetime.timedelta(days=DAYS)

    def moment(self) -> datetime.datetime:
        return self.start + datetime.timedelta(seconds=self.rng.uniform(0, DAYS * 86400))

    def build(self) -> None:
        organization = Organization.objects.create(slug="bench", name="Bench")
        self.user = get_user_model().objects.create(username="bench-organizer", is_staff=True)
        Membership.objects.create(organization=organization, user=self.user)
        self.user.groups.add(ensure_organizers_group())  # what an organizer may see
        self.campaign = Campaign.objects.create(
            organization=organization,
            title="A million actions",
            slug=SLUG,
            summary="Bench",
            status=Campaign.Status.LIVE,
        )
        self.action = CallAction.objects.create(
            campaign=self.campaign, title="Call", script="Hello"
        )
        self.petition = PetitionAction.objects.create(
            campaign=self.campaign, title="Sign", text="We ask"
        )
        event = Event.objects.create(
            organization=organization,
            campaign=self.campaign,
            title="Rally",
            slug=f"{SLUG}-rally",
            time_zone="America/New_York",
            organizer_name="x",
            organizer_email="x@example.org",
        )
        self.session = Session.objects.create(
            event=event,
            title="Rally",
            starts_at=self.start + datetime.timedelta(days=40),
            ends_at=self.start + datetime.timedelta(days=40, hours=2),
            capacity=SIZES[2] * 3,
        )
        self.fundraiser = Fundraiser.objects.create(
            organization=organization,
            campaign=self.campaign,
            title="Fund",
            slug=f"{SLUG}-fund",
            currency="USD",
            goal=10**8,
            deadline=self.start.date() + datetime.timedelta(days=60),
        )
        places = [
            f"{s}-{d}" if d else s
            for s, d in DistrictBoundary.objects.values_list("state", "district").order_by("pk")
        ] or [f"WI-{n}" for n in range(1, 9)] + [f"CA-{n}" for n in range(1, 13)]
        self.places = places
        self.offices = []
        for index, place in enumerate(places):
            state, _sep, number = place.partition("-")
            target = Target.objects.create(
                kind=Target.Kind.LEGISLATOR,
                bioguide_id=f"B9{index:05d}",
                name=f"Member {place}",
                title="Representative",
                chamber="house",
                state=state,
                district=int(number or 0),
            )
            self.offices.append((place, target.pk, Office.objects.create(target=target).pk))
        self.consent = [{"organization": organization.pk, "wording": "yes"}]

        signatures, calls, rsvps, gifts = SIZES
        took, stored = seconds(
            lambda: sum(
                (
                    self.signatures(range(signatures), self.moment),
                    self.calls(calls, self.moment),
                    self.rsvps(rsvps),
                    self.gifts(gifts),
                )
            )
        )
        print(f"rows stored through bulk_create: {stored:,} in {took:.1f} s")
        if connection.vendor == "postgresql":
            # Statistics for the rows just stored, as autovacuum would give them in time: the
            # ORM has no way to run ANALYZE.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def signatures(self, numbers, when) -> int:
        with dated_by_hand(Signature):
            return store(
                Signature,
                (
                    Signature(
                        petition=self.petition,
                        email=f"s{i}@example.org",
                        name=f"Signer {i}",
                        country="US",
                        district=self.rng.choice(self.places) if i % 10 else "",
                        language="en",
                        consents=self.consent if i % 3 else [],
                        created_at=(m := when()),
                        confirmed_at=m,
                        email_domain="example.org",
                    )
                    for i in numbers
                ),
            )

    def calls(self, n, when) -> int:
        outcomes, weights = Outcome.values, [40, 30, 20, 7, 3][: len(Outcome.values)]
        with dated_by_hand(CallReport):
            return store(
                CallReport,
                (
                    CallReport(
                        action=self.action,
                        target_id=target_id,
                        office_id=office_id,
                        outcome=self.rng.choices(outcomes, weights)[0],
                        place=place,
                        created_at=when(),
                    )
                    for place, target_id, office_id in (
                        self.rng.choice(self.offices) for _ in range(n)
                    )
                ),
            )

    def rsvps(self, n: int) -> int:
        with dated_by_hand(Rsvp):
            return store(
                Rsvp,
                (
                    Rsvp(
                        session=self.session,
                        email=f"r{i}@example.org",
                        name=f"Guest {i}",
                        guests=i % 3,
                        status=Rsvp.Status.CONFIRMED,
                        language="en",
                        consents=self.consent,
                        created_at=self.moment(),
                    )
                    for i in range(n)
                ),
            )

    def gifts(self, n: int) -> int:
        with dated_by_hand(Gift):
            return store(
                Gift,
                (
                    Gift(
                        fundraiser=self.fundraiser,
                        source="cash",
                        amount=self.rng.choice([500, 1000, 2500, 5000]),
                        currency="USD",
                        donor_name=f"Donor {i}",
                        donor_email=f"d{i}@example.org",
                        received_on=(m := self.moment()).date(),
                        created_at=m,
                    )
                    for i in range(n)
                ),
            )

    def refreshes(self) -> None:
        took, changed = seconds(lambda: rollups.refresh(None))
        print(f"refresh(None), the nightly recount of all time: {took:.2f} s, {changed:,} rows")
        took, changed = seconds(rollups.refresh)
        print(
            f"refresh(), the every-minute job, a quiet minute: {took * 1000:.0f} ms, "
            f"{changed} rows changed"
        )
        signatures, calls = SPIKE

        def last_minute() -> datetime.datetime:
            return timezone.now() - datetime.timedelta(seconds=self.rng.uniform(0, 60))

        self.signatures(range(SIZES[0], SIZES[0] + signatures), last_minute)
        self.calls(calls, last_minute)
        took, changed = seconds(rollups.refresh)
        print(
            f"refresh() after a minute of {signatures:,} signatures and {calls:,} call "
            f"reports: {took * 1000:.0f} ms, {changed} rows changed"
        )

    def pages(self, client: Client) -> None:
        dashboard_url = reverse("dashboard:campaign", args=[self.campaign.pk])
        map_url = reverse("dashboard:map", args=[self.campaign.pk])
        with_map = DistrictBoundary.objects.exists()
        urls = [dashboard_url, BARE_GET]
        if with_map:
            mapping.reset()
            cache.clear()
            first_map, response = seconds(lambda: client.get(map_url))
            assert response.status_code == 200
            print(
                "first map drawing (projecting and simplifying the boundaries): "
                f"{first_map * 1000:.0f} ms"
            )
            urls.append(map_url)
        for url in urls:
            assert client.get(url).status_code == 200, url  # and warm
        times = 5 if QUICK else 30
        bare = timed(lambda: client.get(BARE_GET), times * 10)
        results = {"dashboard page": timed(lambda: client.get(dashboard_url), times)}
        if with_map:
            results["map, districts (signatures)"] = timed(lambda: client.get(map_url), times)
            results["map, states (calls)"] = timed(
                lambda: client.get(map_url + "?kind=call&by=state"), times
            )
        bare_p50 = statistics.median(bare)
        print(f"\n{'what':34} {'n':>5} {'p50 ms':>9} {'max ms':>9} {'p50 / bare p50':>15}")
        print(f"{'bare Django GET':34} {len(bare):5} {bare_p50:9.2f} {max(bare):9.2f} {1:15.1f}")
        for name, samples in results.items():
            p50 = statistics.median(samples)
            print(
                f"{name:34} {len(samples):5} {p50:9.2f} {max(samples):9.2f} "
                f"{p50 / bare_p50:15.1f}   (target p50 <= 300 ms: "
                f"{'met' if p50 <= 300 else 'missed'})"
            )
        if not with_map:
            print("map pages skipped: no district boundaries (set TOCSIN_DATA_DIR)")

    def exports(self, client: Client) -> None:
        bare_peak, bare_rss, _lines, _seconds = export_memory(client, BARE_GET)
        print(
            f"\n{'export':34} {'lines':>8} {'seconds':>8} {'peak MiB':>9} {'RSS +MiB':>9} "
            f"{'peak / bare':>12}"
        )
        print(f"{'bare Django GET':34} {'':>8} {'':>8} {bare_peak:9.2f} {bare_rss:9.1f} {1:12.1f}")
        for what in ("signatures", "calls"):
            url = reverse("dashboard:export", args=[self.campaign.pk, what])
            peak, rss, lines, took = export_memory(client, url)
            print(
                f"{what + ' CSV':34} {lines:8} {took:8.1f} {peak:9.2f} {rss:9.1f} "
                f"{peak / bare_peak:12.1f}"
            )

    def totals(self) -> None:
        board = services.dashboard(self.campaign)
        read = sum(
            model.objects.for_campaign(self.campaign).count()
            for model in (HourlyRollup, PlaceRollup, CallTargetRollup)
        )
        skipped = sum(
            CallTargetRollup.objects.for_campaign(self.campaign)
            .filter(outcome=Outcome.SKIPPED)
            .values_list("count", flat=True)
        )
        rows = sum(SIZES) + sum(SPIKE)
        shown = sum(board.totals.values()) + skipped
        print(
            f"\ndashboard totals: {board.totals}; plus {skipped:,} skipped calls = {shown:,} "
            f"actions ({rows:,} rows stored: {'the same' if shown == rows else 'DIFFERENT'}); "
            f"rollup rows a dashboard reads: {read:,}"
        )
        if shown != rows:
            sys.exit("the dashboard's totals differ from the rows stored")


def export_memory(client: Client, url: str) -> tuple[float, float, int, float]:
    """tracemalloc peak (MiB), resident growth (MiB), lines, seconds, consuming the stream."""
    before = resident_bytes()
    tracemalloc.start()
    began = time.perf_counter()
    response = client.get(url)
    lines = 0
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        lines += chunk.count(b"\n")
    took = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, (resident_bytes() - before) / 2**20, lines, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few thousand rows (or QUICK=1)")
    parser.parse_args()
    if not QUICK and not os.environ.get("TOCSIN_DATA_DIR"):
        sys.exit("Set TOCSIN_DATA_DIR to the public data (e.g. ../shared/data), or use --quick.")
    print(f"{connection.vendor}{', QUICK: not a figure' if QUICK else ''}")
    call_command("migrate", verbosity=0)
    if os.environ.get("TOCSIN_DATA_DIR"):
        # Another process, so this one's memory holds only what the pages need.
        subprocess.run([sys.executable, "-m", "tocsin", "sync-districts"], check=True)
    bench = Bench()
    bench.build()
    bench.refreshes()
    with override_settings(ROOT_URLCONF="bare_urls"):
        client = Client()
        client.force_login(bench.user)
        bench.pages(client)
        bench.exports(client)
    bench.totals()


if __name__ == "__main__":
    main()
