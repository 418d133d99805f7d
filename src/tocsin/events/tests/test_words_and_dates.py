"""Issue 15, findings 7 and 9 for events: dates as each language writes them, zones named by
place, counts pluralised, plain-text subjects, the door's natural order, the zone as a list."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from tocsin.events import services
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Event
from tocsin.organizations.factories import OrganizerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_at_once")]

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def christmas_session():
    return SessionFactory(
        event__title="Labour's left & <friends>",
        starts_at=datetime.datetime(2026, 12, 25, 18, 30, tzinfo=LONDON),
        ends_at=datetime.datetime(2026, 12, 26, 17, 0, tzinfo=LONDON),
    )


def page_in(client, language: str, url: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_event_page_writes_dates_the_spanish_way_and_names_the_zone(client, christmas_session):
    url = christmas_session.event.get_absolute_url()
    spanish = page_in(client, "es", url)
    assert "viernes 25 de diciembre de 2026, 18:30" in spanish
    assert "sábado 26 de diciembre, 17:00" in spanish
    english = page_in(client, "en", url)
    assert "Friday 25 December 2026, 18:30" in english
    assert "Saturday 26 December, 17:00" in english
    assert "London time (GMT)" in english
    for page in (spanish, english):
        # The zone's database name may sit in a data attribute for the script, never in text.
        assert ">Europe/London" not in page
        assert "Europe/London time" not in page


def build(session, name):
    return services.rsvp(
        session,
        name=name,
        email=f"{abs(hash(name))}@example.org",
        postcode="",
        guests=0,
        consents=[],
        language="en",
    ).rsvp


def test_the_mail_subject_is_plain_text_and_its_dates_are_local(
    christmas_session, smtp_server, run_tasks
):
    build(christmas_session, "Ana")
    run_tasks()
    (message,) = smtp_server.messages
    assert message["Subject"] == "You're coming: Labour's left & <friends>"
    body = (
        message.get_payload(0).get_payload(decode=True).decode()
        if message.is_multipart()
        else message.get_payload(decode=True).decode()
    )
    assert "Friday 25 December 2026, 18:30" in body
    assert "London time" in body
    assert "Europe/London" not in body
    assert "&#x27;" not in body
    assert "&amp;" not in body


def test_counts_on_the_organizers_event_page_are_pluralised(client, christmas_session):
    build(christmas_session, "Ana")
    client.force_login(OrganizerFactory(organizations=[christmas_session.event.organization]))
    page = client.get(
        reverse("events:organizer-event", args=[christmas_session.event.pk])
    ).content.decode()
    assert "1 answer coming" in page
    assert "1 answers" not in page
    assert "0 waiting" in page
    assert "0 checked in" in page


def test_the_door_and_the_printed_list_sort_names_naturally(client):
    session = SessionFactory(capacity=20)
    # Each name carries an unusual surname, so finding it in the page cannot hit the event's
    # own (randomly generated) title or venue.
    for name in ["Zoe", "ángel", "Ana", "bea", "Table 10", "Table 2", "Émile"]:
        build(session, f"{name} Qwyrtz")
    expected = [
        f"{name} Qwyrtz" for name in ["Ana", "ángel", "bea", "Émile", "Table 2", "Table 10", "Zoe"]
    ]
    assert [r.name for r in services.checkin_list(session)] == expected
    client.force_login(OrganizerFactory(organizations=[session.event.organization]))
    for view in ("events:door", "events:checkin-print"):
        page = client.get(reverse(view, args=[session.pk])).content.decode()
        positions = [page.index(name) for name in expected]
        assert positions == sorted(positions), view


def test_the_back_office_offers_the_event_zone_as_a_list_of_places(client):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw-12345678")
    client.force_login(admin)
    page = client.get(reverse("admin:events_event_add")).content.decode()
    assert '<select name="time_zone"' in page
    assert '<option value="Europe/London" selected>London time</option>' in page
    assert '<option value="America/New_York">Eastern time (New York)</option>' in page
    # An older event's zone outside the list stays as it was, named by its city.
    event = SessionFactory().event
    Event.objects.filter(pk=event.pk).update(time_zone="Europe/Lisbon")
    page = client.get(reverse("admin:events_event_change", args=[event.pk])).content.decode()
    assert '<option value="Europe/Lisbon" selected>Lisbon time</option>' in page
