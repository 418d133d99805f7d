"""Issue 14, findings 7 and 18: throwaway answers cannot fill a session. When a session is
nearly full (or always, if the organizers choose), a seat is taken only once the person
presses the button in the mail; answers have a honeypot and a per-address limit; and the page
after answering a full session does not tell whether an address already holds a seat."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tocsin.core import switches
from tocsin.events import services
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp, Session
from tocsin.supporters.models import Consent

from .conftest import form_data

pytestmark = pytest.mark.django_db


def rsvp_url(session) -> str:
    return reverse("events:rsvp", args=[session.event.slug, session.pk])


def seats(session) -> int:
    return Session.objects.get(pk=session.pk).seats_taken


def take(session, n: int) -> None:
    Session.objects.filter(pk=session.pk).update(seats_taken=n)


def confirm_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    [url] = re.findall(r"http://testserver(/events/confirm/\S+)", body)
    return url


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.TOCSIN_BASE_URL = "http://testserver"


def test_two_throwaway_answers_cannot_fill_a_five_seat_session(client):
    session = SessionFactory(capacity=5)
    for email in ("x1@example.org", "x2@example.org"):
        response = client.post(rsvp_url(session), form_data(email=email, guests="2"))
        assert response.status_code == 302
    assert seats(session) == 0
    assert set(Rsvp.objects.values_list("status", flat=True)) == {"pending"}


def test_near_the_end_a_seat_is_taken_only_when_the_mail_s_button_is_pressed(
    client, smtp_server, run_tasks
):
    session = SessionFactory(capacity=50)
    take(session, 47)
    response = client.post(rsvp_url(session), form_data(guests="1"), follow=True)
    assert "Check your email" in response.content.decode()
    answer = Rsvp.objects.get()
    assert answer.status == "pending"
    assert seats(session) == 47

    run_tasks()
    [message] = smtp_server.messages
    url = confirm_link(message)
    assert client.get(url).status_code == 200  # a mail scanner opening the link
    assert seats(session) == 47

    page = client.post(url)
    assert page.status_code == 200
    assert "on the list" in page.content.decode()
    answer.refresh_from_db()
    assert (answer.status, seats(session)) == ("confirmed", 49)
    client.post(url)  # pressed twice
    assert seats(session) == 49

    smtp_server.messages.clear()
    run_tasks()
    [booked] = smtp_server.messages
    assert booked["Subject"].startswith("You're coming")


def test_with_room_left_an_answer_takes_its_seat_at_once(client):
    session = SessionFactory(capacity=50)
    client.post(rsvp_url(session), form_data())
    assert Rsvp.objects.get().status == "confirmed"
    assert seats(session) == 1


def test_organizers_can_ask_for_a_confirmation_every_time(client):
    session = SessionFactory(capacity=500, event__confirm_every_rsvp=True)
    client.post(rsvp_url(session), form_data())
    assert Rsvp.objects.get().status == "pending"
    assert seats(session) == 0


def test_a_confirmation_when_the_last_seat_has_gone_joins_the_waitlist(
    client, smtp_server, run_tasks
):
    session = SessionFactory(capacity=10)
    take(session, 9)
    client.post(rsvp_url(session), form_data(guests="1"))
    run_tasks()
    url = confirm_link(smtp_server.messages[0])
    client.post(url)
    assert Rsvp.objects.get().status == "waitlisted"
    assert seats(session) == 9


def test_a_confirmation_for_a_session_that_filled_up_without_waitlist_is_refused_kindly(
    client, smtp_server, run_tasks
):
    session = SessionFactory(capacity=10, has_waitlist=False)
    take(session, 9)
    client.post(rsvp_url(session), form_data())
    take(session, 10)
    run_tasks()
    page = client.post(confirm_link(smtp_server.messages[0]))
    assert page.status_code == 200
    assert "full" in page.content.decode()
    assert Rsvp.objects.get().status == "cancelled"
    assert seats(session) == 10


def test_consents_given_with_an_answer_to_confirm_count_once_it_is_confirmed(
    client, smtp_server, run_tasks
):
    session = SessionFactory(capacity=5)
    organization = session.event.organization
    client.post(rsvp_url(session), form_data(**{f"consent_{organization.pk}": "on"}))
    assert not Consent.objects.current().exists()
    run_tasks()
    client.post(confirm_link(smtp_server.messages[0]))
    consent = Consent.objects.current().get()
    assert (consent.organization, consent.confirmed_at is not None) == (organization, True)


def test_forged_confirmation_links_change_nothing(client):
    session = SessionFactory(capacity=5)
    client.post(rsvp_url(session), form_data())
    assert client.post(reverse("events:confirm", args=["forged"])).status_code == 400
    assert Rsvp.objects.get().status == "pending"


def test_unconfirmed_answers_are_forgotten_after_a_while():
    import datetime

    from django.utils import timezone

    session = SessionFactory(capacity=5)
    old = services.rsvp(
        session,
        name="Old",
        email="old@example.org",
        postcode="",
        guests=0,
        consents=[],
        language="en",
    ).rsvp
    services.rsvp(
        session,
        name="New",
        email="new@example.org",
        postcode="",
        guests=0,
        consents=[],
        language="en",
    )
    Rsvp.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - services.CONFIRM_WITHIN - datetime.timedelta(minutes=1)
    )
    assert services.forget_unconfirmed() == 1
    assert list(Rsvp.objects.values_list("email", flat=True)) == ["new@example.org"]


# ---------------------------------------------------------------------------- anti-automation


def test_a_filled_honeypot_is_refused_and_changes_nothing(client):
    session = SessionFactory(capacity=50)
    response = client.post(rsvp_url(session), form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert not Rsvp.objects.exists()


def test_answers_from_one_address_are_limited_per_session(client, settings):
    switches.change(rsvps_per_ip_per_hour=2)
    session = SessionFactory(capacity=50)
    for n in range(2):
        response = client.post(
            rsvp_url(session), form_data(email=f"p{n}@example.org"), REMOTE_ADDR="203.0.113.9"
        )
        assert response.status_code == 302
    refused = client.post(
        rsvp_url(session), form_data(email="p3@example.org"), REMOTE_ADDR="203.0.113.9"
    )
    assert refused.status_code == 400
    assert "Too many" in refused.content.decode()
    assert Rsvp.objects.count() == 2
    other = Client().post(
        rsvp_url(session), form_data(email="q@example.org"), REMOTE_ADDR="198.51.100.2"
    )
    assert other.status_code == 302


# ---------------------------------------------------------------------------- finding 18


def answer_page(client, session, email):
    response = client.post(rsvp_url(session), form_data(email=email))
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r'value="[^"]*@example.org"', "", text)
    return response.status_code, response.get("Location"), text


def test_a_full_session_without_waitlist_answers_a_seat_holder_and_a_stranger_alike(client):
    session = SessionFactory(capacity=1, has_waitlist=False)
    Rsvp.objects.create(session=session, email="ana@example.org", name="Ana", status="confirmed")
    take(session, 1)
    holder = answer_page(client, session, "ana@example.org")
    stranger = answer_page(client, session, "bo@example.org")
    assert holder == stranger
    assert "full" in stranger[2]
    assert list(Rsvp.objects.values_list("email", flat=True)) == ["ana@example.org"]


def test_a_full_session_with_a_waitlist_answers_a_seat_holder_and_a_stranger_alike(client):
    session = SessionFactory(capacity=1)
    Rsvp.objects.create(session=session, email="ana@example.org", name="Ana", status="confirmed")
    take(session, 1)
    holder = answer_page(client, session, "ana@example.org")
    stranger = answer_page(client, session, "bo@example.org")
    assert holder == stranger
    assert holder[0] == 302
    followed = client.get(holder[1]).content.decode()
    assert "Check your email" in followed
    assert "on the list" not in followed
