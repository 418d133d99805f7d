"""The organizers' dashboard with a million actions, next to a bare Django view.

Builds one campaign with 1,000,000 actions over 30 days and the 435 House districts (and the
at-large seats and delegates): 520,000 confirmed signatures, 440,000 call reports, 25,000
RSVPs and 15,000 gifts, COPYed straight into their tables. The rollups are then filled by the
dashboard's own code (rebuild_calls and the all-hours fold, timed). In one process and one run
it then times:
  - a bare Django view (/healthz) through the test client, the yardstick;
  - the dashboard page, and the map page (warm, and its first drawing);
  - the signatures and calls CSV exports, consumed to the end, with tracemalloc's peak and the
    growth of resident memory, next to the bare view's.
Targets: dashboard and map p50 ≤ 300 ms each; exports in constant memory.

Needs PostgreSQL (COPY), a database of its own: each run empties the signature, call report
and RSVP tables before building.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tocsin_dash_bench \
    TOCSIN_DATA_DIR=../shared/data .venv/bin/python bench/dashboard.py
"""

import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tocsin.settings.development")
os.environ["DEBUG"] = "false"  # no query log growing in memory
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from tocsin.calls.models import CallAction, Outcome  # noqa: E402
from tocsin.campaigns.models import Campaign  # noqa: E402
from tocsin.dashboard import mapping, rollups  # noqa: E402
from tocsin.districts.models import DistrictBoundary  # noqa: E402
from tocsin.events.models import Event, Session  # noqa: E402
from tocsin.fundraising.models import Fundraiser  # noqa: E402
from tocsin.organizations.models import Membership, Organization  # noqa: E402
from tocsin.petitions.models import PetitionAction  # noqa: E402
from tocsin.targets.models import Office, Target  # noqa: E402

SIGNATURES, CALLS, RSVPS, GIFTS = 520_000, 440_000, 25_000, 15_000
DAYS = 30
SLUG = "bench-dashboard"


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


def copy(table: str, columns: list[str], rows) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as pipe,
    ):
        for row in rows:
            pipe.write_row(row)


