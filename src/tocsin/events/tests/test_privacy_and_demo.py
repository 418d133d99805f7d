import datetime

import pytest

from tocsin.events import services
from tocsin.events.demo import load_demo_events, shifted_rally_day
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Event, Rsvp, Session
from tocsin.organizations.factories import OrganizationFactory
from tocsin.supporters.factories import SupporterFactory
from tocsin.supporters.services import erase_supporter, export_supporter_data

pytestmark = pytest.mark.django_db


def test_export_and_erasure_cover_rsvps_and_free_their_seats():
    session = SessionFactory(capacity=1)
    supporter = SupporterFactory(email="ana@example.org")
    services.rsvp(session, name="Ana", email="Ana@example.org", postcode="N1 9GU", guests=0,
                  consents=[], language="en")  # fmt: skip
    services.rsvp(session, name="Bo", email="bo@example.org", postcode="", guests=0,
                  consents=[], language="en")  # fmt: skip
    [exported] = export_supporter_data(supporter)["rsvps"]
    assert (exported["name"], exported["postcode"], exported["status"]) == (
        "Ana", "N1 9GU", "confirmed")  # fmt: skip

    erase_supporter(supporter)
    erased = Rsvp.objects.exclude(name="Bo").get()
    assert (erased.name, erased.postcode, erased.status) == ("", "", "cancelled")
    assert erased.email.endswith("@invalid")
    assert Rsvp.objects.get(name="Bo").status == "confirmed"  # got the freed seat
    assert not services.export_rsvps("ana@example.org")


def test_the_demo_festival_moves_forward_by_whole_weeks():
    today = datetime.date(2031, 2, 3)
    friday = shifted_rally_day(today)
    assert friday.weekday() == 4
    assert (friday - datetime.date(2018, 7, 27)).days % 7 == 0
    assert 21 <= (friday - today).days < 28

    organization = OrganizationFactory(name="Labour Friends of Progressive Latin America")
    event = load_demo_events(organization, today=today)
    load_demo_events(organization, today=today)  # again: updates, adds nothing
    assert Event.objects.count() == 1
    rally, talks, latin_america = event.sessions.order_by("starts_at", "venue_name")
    rally_local = rally.local_start
    assert (rally_local.date(), rally_local.hour, rally_local.minute) == (friday, 18, 30)
    saturday = friday + datetime.timedelta(days=1)
    for session in (talks, latin_america):
        assert session.local_start.date() == saturday
        assert (session.local_start.hour, session.local_end.hour) == (10, 17)
    assert {talks.venue_name, latin_america.venue_name} == {"Student Central", "Unite House"}
    assert any("Latin America" in s.title for s in (talks, latin_america))
    assert Session.objects.filter(seats_taken__gt=0).count() == 1
    seated = Session.objects.get(seats_taken__gt=0)
    assert seated.seats_taken == sum(r.party_size for r in Rsvp.objects.confirmed())
