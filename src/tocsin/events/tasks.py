from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from tocsin.core.mail import deliver
from tocsin.core.translated import fallback_language_of, text_of
from tocsin.supporters.services import unsubscribe_link_for
from tocsin.supporters.tasks import one_click_headers

from .models import Rsvp, SessionMessage
from .services import CONFIRM_WITHIN, calendar_for, cancel_token, confirm_token

# Which status an answer must still have for each kind of mail to go out.
KINDS = {
    "confirm": Rsvp.Status.PENDING,
    "confirmed": Rsvp.Status.CONFIRMED,
    "promoted": Rsvp.Status.CONFIRMED,
    "reminder": Rsvp.Status.CONFIRMED,
    "waitlisted": Rsvp.Status.WAITLISTED,
}


def _context(answer: Rsvp) -> dict:
    session = answer.session
    event = session.event
    cancel_url = settings.TOCSIN_BASE_URL + reverse(
        "events:cancel", kwargs={"token": cancel_token(answer)}
    )
    unsubscribe = unsubscribe_link_for(answer)
    # Called inside the answer's language: the titles in it where written, else in the
    # campaign's own language.
    fallback = fallback_language_of(event)
    return {
        "event_title": text_of(event, "title", fallback).value,
        "session_title": text_of(session, "title", fallback).value,
        "rsvp": answer,
        "session": session,
        "event": event,
        "cancel_url": cancel_url,
        "event_url": settings.TOCSIN_BASE_URL + event.get_absolute_url(),
        "their_zone": answer.time_zone if answer.local_zone else "",
        # Every mail after a consent carries a one-click way to withdraw it.
        "unsubscribe_url": unsubscribe.url if unsubscribe else "",
        "consent_names": unsubscribe.organization_names if unsubscribe else "",
    }


def _headers(context: dict) -> dict[str, str]:
    return one_click_headers(context["unsubscribe_url"]) if context["unsubscribe_url"] else {}


@task()
def send_rsvp_mail(rsvp_id: int, kind: str, attempt: int = 1) -> None:
    """The button to confirm an answer ("confirm": no seat is held until it is pressed), or the
    confirmation, waitlist, promotion or reminder mail, with a link to a Cancel page. A seat
    comes with an .ics file; nothing goes out once the answer changed meanwhile."""
    answer = (
        Rsvp.objects.select_related("session__event")
        .filter(pk=rsvp_id, status=KINDS.get(kind, "-"))
        .exclude(email__endswith="@invalid")
        .first()
    )
    if answer is None:
        return
    with translation.override(answer.language or settings.LANGUAGE_CODE):
        context = _context(answer) | {"kind": kind}
        if kind == "confirm":
            context["confirm_url"] = settings.TOCSIN_BASE_URL + reverse(
                "events:confirm", kwargs={"token": confirm_token(answer)}
            )
            context["confirm_days"] = CONFIRM_WITHIN.days
        subject = render_to_string("events/mail/rsvp_subject.txt", context).strip()
        body = render_to_string("events/mail/rsvp.txt", context)
        # The calendar entry in the same language as the mail it comes with.
        calendar = calendar_for([answer.session], context["event_title"])
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[answer.email],
        reply_to=[answer.session.event.organizer_email],
        headers=_headers(context),
    )
    if answer.status == Rsvp.Status.CONFIRMED:
        message.attach("event.ics", calendar, "text/calendar; charset=utf-8")
    deliver(
        message,
        task=send_rsvp_mail,
        args=[rsvp_id, kind],
        attempt=attempt,
        what=f"{kind} mail for RSVP {rsvp_id}",
    )


@task()
def send_session_message(message_id: int, rsvp_id: int, attempt: int = 1) -> None:
    """An organizer's message to one person coming to the session."""
    note = SessionMessage.objects.filter(pk=message_id).first()
    answer = (
        Rsvp.objects.confirmed()
        .select_related("session__event")
        .filter(pk=rsvp_id, session_id=note.session_id if note else None)
        .exclude(email__endswith="@invalid")
        .first()
    )
    if note is None or answer is None:
        return
    with translation.override(answer.language or settings.LANGUAGE_CODE):
        context = _context(answer) | {"note": note}
        body = render_to_string("events/mail/message.txt", context)
    message = EmailMultiAlternatives(
        subject=note.subject,
        body=body,
        to=[answer.email],
        reply_to=[answer.session.event.organizer_email],
        headers=_headers(context),
    )
    deliver(
        message,
        task=send_session_message,
        args=[message_id, rsvp_id],
        attempt=attempt,
        what=f"message {message_id} to RSVP {rsvp_id}",
    )
