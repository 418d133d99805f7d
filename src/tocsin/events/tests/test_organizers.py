import csv
import io

import pytest
from django.urls import reverse

from tocsin.events import services
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp, SessionMessage
from tocsin.organizations.factories import OrganizerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_at_once")]


@pytest.fixture
def session():
    session = SessionFactory(capacity=3)
    for name, email in (
        ('=HYPERLINK("http://evil")', "eve@example.org"),
        ("Ana", "ana@example.org"),
        ("Bo", "bo@example.org"),
        ("Cy", "cy@example.org"),
    ):
        services.rsvp(
            session, name=name, email=email, postcode="N1 9GU", guests=0, consents=[], language="en"
        )
    return session


@pytest.fixture
def organizer(client, session):
    client.force_login(OrganizerFactory(organizations=[session.event.organization]))
    return client


PAGES = [
    "events:organizer-session",
    "events:checkin-csv",
    "events:checkin-print",
    "events:door",
    "events:message",
]


@pytest.mark.parametrize("name", PAGES)
def test_another_group_s_organizer_gets_404_and_strangers_a_login(client, session, name):
    url = reverse(name, args=[session.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(OrganizerFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"rsvp": Rsvp.objects.first().pk}).status_code == 404
    assert not Rsvp.objects.filter(attended_at__isnull=False).exists()
    assert client.get(reverse("events:organizer-event", args=[session.event.pk])).status_code == 404


def test_the_check_in_csv_lists_who_is_coming_and_defuses_formulas(organizer, session):
    response = organizer.get(reverse("events:checkin-csv", args=[session.pk]))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0][:3] == ["name", "email", "postcode"]
    names = [row[0] for row in rows[1:]]
    assert names == ['\'=HYPERLINK("http://evil")', "Ana", "Bo"]  # Cy is waiting
    page = organizer.get(reverse("events:checkin-print", args=[session.pk])).content.decode()
    assert "Ana" in page
    assert "Cy" not in page
    listing = organizer.get(reverse("events:organizer-session", args=[session.pk]))
    assert "cy@example.org" in listing.content.decode()


def test_the_door_checks_people_in_with_a_post_and_can_undo(organizer, session):
    ana = Rsvp.objects.get(name="Ana")
    url = reverse("events:door", args=[session.pk])
    organizer.get(url)
    assert not Rsvp.objects.filter(attended_at__isnull=False).exists()  # GET changes nothing
    response = organizer.post(url, {"rsvp": ana.pk, "action": "in"})
    assert response.status_code == 302
    assert Rsvp.objects.get(pk=ana.pk).attended_at is not None
    assert "Checked in" in organizer.get(url).content.decode()
    organizer.post(url, {"rsvp": ana.pk, "action": "undo"})
    assert Rsvp.objects.get(pk=ana.pk).attended_at is None
    for bad in ("", "abc", "99999999", str(Rsvp.objects.get(name="Cy").pk)):
        assert organizer.post(url, {"rsvp": bad}).status_code == 302
    assert not Rsvp.objects.filter(attended_at__isnull=False).exists()


def test_a_message_goes_to_each_person_coming_through_the_queue(
    organizer, session, smtp_server, run_tasks
):
    run_tasks()
    smtp_server.messages.clear()
    url = reverse("events:message", args=[session.pk])
    assert organizer.post(url, {"subject": "", "body": "x"}).status_code == 400
    assert not SessionMessage.objects.exists()
    organizer.post(url, {"subject": "Doors open at 18:00", "body": "Bring a friend."})
    assert smtp_server.messages == []  # queued, not sent in the request
    run_tasks()
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == ["ana@example.org", "bo@example.org", "eve@example.org"]
    assert all(m["Subject"] == "Doors open at 18:00" for m in smtp_server.messages)
    assert "Bring a friend." in smtp_server.messages[0].get_content()


