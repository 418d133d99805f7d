"""Issue 16: an answer for an event belongs to a person. The event's organization's person
is found or created when answering (one per normalised address), the answer goes on their
timeline once it holds a seat or a place in line, cancelling goes there too, the page's
?source= is stored, and the consents ticked count once the address is confirmed."""

import re

import pytest
from django.urls import reverse

from tocsin.events import services
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp, Session
from tocsin.supporters.models import Activity, Consent, Supporter

from .conftest import form_data

pytestmark = pytest.mark.django_db


def rsvp_url(session) -> str:
    return reverse("events:rsvp", args=[session.event.slug, session.pk])


def text(message) -> str:
    return message.get_body(("plain",)).get_content()


def link(message, pattern: str) -> str:
    [url] = re.findall(rf"http://testserver({pattern}\S+)", text(message))
    return url


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.TOCSIN_BASE_URL = "http://testserver"


def test_an_answer_without_consent_is_a_person_and_an_action_and_nothing_more(
    client, session, seats_at_once, smtp_server, run_tasks
):
    response = client.post(rsvp_url(session), form_data())
    assert response.status_code == 302
    answer = Rsvp.objects.get()
    person = Supporter.objects.get()
    assert answer.supporter == person
    assert (person.organization, person.email, person.name, person.postcode) == (
        session.event.organization,
        "ana@example.org",
        "Ana Díaz",
        "WC1E 7HY",
    )
    activity = person.activities.get()
    assert activity.kind == Activity.Kind.RSVP
    assert (activity.ref_model, activity.ref_id) == ("events.rsvp", answer.pk)
    assert session.event.title in activity.summary
    assert session.title in activity.summary
    assert not Consent.objects.exists()
    run_tasks()
    assert len(smtp_server.messages) == 1  # the answer's own mail only


def test_the_same_address_written_differently_is_one_person(client, seats_at_once):
    first = SessionFactory(capacity=10)
    second = SessionFactory(capacity=10, event=first.event)
    client.post(rsvp_url(first), form_data(email="ana.diaz@gmail.com"))
    client.post(rsvp_url(second), form_data(email="AnaDiaz@GMail.com"))
    person = Supporter.objects.get()
    assert set(Rsvp.objects.values_list("supporter", flat=True)) == {person.pk}
    assert person.activities.count() == 2


def test_the_page_s_source_is_carried_through_the_form_and_stored_sanitised(
    client, session, seats_at_once
):
    detail = client.get(session.event.get_absolute_url() + "?source=Partner_X%21").content
    assert f"/{session.pk}/rsvp/?source=partner_x".encode() in detail
    page = client.get(rsvp_url(session) + "?source=Partner_X%21").content.decode()
    assert 'name="source" value="partner_x"' in page
    client.post(rsvp_url(session), form_data(source="Partner_X!<script>"))
    answer = Rsvp.objects.get()
    assert answer.source == "partner_xscript"
    assert answer.supporter.source == "partner_xscript"
    assert answer.supporter.activities.get().source == "partner_xscript"


def test_a_consent_ticked_with_an_answer_that_takes_its_seat_at_once_waits_for_its_mail(
    client, session, seats_at_once, smtp_server, run_tasks
):
    organization = session.event.organization
    client.post(
        rsvp_url(session) + "?source=op-ed",
        form_data(source="op-ed", **{f"consent_{organization.pk}": "on"}),
    )
    consent = Consent.objects.get()
    assert consent.confirmed_at is None
    assert (consent.source, consent.page) == ("op-ed", rsvp_url(session))
    run_tasks()
    welcome = next(m for m in smtp_server.messages if "/supporters/confirm/" in text(m))
    client.post(link(welcome, "/supporters/confirm/"))
    consent.refresh_from_db()
    assert consent.confirmed_at is not None


def test_confirming_an_answer_confirms_the_address_and_its_consents_with_no_other_mail(
    client, smtp_server, run_tasks
):
    session = SessionFactory(capacity=5)  # nearly full: the answer waits for its mail
    organization = session.event.organization
    client.post(rsvp_url(session), form_data(**{f"consent_{organization.pk}": "on"}))
    person = Supporter.objects.get()
    assert Rsvp.objects.get().status == Rsvp.Status.PENDING
    assert not person.activities.exists()  # nothing happened yet: no seat, no place in line
    assert not Consent.objects.exists()
    run_tasks()
    [confirm_mail] = smtp_server.messages

    client.post(link(confirm_mail, "/events/confirm/"))

    person.refresh_from_db()
    assert person.email_confirmed_at is not None
    assert set(person.activities.values_list("kind", flat=True)) == {"rsvp", "joined"}
    consent = Consent.objects.current().get()
    assert consent.organization == organization
    run_tasks()
    # The seat's mail follows; the mail they confirmed from was their welcome.
    assert len(smtp_server.messages) == 2
    assert "/supporters/confirm/" not in text(smtp_server.messages[1])


def test_cancelling_goes_on_the_timeline(client, session, seats_at_once):
    client.post(rsvp_url(session), form_data())
    answer = Rsvp.objects.get()
    assert services.cancel(answer)
    summaries = list(
        answer.supporter.activities.order_by("occurred_at", "pk").values_list("summary", flat=True)
    )
    assert len(summaries) == 2
    assert summaries[1].startswith("Cancelled their answer")
    assert not services.cancel(answer)  # twice: nothing more
    assert answer.supporter.activities.count() == 2
    assert Session.objects.get(pk=session.pk).seats_taken == 0


def test_an_answer_refused_as_full_leaves_no_person_behind(client):
    session = SessionFactory(capacity=1, has_waitlist=False)
    Session.objects.filter(pk=session.pk).update(seats_taken=1)
    response = client.post(rsvp_url(session), form_data())
    assert response.status_code == 400
    assert not Supporter.objects.exists()
