import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from tocsin.events import services
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp, Session

from .conftest import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_at_once")]


def answer(session, email, guests=0, **extra):
    return services.rsvp(
        session,
        name=email.split("@")[0].title(),
        email=email,
        postcode="",
        guests=guests,
        consents=[],
        language="en",
        **extra,
    ).rsvp


def test_cancel_promotes_the_first_waitlisted_person_who_gets_a_mail(
    client, smtp_server, run_tasks, settings
):
    settings.TOCSIN_BASE_URL = "http://testserver"
    session = SessionFactory(capacity=2)
    ana = answer(session, "ana@example.org", guests=1)
    bo = answer(session, "bo@example.org")
    cy = answer(session, "cy@example.org")
    assert (ana.status, bo.status, cy.status) == ("confirmed", "waitlisted", "waitlisted")
    run_tasks()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "ana@example.org",
        "bo@example.org",
        "cy@example.org",
    ]
    smtp_server.messages.clear()

    client.post(reverse("events:cancel", args=[services.cancel_token(ana)]))
    statuses = dict(Rsvp.objects.values_list("email", "status"))
    assert statuses == {
        "ana@example.org": "cancelled",
        "bo@example.org": "confirmed",
        "cy@example.org": "confirmed",
    }
    assert Session.objects.get(pk=session.pk).seats_taken == 2

    run_tasks()
    messages = {m["To"]: m for m in smtp_server.messages}
    assert set(messages) == {"bo@example.org", "cy@example.org"}
    promoted = messages["bo@example.org"]
    assert promoted["Subject"].startswith("A place opened up for you")
    assert "/events/cancel/" in promoted.get_body(("plain",)).get_content()
    [ics] = list(promoted.iter_attachments())
    assert ics.get_content_type() == "text/calendar"


def test_only_the_first_in_line_gets_a_freed_seat(smtp_server, run_tasks):
    session = SessionFactory(capacity=1)
    ana = answer(session, "ana@example.org")
    answer(session, "bo@example.org")
    answer(session, "cy@example.org")
    services.cancel(ana)
    statuses = dict(Rsvp.objects.values_list("email", "status"))
    assert statuses["bo@example.org"] == "confirmed"
    assert statuses["cy@example.org"] == "waitlisted"


def test_the_confirmation_has_the_ics_times_in_both_zones_and_a_cancel_link(
    client, smtp_server, run_tasks, settings
):
    settings.TOCSIN_BASE_URL = "http://testserver"
    london = datetime.datetime(2030, 7, 26, 18, 30, tzinfo=datetime.UTC)  # 19:30 in London
    session = SessionFactory(starts_at=london, ends_at=london + datetime.timedelta(hours=2))
    url = reverse("events:rsvp", args=[session.event.slug, session.pk])
    client.post(url, form_data(tz="America/Chicago"))
    run_tasks()
    [message] = smtp_server.messages
    body = message.get_body(("plain",)).get_content()
    assert message["Subject"].startswith("You're coming")
    assert "19:30" in body
    assert "(London time, BST)" in body
    assert "Europe/London" not in body  # zones are named by place
    assert "Central time (Chicago): Friday 26 July, 13:30–15:30" in body
    cancel_link = next(line for line in body.splitlines() if "/events/cancel/" in line)
    # Opening the link (as a mail scanner would) cancels nothing.
    assert client.get(cancel_link.replace("http://testserver", "")).status_code == 200
    assert Rsvp.objects.get().status == "confirmed"
    [part] = list(message.iter_attachments())
    calendar = icalendar.Calendar.from_ical(part.get_content())
    [vevent] = calendar.walk("VEVENT")
    assert vevent["DTSTART"].dt == london
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"


def test_the_mail_is_in_the_supporter_s_language(client, smtp_server, run_tasks):
    session = SessionFactory()
    url = reverse("events:rsvp", args=[session.event.slug, session.pk])
    client.post(url, form_data(), HTTP_ACCEPT_LANGUAGE="es")
    run_tasks()
    [message] = smtp_server.messages
    assert message["Subject"].startswith("Vas a venir")


def test_nothing_goes_out_for_an_answer_cancelled_before_its_mail(smtp_server, run_tasks):
    session = SessionFactory()
    services.cancel(answer(session, "ana@example.org"))
    run_tasks()
    assert smtp_server.messages == []


def test_reminders_go_once_for_sessions_a_day_or_two_away(smtp_server, run_tasks):
    now = timezone.now()
    tomorrow = SessionFactory(
        starts_at=now + datetime.timedelta(hours=30), ends_at=now + datetime.timedelta(hours=32)
    )
    next_week = SessionFactory(
        starts_at=now + datetime.timedelta(days=7),
        ends_at=now + datetime.timedelta(days=7, hours=2),
    )
    answer(tomorrow, "ana@example.org")
    answer(tomorrow, "bo@example.org")
    services.cancel(answer(tomorrow, "cy@example.org"))
    answer(next_week, "di@example.org")
    run_tasks()
    smtp_server.messages.clear()

    services.enqueue_reminders()
    services.enqueue_reminders()  # a second run sends nothing again
    run_tasks()
    reminders = sorted(m["To"] for m in smtp_server.messages)
    assert reminders == ["ana@example.org", "bo@example.org"]
    assert all(m["Subject"].startswith("Tomorrow") for m in smtp_server.messages)
    assert Rsvp.objects.filter(reminded_at__isnull=False).count() == 2
