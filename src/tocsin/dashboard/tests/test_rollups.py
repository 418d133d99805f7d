import datetime
from collections import Counter

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tocsin.calls.models import Outcome
from tocsin.dashboard import rollups, services
from tocsin.dashboard.models import (
    ActionRollup,
    CallTargetRollup,
    HourlyRollup,
    Kind,
    PlaceRollup,
)
from tocsin.events.models import Rsvp
from tocsin.fundraising.models import Gift
from tocsin.petitions import services as petitions
from tocsin.petitions.models import Signature

pytestmark = pytest.mark.django_db


def _hourly(board, kind):
    """{UTC hour: count} from the dashboard's last-seven-days series."""
    return {
        label.astimezone(datetime.UTC): n
        for label, n in zip(board.hourly.labels, board.hourly.counts[kind], strict=True)
        if n
    }


def _per_hour(moments):
    return dict(Counter(rollups.floor_hour(m) for m in moments))


def _per_day(moments):
    tz = services.zone()
    return dict(Counter(m.astimezone(tz).date() for m in moments))


def test_totals_hours_and_days_equal_the_raw_rows(scenario):
    scenario.refresh()
    board = services.dashboard(scenario.campaign)
    expected = {
        Kind.CALL: [c.created_at for c in scenario.counted_calls()],
        Kind.SIGNATURE: [s.confirmed_at for s in scenario.counted_signatures()],
        Kind.RSVP: [r.created_at for r in scenario.counted_rsvps()],
        Kind.GIFT: [g.created_at for g in scenario.gifts],
    }
    for kind, moments in expected.items():
        assert board.totals[kind] == len(moments), kind
        assert _hourly(board, kind) == _per_hour(moments), kind
        daily = {
            d: n for d, n in zip(board.daily.labels, board.daily.counts[kind], strict=True) if n
        }
        assert daily == _per_day(moments), kind
    assert board.totals[Kind.CALL] == 48  # 60 reports, 12 skipped
    assert board.people_coming == sum(1 + r.guests for r in scenario.counted_rsvps())
    assert board.raised == {"USD": sum(g.amount - g.refunded_amount for g in scenario.gifts)}


def test_calls_per_target_office_and_outcome_equal_the_raw_rows(scenario):
    scenario.refresh()
    board = services.dashboard(scenario.campaign)
    expected = Counter((c.target_id, c.office_id, c.outcome) for c in scenario.calls)
    shown = Counter()
    for line in board.targets:
        for office in line.offices:
            for outcome, n in office.outcomes.items():
                shown[(line.target.pk, office.office.pk, outcome)] += n
    assert shown == expected
    assert board.outcome_totals == dict(Counter(c.outcome for c in scenario.calls))
    attempts = [c for c in scenario.calls if c.outcome != Outcome.SKIPPED]
    dead = [c for c in attempts if c.outcome in (Outcome.BUSY, Outcome.VOICEMAIL_FULL)]
    assert board.dead_percent == round(100 * len(dead) / len(attempts))


def test_places_equal_the_raw_rows(scenario):
    scenario.refresh()
    districts, states, unknown = services.places(scenario.campaign)
    calls = Counter(c.place for c in scenario.counted_calls())
    signatures = Counter(s.district for s in scenario.counted_signatures())
    by_district = {r.place: (r.calls, r.signatures) for r in districts}
    assert by_district == {
        place: (calls.get(place, 0), signatures.get(place, 0))
        for place in (set(calls) | set(signatures)) - {"", "WI"}
    }
    wisconsin = next(r for r in states if r.place == "WI")
    assert wisconsin.calls == sum(n for p, n in calls.items() if p.startswith("WI"))
    assert unknown == {Kind.CALL: calls[""], Kind.SIGNATURE: signatures[""]}


def test_later_changes_are_caught_and_refreshing_twice_changes_nothing(scenario):
    scenario.refresh()
    before = sorted(HourlyRollup.objects.values_list("kind", "hour", "count", "amount"))
    assert rollups.refresh(None) == 0
    assert rollups.refresh() == 0
    call_command("refresh_rollups", verbosity=0)
    assert sorted(HourlyRollup.objects.values_list("kind", "hour", "count", "amount")) == before

    # An old signature invalidated, a refund, a cancellation, all older than the hours the
    # minute's refresh recounts: it notices their campaign no longer adds up.
    signature = scenario.counted_signatures()[0]
    Signature.objects.filter(pk=signature.pk).update(invalidated_at=timezone.now())
    Gift.objects.filter(pk=scenario.gifts[1].pk).update(refunded_amount=2000)
    Rsvp.objects.filter(pk=scenario.rsvps[0].pk).update(status=Rsvp.Status.CANCELLED)
    call_command("refresh_rollups", verbosity=0)
    board = services.dashboard(scenario.campaign)
    assert board.totals[Kind.SIGNATURE] == len(scenario.counted_signatures()) - 1
    assert board.totals[Kind.RSVP] == len(scenario.counted_rsvps()) - 1
    assert board.raised["USD"] == sum(g.amount - g.refunded_amount for g in scenario.gifts) - 2000
    place = PlaceRollup.objects.get(
        campaign=scenario.campaign, kind=Kind.SIGNATURE, place=signature.district
    )
    assert place.count == sum(
        1 for s in scenario.counted_signatures()[1:] if s.district == signature.district
    )
    # What the minute's refresh left is what recounting everything gives.
    minute = sorted(ActionRollup.objects.values_list("kind", "hour", "place", "count", "amount"))
    call_command("refresh_rollups", all_hours=True, verbosity=0)
    assert sorted(ActionRollup.objects.values_list("kind", "hour", "place", "count", "amount")) == (
        minute
    )


