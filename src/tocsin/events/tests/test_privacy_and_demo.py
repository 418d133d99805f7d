import datetime

import pytest

from tocsin.core.personal_data import erase_person, export_person
from tocsin.events import services
from tocsin.events.demo import load_demo_events, shifted_rally_day
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Event, Rsvp, Session
from tocsin.organizations.factories import OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_at_once")]


def test_export_and_erasure_cover_rsvps_and_free_their_seats():
    session = SessionFactory(capacity=1)
    services.rsvp(
        session,
        name="Ana",
        email="A.na+events@gmail.com",
        postcode="N1 9GU",
        guests=0,
        consents=[],
        language="en",
    )
    services.rsvp(
        session,
        name="Bo",
        email="bo@example.org",
        postcode="",
        guests=0,
        consents=[],
        language="en",
    )
    [exported] = export_person("ana@gmail.com")["events"]
    assert (exported["name"], exported["postcode"], exported["status"]) == (
        "Ana",
        "N1 9GU",
        "confirmed",
    )

    assert erase_person("ANA@googlemail.com")["events"] == 1
    erased = Rsvp.objects.exclude(name="Bo").get()
    assert (erased.name, erased.postcode, erased.status) == ("", "", "cancelled")
    assert erased.email.endswith("@invalid")
    assert Rsvp.objects.get(name="Bo").status == "confirmed"  # got the freed seat
    assert not services.export_rsvps("ana@gmail.com")


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # Early December: next summer's festival, never Christmas (the old whole-weeks rule).
        (datetime.date(2026, 12, 2), datetime.date(2027, 7, 30)),
        (datetime.date(2031, 2, 3), datetime.date(2031, 7, 25)),
        (datetime.date(2028, 7, 1), datetime.date(2028, 7, 28)),
        # Too close to this year's: the next year's.
        (datetime.date(2029, 7, 10), datetime.date(2030, 7, 26)),
    ],
)
def test_the_demo_festival_falls_on_a_late_july_friday_and_saturday(today, expected):
    friday = shifted_rally_day(today)
    assert friday == expected
    assert friday.weekday() == 4
    assert friday.month == 7
    assert 24 <= friday.day <= 30
    assert (friday + datetime.timedelta(days=1)).month == 7
    assert (friday - today).days >= 21


def test_the_demo_festival_is_loaded_once_with_its_sessions():
    today = datetime.date(2031, 2, 3)
    friday = shifted_rally_day(today)

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


def test_answers_stored_before_are_normalised_unless_already_answered_by_that_address():
    import importlib

    from django.apps import apps

    from tocsin.events.factories import RsvpFactory

    migration = importlib.import_module("tocsin.events.migrations.0002_normalise_emails")
    session = SessionFactory()
    RsvpFactory(session=session, email="ana.lopez@gmail.com")
    RsvpFactory(session=session, email="b.o@gmail.com")
    RsvpFactory(session=session, email="bo@gmail.com")
    RsvpFactory(email="b.o@gmail.com")  # another session: free to change
    migration.normalise_emails(apps, None)
    assert sorted(Rsvp.objects.values_list("email", flat=True)) == [
        "analopez@gmail.com",
        "b.o@gmail.com",
        "bo@gmail.com",
        "bo@gmail.com",
    ]
