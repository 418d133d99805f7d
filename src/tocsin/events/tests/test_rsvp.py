import datetime

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tocsin.events import services
from tocsin.events.factories import SessionFactory
from tocsin.events.models import Rsvp, Session
from tocsin.supporters.models import Consent

from .conftest import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seats_at_once")]


def rsvp_url(session) -> str:
    return reverse("events:rsvp", args=[session.event.slug, session.pk])


def seats(session) -> int:
    return Session.objects.get(pk=session.pk).seats_taken


def test_an_rsvp_takes_a_seat_per_person_and_shows_the_booking(client, session):
    response = client.post(rsvp_url(session), form_data(guests="1"), follow=True)
    assert response.status_code == 200
    assert "on the list. See you there!" in response.content.decode()
    answer = Rsvp.objects.get()
    assert (answer.status, answer.guests, answer.email) == ("confirmed", 1, "ana@example.org")
    assert seats(session) == 2


def test_the_same_email_twice_counts_once_and_the_page_gives_nothing_away(client, session):
    first = client.post(rsvp_url(session), form_data(guests="1"), follow=True)
    again = client.post(
        rsvp_url(session), form_data(email=" ANA@example.org ", name="Someone Else"), follow=True
    )
    assert Rsvp.objects.count() == 1
    assert seats(session) == 2
    # A stranger typing Ana's address sees the page anyone answering sees, without her guests.
    assert "on the list. See you there!" in again.content.decode()
    assert "guest" in first.content.decode()
    assert "guest" not in again.content.decode()
    assert "already" not in again.content.decode()


