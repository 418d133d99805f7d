"""RSVP mails, their reminders and their calendar files go out in the language the person
answered in, the event's and session's titles included."""

import pytest
from django.core import mail

from tocsin.events.factories import RsvpFactory, SessionFactory
from tocsin.events.models import Rsvp
from tocsin.events.tasks import send_rsvp_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def session():
    return SessionFactory(
        title="Latin America: solidarity with Honduras",
        title_es="América Latina: solidaridad con Honduras",
        event__title="Arise festival",
        event__title_es="Festival Arise",
    )


@pytest.mark.parametrize(
    ("kind", "subject"),
    [("confirmed", "Vas a venir: Festival Arise"), ("reminder", "Mañana: Festival Arise")],
)
def test_a_spanish_answer_gets_its_mail_in_spanish(session, kind, subject):
    answer = RsvpFactory(session=session, name="Rosa", language="es")
    send_rsvp_mail.call(answer.pk, kind)

    [message] = mail.outbox
    assert message.subject == subject
    assert message.body.startswith("Hola, Rosa:")
    assert "Festival Arise — América Latina: solidaridad con Honduras" in message.body
    assert "solidarity with Honduras" not in message.body
    [(filename, calendar, _mimetype)] = message.attachments
    assert filename == "event.ics"
    assert "SUMMARY:Festival Arise: América Latina: solidaridad con Honduras" in calendar


def test_an_english_answer_to_the_same_session_gets_it_in_english(session):
    answer = RsvpFactory(session=session, name="Rose", language="en", status=Rsvp.Status.CONFIRMED)
    send_rsvp_mail.call(answer.pk, "confirmed")

    [message] = mail.outbox
    assert message.subject == "You're coming: Arise festival"
    assert "Arise festival — Latin America: solidarity with Honduras" in message.body
    assert (
        "SUMMARY:Arise festival: Latin America: solidarity with Honduras"
        in (message.attachments[0][1])
    )