def build() -> tuple[Campaign, object]:
    rng = random.Random(1299)
    # A run before this one: its rows go first (gifts keep their fundraiser, events outlive
    # their campaign).
    from tocsin.fundraising.models import Gift

    with connection.cursor() as cursor:
        for table in ("petitions_signature", "calls_callreport", "events_rsvp"):
            cursor.execute(f"TRUNCATE {table} CASCADE")
    Gift.objects.filter(fundraiser__slug=f"{SLUG}-fund").delete()
    Fundraiser.objects.filter(slug=f"{SLUG}-fund").delete()
    Event.objects.filter(slug=f"{SLUG}-rally").delete()
    Campaign.objects.filter(slug=SLUG).delete()
    organization, _ = Organization.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    user, _ = get_user_model().objects.get_or_create(
        username="bench-organizer", defaults={"is_staff": True}
    )
    Membership.objects.get_or_create(organization=organization, user=user)
    campaign = Campaign.objects.create(
        organization=organization,
        title="A million actions",
        slug=SLUG,
        summary="Bench",
        status=Campaign.Status.LIVE,
    )
    action = CallAction.objects.create(campaign=campaign, title="Call", script="Hello")
    petition = PetitionAction.objects.create(campaign=campaign, title="Sign", text="We ask")
    event = Event.objects.create(
        organization=organization,
        campaign=campaign,
        title="Rally",
        slug=f"{SLUG}-rally",
        time_zone="America/New_York",
        organizer_name="x",
        organizer_email="x@example.org",
    )
    start = timezone.now() - datetime.timedelta(days=DAYS)
    session = Session.objects.create(
        event=event,
        title="Rally",
        starts_at=start + datetime.timedelta(days=40),
        ends_at=start + datetime.timedelta(days=40, hours=2),
        capacity=RSVPS * 3,
    )
    fundraiser = Fundraiser.objects.create(
        organization=organization,
        campaign=campaign,
        title="Fund",
        slug=f"{SLUG}-fund",
        currency="USD",
        goal=10**8,
        deadline=start.date() + datetime.timedelta(days=60),
    )
    places = [
        f"{s}-{d}" if d else s
        for s, d in DistrictBoundary.objects.values_list("state", "district").order_by("pk")
    ]
    Target.objects.filter(bioguide_id__startswith="B9").delete()
    offices = []
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
        offices.append((place, target.pk, Office.objects.create(target=target).pk))

    def moment() -> datetime.datetime:
        return start + datetime.timedelta(seconds=rng.uniform(0, DAYS * 86400))

    began = time.perf_counter()
    consent = json.dumps([{"organization": organization.pk, "wording": "yes"}])
    copy(
        "petitions_signature",
        [
            "petition_id",
            "email",
            "name",
            "postcode",
            "country",
            "district",
            "comment",
            "language",
            "consents",
            "created_at",
            "confirmed_at",
            "ip_hash",
            "ip_network_hash",
            "ip_block_hash",
            "email_domain",
        ],
        (
            (
                petition.pk,
                f"s{i}@example.org",
                f"Signer {i}",
                "",
                "US",
                rng.choice(places) if i % 10 else "",
                "",
                "en",
                consent if i % 3 else "[]",
                (m := moment()),
                m,
                "",
                "",
                "",
                "example.org",
            )
            for i in range(SIGNATURES)
        ),
    )
    outcomes = Outcome.values
    weights = [40, 30, 20, 7, 3]
    copy(
        "calls_callreport",
        [
            "key",
            "action_id",
            "target_id",
            "office_id",
            "outcome",
            "demands_raised",
            "place",
            "created_at",
            "folded",
        ],
        (
            (
                f"{rng.getrandbits(128):032x}",
                action.pk,
                target_id,
                office_id,
                rng.choices(outcomes, weights)[0],
                "",
                place,
                moment(),
                True,
            )
            for place, target_id, office_id in (rng.choice(offices) for _ in range(CALLS))
        ),
    )
    copy(
        "events_rsvp",
        [
            "session_id",
            "email",
            "name",
            "postcode",
            "guests",
            "status",
            "language",
            "time_zone",
            "consents",
            "created_at",
        ],
        (
            (
                session.pk,
                f"r{i}@example.org",
                f"Guest {i}",
                "",
                i % 3,
                "confirmed",
                "en",
                "",
                consent,
                moment(),
            )
            for i in range(RSVPS)
        ),
    )
    copy(
        "fundraising_gift",
        [
            "fundraiser_id",
            "source",
            "amount",
            "currency",
            "refunded_amount",
            "monthly",
            "renewal",
            "donor_name",
            "donor_email",
            "reference",
            "note",
            "received_on",
            "stripe_subscription_id",
            "created_at",
        ],
        (
            (
                fundraiser.pk,
                "cash",
                rng.choice([500, 1000, 2500, 5000]),
                "USD",
                0,
                False,
                False,
                f"Donor {i}",
                f"d{i}@example.org",
                "",
                "",
                (m := moment()).date(),
                "",
                m,
            )
            for i in range(GIFTS)
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"raw rows inserted (COPY) in {time.perf_counter() - began:.1f} s")

    began = time.perf_counter()
    rollups.rebuild_calls()
    calls_seconds = time.perf_counter() - began
    began = time.perf_counter()
    rollups.fold(None)
    print(
        f"rollups filled by the dashboard's own folds: calls {calls_seconds:.1f} s, "
        f"signatures/RSVPs/gifts {time.perf_counter() - began:.1f} s"
    )
    began = time.perf_counter()
    changed = rollups.fold()
    print(
        f"the every-minute fold (last {rollups.RECENT_HOURS} h) after that: "
        f"{(time.perf_counter() - began) * 1000:.0f} ms, {changed} rows changed"
    )
    return campaign, user


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
    seconds = time.perf_counter() - began
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, (resident_bytes() - before) / 2**20, lines, seconds


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the bench uses COPY).")
    if not os.environ.get("TOCSIN_DATA_DIR"):
        sys.exit("Set TOCSIN_DATA_DIR to the public data (e.g. ../shared/data).")
    for command in (["migrate", "-v", "0"], ["sync-districts"]):
        subprocess.run([sys.executable, "-m", "tocsin", *command], check=True)
    campaign, user = build()

    client = Client()
    client.force_login(user)
    dashboard_url = reverse("dashboard:campaign", args=[campaign.pk])
    map_url = reverse("dashboard:map", args=[campaign.pk])

    mapping.reset()
    from django.core.cache import cache

    cache.clear()
    began = time.perf_counter()
    assert client.get(map_url).status_code == 200
    first_map = (time.perf_counter() - began) * 1000

    for url in (dashboard_url, map_url, "/healthz"):
        client.get(url)  # warm
    bare = timed(lambda: client.get("/healthz"), 300)
    results = {
        "dashboard page": timed(lambda: client.get(dashboard_url), 30),
        "map, districts (signatures)": timed(lambda: client.get(map_url), 30),
        "map, states (calls)": timed(lambda: client.get(map_url + "?kind=call&by=state"), 30),
    }
    bare_p50 = statistics.median(bare)
    print(f"\n{'what':34} {'n':>5} {'p50 ms':>9} {'max ms':>9} {'p50 / bare p50':>15}")
    print(
        f"{'bare Django view (/healthz)':34} {len(bare):5} {bare_p50:9.2f} {max(bare):9.2f} "
        f"{1:15.1f}"
    )
    for name, samples in results.items():
        p50 = statistics.median(samples)
        print(f"{name:34} {len(samples):5} {p50:9.2f} {max(samples):9.2f} {p50 / bare_p50:15.1f}")
    print(f"first map drawing (projecting and simplifying 441 boundaries): {first_map:.0f} ms")

    bare_peak, bare_rss, _lines, _seconds = export_memory(client, "/healthz")
    print(
        f"\n{'export':34} {'lines':>8} {'seconds':>8} {'peak MiB':>9} {'RSS +MiB':>9} "
        f"{'peak / bare':>12}"
    )
    print(
        f"{'bare Django view (/healthz)':34} {'':>8} {'':>8} {bare_peak:9.2f} {bare_rss:9.1f} "
        f"{1:12.1f}"
    )
    for what in ("signatures", "calls"):
        url = reverse("dashboard:export", args=[campaign.pk, what])
        peak, rss, lines, seconds = export_memory(client, url)
        print(
            f"{what + ' CSV':34} {lines:8} {seconds:8.1f} {peak:9.2f} {rss:9.1f} "
            f"{peak / bare_peak:12.1f}"
        )

    from tocsin.dashboard import services
    from tocsin.dashboard.models import CallTargetRollup, HourlyRollup, PlaceRollup

    board = services.dashboard(campaign)
    read = sum(
        model.objects.for_campaign(campaign).count()
        for model in (HourlyRollup, PlaceRollup, CallTargetRollup)
    )
    skipped = CallTargetRollup.objects.for_campaign(campaign).filter(outcome="skipped")
    skipped = sum(skipped.values_list("count", flat=True))
    print(
        f"\ndashboard totals: {board.totals}; plus {skipped:,} skipped calls = "
        f"{sum(board.totals.values()) + skipped:,} actions; rollup rows a dashboard reads: "
        f"{read:,}"
    )


if __name__ == "__main__":
    main()