def test_consent_is_recorded_per_organization_with_its_wording(client, session):
    organization = session.event.organization
    client.post(rsvp_url(session), form_data(**{f"consent_{organization.pk}": "on"}))
    consent = Consent.objects.get()
    assert consent.organization == organization
    assert organization.name in consent.wording
    [record] = Rsvp.objects.get().consents
    assert record["organization"] == organization.pk
    assert record["wording"] == consent.wording


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (form_data(guests="100"), "from 0 to 2"),
        (form_data(guests="-1"), "from 0 to 2"),
        (form_data(guests="lots"), "from 0 to 2"),
        (form_data(email="ana@"), "does not look like an email address"),
        (form_data(name="A" * 5000), "That name is too long"),
        (form_data(name="<script>"), "not a web address or code"),
        (form_data(postcode="!!"), "Enter a ZIP code like"),
    ],
)
def test_bad_input_is_refused_clearly_and_changes_nothing(client, session, data, message):
    response = client.post(rsvp_url(session), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Rsvp.objects.exists()
    assert seats(session) == 0


def test_a_session_that_started_takes_no_answers(client):
    started = SessionFactory(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    response = client.post(rsvp_url(started), form_data())
    assert response.status_code == 400
    assert "already started" in response.content.decode()
    assert not Rsvp.objects.exists()
    with pytest.raises(services.RsvpRefused):
        services.rsvp(
            started,
            name="A",
            email="a@example.org",
            postcode="",
            guests=0,
            consents=[],
            language="en",
        )
    assert not Rsvp.objects.exists()


def test_a_full_session_without_waitlist_refuses_and_changes_nothing(client):
    session = SessionFactory(capacity=1, has_waitlist=False)
    client.post(rsvp_url(session), form_data())
    response = client.post(rsvp_url(session), form_data(email="bo@example.org"))
    assert response.status_code == 400
    assert "full and has no waitlist" in response.content.decode()
    assert list(Rsvp.objects.values_list("email", flat=True)) == ["ana@example.org"]
    assert seats(session) == 1


def test_a_party_that_does_not_fit_waits_and_nobody_jumps_the_line(client):
    session = SessionFactory(capacity=2)
    client.post(rsvp_url(session), form_data(email="a@example.org"))
    client.post(rsvp_url(session), form_data(email="b@example.org", guests="2"))
    client.post(rsvp_url(session), form_data(email="c@example.org"))
    statuses = dict(Rsvp.objects.values_list("email", "status"))
    # c would fit in the last seat, but b came first and is still waiting for room for three.
    assert statuses == {
        "a@example.org": "confirmed",
        "b@example.org": "waitlisted",
        "c@example.org": "waitlisted",
    }
    assert seats(session) == 1


def test_drafts_and_unknown_sessions_are_not_found(client):
    draft = SessionFactory(event__is_published=False)
    assert client.get(rsvp_url(draft)).status_code == 404
    assert client.get(reverse("events:detail", args=[draft.event.slug])).status_code == 404
    other = SessionFactory()
    url = reverse("events:rsvp", args=[other.event.slug, draft.pk])
    assert client.post(url, form_data()).status_code == 404
    assert not Rsvp.objects.exists()


def test_the_done_page_needs_a_genuine_token(client, session):
    url = reverse("events:done", args=[session.event.slug, session.pk, "forged"])
    assert client.get(url).status_code == 404


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.text(max_size=300),
    email=st.one_of(st.emails(), st.text(max_size=300)),
    postcode=st.text(max_size=20),
    guests=st.one_of(st.integers(-5, 500).map(str), st.text(max_size=5)),
    tz=st.one_of(st.sampled_from(["America/Chicago", "Europe/London", "Mars/Base"]), st.text()),
)
def test_whatever_is_typed_the_form_answers_and_never_overbooks(
    client, session, name, email, postcode, guests, tz
):
    data = {"name": name, "email": email, "postcode": postcode, "guests": guests, "tz": tz}
    data = {key: value.replace("\x00", "") for key, value in data.items()}
    response = client.post(rsvp_url(session), data)
    assert response.status_code in (302, 400)
    fresh = Session.objects.get(pk=session.pk)
    assert fresh.seats_taken <= fresh.capacity
    confirmed = sum(r.party_size for r in Rsvp.objects.confirmed().filter(session=session))
    assert confirmed == fresh.seats_taken
    for answer in Rsvp.objects.all():
        assert 0 <= answer.guests <= 2
        assert answer.time_zone in ("", "America/Chicago", "Europe/London")


def cancel_url(token: str) -> str:
    return reverse("events:cancel", args=[token])


def test_forged_and_expired_cancel_links_change_nothing(client, session, monkeypatch):
    result = services.rsvp(
        session,
        name="Ana",
        email="ana@example.org",
        postcode="",
        guests=0,
        consents=[],
        language="en",
    )
    token = services.cancel_token(result.rsvp)
    forged = signing.dumps({"r": result.rsvp.pk, "s": session.pk}, salt="another-salt")
    tampered = token[:-3] + ("abc" if token[-3:] != "abc" else "xyz")
    for bad in (forged, tampered, "nonsense"):
        assert client.post(cancel_url(bad)).status_code == 400
    # A year on, the link has expired.
    later = timezone.now() + datetime.timedelta(days=400)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    response = client.post(cancel_url(token))
    assert response.status_code == 400
    assert "does not work" in response.content.decode()
    assert Rsvp.objects.get().status == "confirmed"
    assert seats(session) == 1


def test_opening_the_cancel_link_cancels_nothing_until_the_button_is_pressed(client, session):
    result = services.rsvp(
        session,
        name="Ana",
        email="ana@example.org",
        postcode="",
        guests=1,
        consents=[],
        language="en",
    )
    url = cancel_url(services.cancel_token(result.rsvp))
    page = client.get(url)
    assert page.status_code == 200
    assert "Cancel my place" in page.content.decode()
    assert Rsvp.objects.get().status == "confirmed"
    client.post(url)
    assert Rsvp.objects.get().status == "cancelled"
    assert seats(session) == 0
    client.post(url)  # twice changes nothing more
    assert seats(session) == 0


def test_answering_again_after_cancelling_is_a_new_answer(session):
    first = services.rsvp(
        session,
        name="Ana",
        email="ana@example.org",
        postcode="",
        guests=0,
        consents=[],
        language="en",
    )
    services.cancel(first.rsvp)
    again = services.rsvp(
        session,
        name="Ana",
        email="ana@example.org",
        postcode="",
        guests=2,
        consents=[],
        language="en",
    )
    assert again.created
    assert again.rsvp.status == "confirmed"
    assert Rsvp.objects.count() == 1
    assert seats(session) == 3