def test_the_admin_shows_only_the_organizer_s_own_rsvps(organizer, session):
    SessionFactory().rsvps.create(name="Stranger", email="s@example.org", status="confirmed")
    page = organizer.get(reverse("admin:events_rsvp_changelist")).content.decode()
    assert "Ana" in page
    assert "Stranger" not in page
    event_page = organizer.get(reverse("admin:events_event_change", args=[session.event.pk]))
    assert event_page.status_code == 200
    assert reverse("events:door", args=[session.pk]) in event_page.content.decode()


def test_in_the_admin_session_times_are_typed_in_the_event_s_zone(client):
    import datetime

    from tocsin.events.models import Event

    organizer = OrganizerFactory()
    client.force_login(organizer)
    organization = organizer.memberships.get().organization
    data = {
        "organization": organization.pk,
        "title_en": "Picket",
        "slug": "picket",
        "time_zone": "America/Chicago",
        "organizer_name": "Us",
        "organizer_email": "us@example.org",
        "max_guests": "1",
        "is_published": "on",
        "sessions-TOTAL_FORMS": "1",
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
        "sessions-0-title_en": "Morning",
        "sessions-0-starts_at_0": "2030-03-15",
        "sessions-0-starts_at_1": "18:00",
        "sessions-0-ends_at_0": "2030-03-15",
        "sessions-0-ends_at_1": "20:00",
        "sessions-0-venue_name": "Library",
        "sessions-0-capacity": "30",
        "sessions-0-has_waitlist": "on",
    }
    response = client.post(reverse("admin:events_event_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session = Event.objects.get(slug="picket").sessions.get()
    assert session.starts_at == datetime.datetime(2030, 3, 15, 23, 0, tzinfo=datetime.UTC)
    page = client.get(reverse("admin:events_event_change", args=[session.event_id]))
    assert 'value="18:00:00"' in page.content.decode()


def _helper(client, session, *permissions):
    from tocsin.campaigns.factories import organizer_allowed

    client.force_login(organizer_allowed([session.event.organization], *permissions))
    return client


READING = ["events:organizer-session", "events:checkin-csv", "events:checkin-print"]


@pytest.mark.parametrize("name", [*READING, "events:door", "events:message"])
def test_an_organizer_without_the_rsvp_permissions_gets_403(client, session, name):
    helper = _helper(client, session, "events.view_event")
    url = reverse(name, args=[session.pk])
    assert helper.get(url).status_code == 403
    assert helper.post(url, {"rsvp": Rsvp.objects.first().pk}).status_code == 403
    assert not Rsvp.objects.filter(attended_at__isnull=False).exists()
    assert helper.get(reverse("events:organizer-event", args=[session.event.pk])).status_code == 200


def test_a_read_only_helper_reads_the_lists_but_cannot_check_in_or_mail(client, session):
    helper = _helper(
        client, session, "events.view_event", "events.view_session", "events.view_rsvp"
    )
    for name in READING:
        assert helper.get(reverse(name, args=[session.pk])).status_code == 200, name
    door = reverse("events:door", args=[session.pk])
    assert helper.get(door).status_code == 403
    ana = Rsvp.objects.get(name="Ana")
    assert helper.post(door, {"rsvp": ana.pk, "action": "in"}).status_code == 403
    assert Rsvp.objects.get(pk=ana.pk).attended_at is None
    message = reverse("events:message", args=[session.pk])
    assert helper.get(message).status_code == 403
    response = helper.post(message, {"subject": "Hello", "body": "Come early."})
    assert response.status_code == 403
    assert not SessionMessage.objects.exists()
    admin = helper.get(reverse("admin:events_event_change", args=[session.event.pk]))
    assert reverse("events:organizer-session", args=[session.pk]) in admin.content.decode()
    assert door not in admin.content.decode()  # a link would only lead to a 403


def test_the_event_overview_needs_the_permission_to_view_events(client, session):
    helper = _helper(client, session, "events.view_rsvp")
    assert helper.get(reverse("events:organizer-event", args=[session.event.pk])).status_code == 403
