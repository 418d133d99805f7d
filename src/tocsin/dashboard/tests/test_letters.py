"""The dashboard counts letters like the other actions (issue 19): per target, per place (a US
district, a UK constituency) and per day, on the page, the map and the CSV exports. Only
letters counted as written (Letter.objects.delivered(): never one its writer has not
confirmed) count, and a refresh run again counts nothing twice."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from tocsin.dashboard import rollups, services
from tocsin.dashboard.models import (
    ActionRollup,
    HourlyRollup,
    Kind,
    LetterTargetRollup,
    PlaceRollup,
)
from tocsin.districts.models import Constituency
from tocsin.districts.services import DistrictRef
from tocsin.letters import services as letters
from tocsin.letters.factories import WriteActionFactory
from tocsin.letters.models import Letter, WriteAction
from tocsin.organizations.factories import OrganizerFactory
from tocsin.targets.factories import CustomTargetFactory
from tocsin.targets.models import Chamber, Target

pytestmark = pytest.mark.django_db

WESTMINSTER = "E14001172"


def write(action, email: str, targets, place, *, body: str = "") -> Letter:
    outcome = letters.write(
        action,
        name="Ana López",
        email=email,
        targets=targets,
        place=place,
        postcode="53703" if isinstance(place, DistrictRef) else "SW1A 0AA",
        town="Madison" if isinstance(place, DistrictRef) else "London",
        body=body,
        language="en",
        ip="203.0.113.7",
    )
    return outcome.letters


def confirm(written) -> None:
    assert letters.confirm(letters.confirmation_token(written[0].submission)).confirmed


def on_day(written, days_ago: int, now) -> None:
    """Date a confirmed submission `days_ago` days back (the test cannot wait for days)."""
    Letter.objects.filter(pk__in=[letter.pk for letter in written]).update(
        confirmed_at=now - datetime.timedelta(days=days_ago)
    )


class Letters:
    """A campaign written to by US and UK supporters: some confirmed, some not."""

    def __init__(self):
        self.now = timezone.now()
        self.action = WriteActionFactory(
            letter="Dear {title} {name},\n\nStop the spyware.\n\n{supporter_name}"
        )
        self.campaign = self.action.campaign
        self.organization = self.campaign.organization
        # Made directly: the factories' bioguide sequence (Z000001…) would move on and meet a
        # real member's id (Z000018) in a later module that loads the congress data.
        self.rep = Target.objects.create(
            kind=Target.Kind.LEGISLATOR,
            bioguide_id="X999901",
            name="Ada Rivers",
            title="Representative",
            chamber=Chamber.HOUSE,
            state="WI",
            district=2,
            email="ada@house.example.gov",
        )
        self.mp = Target.objects.create(
            kind=Target.Kind.LEGISLATOR,
            parliament_member_id=99901,
            name="Mary Example",
            title="MP",
            chamber=Chamber.COMMONS,
            constituency=WESTMINSTER,
            email="mary.example.mp@parliament.example.uk",
        )
        self.minister = CustomTargetFactory(
            organization=self.organization, name="Jane Doe", title="Minister", email="j@gov.uk"
        )
        wisconsin, westminster = DistrictRef("WI", 2), Constituency(code=WESTMINSTER)

        # Confirmed: three from Wisconsin two days ago, one UK writer to two targets today.
        for i in range(3):
            written = write(self.action, f"wi{i}@example.org", [self.rep], wisconsin)
            confirm(written)
            on_day(written, 2, self.now)
        confirm(write(self.action, "uk@example.org", [self.mp, self.minister], westminster))
        # Never confirmed by their writer: not counted.
        write(self.action, "waiting@example.org", [self.rep], wisconsin)
        write(self.action, "waiting-uk@example.org", [self.mp, self.minister], westminster)
        # Confirmed but held for review (a link the organizer did not write): not yet written.
        held = write(
            self.action,
            "link@example.org",
            [self.minister],
            westminster,
            body="Dear Minister,\n\nSee https://evil.example.com now.\n\nAna",
        )
        confirm(held)
        assert Letter.objects.get(pk=held[0].pk).state == Letter.State.HELD
        self.held = held[0]
        # Written in the supporter's own mail app: nothing to confirm, handed over at once.
        self.mail_app = WriteActionFactory(
            campaign=self.campaign, delivery=WriteAction.Delivery.MAIL_APP
        )
        handed = write(self.mail_app, "app@example.org", [self.mp], westminster)
        assert handed[0].state == Letter.State.HANDED_OVER

    def refresh(self, since=...):
        return rollups.refresh(since)


@pytest.fixture
def written():
    return Letters()


def test_confirmed_letters_are_counted_per_target_place_and_day(written):
    written.refresh()
    board = services.dashboard(written.campaign)
    # 3 Wisconsin letters, 2 confirmed UK ones and 1 from a mail app; none awaiting or held.
    assert board.totals[Kind.LETTER] == 6
    assert [(line.target.name, line.letters) for line in board.letter_targets] == [
        ("Ada Rivers", 3),
        ("Mary Example", 2),
        ("Jane Doe", 1),
    ]

    districts, states, unknown = services.places(written.campaign)
    assert [(row.place, row.letters) for row in districts] == [("WI-2", 3)]
    assert [(row.place, row.letters) for row in states] == [("WI", 3)]
    assert [(row.place, row.letters) for row in services.constituencies(written.campaign)] == [
        (WESTMINSTER, 3)
    ]
    assert Kind.LETTER not in unknown

    today = timezone.localdate(written.now, services.zone())
    two_days_ago = timezone.localdate(written.now - datetime.timedelta(days=2), services.zone())
    by_day = dict(zip(board.daily.labels, board.daily.counts[Kind.LETTER], strict=True))
    assert by_day[two_days_ago] == 3
    assert by_day[today] == 3
    assert sum(by_day.values()) == 6


def test_letters_count_once_they_are_confirmed_and_stop_when_they_bounce(written):
    written.refresh()
    waiting = Letter.objects.get(email="waiting@example.org")
    confirm([waiting])
    written.refresh()
    assert services.dashboard(written.campaign).totals[Kind.LETTER] == 7

    # Held since its writer confirmed it three days ago, released by an organizer today: an
    # old hour changes, and the refresh finds it.
    Letter.objects.filter(pk=written.held.pk).update(
        confirmed_at=written.now - datetime.timedelta(days=3)
    )
    assert letters.release([Letter.objects.get(pk=written.held.pk)]) == 1
    written.refresh()
    board = services.dashboard(written.campaign)
    assert board.totals[Kind.LETTER] == 8
    three_days_ago = timezone.localdate(written.now - datetime.timedelta(days=3), services.zone())
    by_day = dict(zip(board.daily.labels, board.daily.counts[Kind.LETTER], strict=True))
    assert by_day[three_days_ago] == 1

    # A letter from two days ago bounced: it no longer counts as written.
    bounced = Letter.objects.get(email="wi0@example.org")
    Letter.objects.filter(pk=bounced.pk).update(state=Letter.State.BOUNCED)
    written.refresh()
    board = services.dashboard(written.campaign)
    assert board.totals[Kind.LETTER] == 7
    assert {line.target.name: line.letters for line in board.letter_targets} == {
        "Ada Rivers": 3,
        "Mary Example": 2,
        "Jane Doe": 2,
    }


def test_a_replayed_refresh_counts_nothing_twice(written):
    written.refresh(None)

    def snapshot():
        return (
            sorted(
                ActionRollup.objects.filter(kind=Kind.LETTER).values_list("hour", "place", "count")
            ),
            sorted(HourlyRollup.objects.filter(kind=Kind.LETTER).values_list("hour", "count")),
            sorted(PlaceRollup.objects.filter(kind=Kind.LETTER).values_list("place", "count")),
            sorted(LetterTargetRollup.objects.values_list("target__name", "count")),
        )

    first = snapshot()
    assert sum(count for _hour, count in first[1]) == 6
    assert written.refresh(None) == 0
    assert written.refresh() == 0
    assert written.refresh(written.now - datetime.timedelta(days=5)) == 0
    assert snapshot() == first


def test_the_page_map_and_csv_show_the_letters(written, client):
    written.refresh()
    client.force_login(OrganizerFactory(organizations=[written.organization]))
    campaign = written.campaign

    page = client.get(reverse("dashboard:campaign", args=[campaign.pk])).content.decode()
    assert '<dd data-total="letter">6</dd>' in page
    assert (
        f'<tr data-target="{written.rep.pk}"><th scope="row">{written.rep}</th><td>3</td>' in page
    )
    assert 'id="h-letter"' in page  # the chart of letters by day and hour

    uk_map = client.get(
        reverse("dashboard:map", args=[campaign.pk]) + "?kind=letter&by=constituency"
    ).content.decode()
    assert f'<tr data-place="{WESTMINSTER}">' in uk_map
    us_map = client.get(
        reverse("dashboard:map", args=[campaign.pk]) + "?kind=letter&by=district"
    ).content.decode()
    assert '<tr data-place="WI-2">' in us_map

    def table(what):
        response = client.get(reverse("dashboard:export", args=[campaign.pk, what]))
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))

    days = table("days")
    column = days[0].index("Letters")
    assert sum(int(row[column]) for row in days[1:]) == 6

    places = table("places")
    column = places[0].index("letters")
    by_place = {(row[0], row[1]): row for row in places[1:]}
    assert by_place[("district", "WI-2")][column] == "3"
    assert by_place[("constituency", WESTMINSTER)][column] == "3"
    assert by_place[("unknown", "")][column] == "0"

    assert table("letter-targets") == [
        ["target", "letters"],
        [str(written.rep), "3"],
        [str(written.mp), "2"],
        [str(written.minister), "1"],
    ]