def _dashboard_and_public_signatures(scenario) -> tuple[int, int]:
    petition = scenario.signatures[0].petition
    cache.clear()
    return (
        services.dashboard(scenario.campaign).totals[Kind.SIGNATURE],
        petitions.public_count(petition).confirmed,
    )


def test_after_a_signature_is_invalidated_the_dashboard_shows_the_public_count(scenario):
    scenario.refresh()
    shown, public = _dashboard_and_public_signatures(scenario)
    assert shown == public == len(scenario.counted_signatures())

    oldest = min(scenario.counted_signatures(), key=lambda s: s.confirmed_at)
    Signature.objects.filter(pk=oldest.pk).update(invalidated_at=timezone.now())
    rollups.refresh()
    shown, public = _dashboard_and_public_signatures(scenario)
    assert shown == public == len(scenario.counted_signatures()) - 1

    # Found genuine after all.
    Signature.objects.filter(pk=oldest.pk).update(invalidated_at=None)
    rollups.refresh()
    shown, public = _dashboard_and_public_signatures(scenario)
    assert shown == public == len(scenario.counted_signatures())


def test_after_a_signer_is_erased_the_dashboard_shows_the_public_count(scenario):
    scenario.refresh()
    erased = scenario.counted_signatures()[0]
    petitions.erase_signer(erased.pk)
    rollups.refresh()
    shown, public = _dashboard_and_public_signatures(scenario)
    assert shown == public
    assert shown == Signature.objects.counted().count()


def test_the_minute_refresh_sees_new_signatures_and_calls(scenario):
    scenario.refresh()
    petition = scenario.signatures[0].petition
    Signature.objects.create(
        petition=petition,
        email="new@example.org",
        name="New",
        district="WI-2",
        confirmed_at=timezone.now(),
    )
    call = scenario.calls[0]
    type(call).objects.create(
        action=call.action,
        target=call.target,
        office=call.office,
        outcome=Outcome.TALKED,
        place="WI-2",
    )
    call_command("refresh_rollups", verbosity=0)
    board = services.dashboard(scenario.campaign)
    assert board.totals[Kind.SIGNATURE] == len(scenario.counted_signatures()) + 1
    assert board.totals[Kind.CALL] == len(scenario.counted_calls()) + 1
    line = next(line for line in board.targets if line.target.pk == call.target_id)
    office = next(o for o in line.offices if o.office.pk == call.office_id)
    assert office.outcomes[Outcome.TALKED] == 1 + sum(
        1 for c in scenario.calls if (c.office_id, c.outcome) == (call.office_id, Outcome.TALKED)
    )


def test_the_minute_refresh_gives_what_recounting_everything_gives(scenario):
    rollups.refresh()  # the last few hours only: nothing in the scenario is that recent
    assert not ActionRollup.objects.filter(kind=Kind.CALL).exists()
    rollups.refresh(scenario.now - datetime.timedelta(days=3))
    calls = sorted(
        ActionRollup.objects.filter(kind=Kind.CALL).values_list("hour", "place", "count")
    )
    targets = sorted(CallTargetRollup.objects.values_list("target", "office", "outcome", "count"))
    assert sum(n for _h, _p, n in calls) == len(scenario.counted_calls())
    assert sum(n for *_key, n in targets) == len(scenario.calls)  # skips included
    call_command("refresh_rollups", all_hours=True, verbosity=0)
    assert (
        sorted(ActionRollup.objects.filter(kind=Kind.CALL).values_list("hour", "place", "count"))
        == calls
    )
    assert (
        sorted(CallTargetRollup.objects.values_list("target", "office", "outcome", "count"))
        == targets
    )


def test_the_dashboard_reads_rollups_not_raw_rows(scenario, client, django_assert_max_num_queries):
    scenario.refresh()
    client.force_login(scenario.organizer)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:campaign", args=[scenario.campaign.pk]))
    assert response.status_code == 200
    raw = ("petitions_signature", "calls_callreport", "events_rsvp", "fundraising_gift")
    assert not [q["sql"] for q in queries if any(t in q["sql"] for t in raw)]
    assert len(queries) < 20


def test_page_views_are_buffered_and_give_a_conversion(scenario, client, settings):
    from tocsin.dashboard.pageviews import buffer

    settings.TOCSIN_COUNT_PAGE_VIEWS = True
    settings.TOCSIN_PAGE_VIEW_FLUSH_SECONDS = 3600
    scenario.refresh()
    buffer.flush()
    for _ in range(3):
        response = client.get(reverse("pages:campaign", args=[scenario.campaign.slug]))
        assert response.status_code == 200
    assert buffer.pending() == 3
    assert not HourlyRollup.objects.filter(kind=Kind.VIEW).exists()  # nothing written yet
    assert buffer.flush() == 3
    board = services.dashboard(scenario.campaign)
    assert board.views == 3
    # Only actions from the first counted hour on are compared with the views.
    assert board.actions_since_views == 0
    assert board.conversion_percent == 0

    # A deleted campaign's pending views are dropped, not an error.
    client.get(reverse("pages:campaign", args=[scenario.campaign.slug]))
    scenario.campaign.delete()
    assert buffer.flush() == 0
