"""The demo's facts (issue 15, finding 8 and 9): the festival's season, the whip count that
agrees with the back office's import example, and a history the dashboard can chart."""

import collections
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from tocsin.calls.models import CallReport
from tocsin.campaigns.models import Campaign, Stance, TargetStance
from tocsin.dashboard.models import HourlyRollup, Kind
from tocsin.events.models import Event
from tocsin.petitions.models import Signature
from tocsin.whip import services as whip_services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("congress_data")]

IMPORT_EXAMPLE = Path(whip_services.__file__).parent / "templates/admin/whip/import_stances.html"


@pytest.fixture
def demo():
    call_command("load_demo", organizer_password="demo-facts-password", verbosity=0)


def example_csv() -> str:
    return re.search(r"<pre>(.*?)</pre>", IMPORT_EXAMPLE.read_text(), re.S).group(1)


def test_the_h_r_1299_count_agrees_with_the_import_example(demo):
    """Importing the back office's own example into the demo contradicts nothing the demo
    says: every target it names is one the demo knows nothing about or agrees on."""
    campaign = Campaign.objects.get(slug="hr-1299-berta-caceres-act")
    before = dict(TargetStance.objects.filter(campaign=campaign).values_list("target", "stance"))
    rows = whip_services.read_stance_csv(campaign, example_csv().encode())
    assert len(rows) == 2
    for row in rows:
        assert before.get(row.target.pk, row.stance) == row.stance, row.target
    result = whip_services.import_stances(campaign, example_csv().encode())
    assert result.recorded == 2
    after = dict(TargetStance.objects.filter(campaign=campaign).values_list("target", "stance"))
    assert {k: v for k, v in after.items() if k in before} == before
    assert {after[row.target.pk] for row in rows} == {Stance.SUPPORTS}


def test_the_festival_is_on_a_late_july_friday_and_saturday(demo):
    days = sorted(
        {s.local_start.date() for s in Event.objects.get(slug="arise-festival").sessions.all()}
    )
    friday, saturday = days
    assert (friday.weekday(), saturday.weekday()) == (4, 5)
    assert (friday.month, saturday.month) == (7, 7)
    assert friday > timezone.localdate()


def test_the_history_spreads_over_three_weeks_and_the_dashboard_counts_it(demo):
    today = timezone.now().date()
    for rows, moment in (
        (Signature.objects.filter(confirmed_at__isnull=False), "confirmed_at"),
        (CallReport.objects.all(), "created_at"),
    ):
        per_day = collections.Counter(getattr(row, moment).date() for row in rows)
        assert len(per_day) >= 14
        assert min(per_day) >= today - timezone.timedelta(days=22)
        assert max(per_day.values()) >= 3 * min(per_day.values())  # a shape, not a flat line
    hours = HourlyRollup.objects.filter(kind=Kind.SIGNATURE).values("hour").distinct().count()
    assert hours > 50
    assert (
        sum(HourlyRollup.objects.filter(kind=Kind.CALL).values_list("count", flat=True))
        == CallReport.objects.count()
    )
