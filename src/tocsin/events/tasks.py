import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from tocsin.petitions.tasks import MAX_ATTEMPTS, retry_delay

from .models import Rsvp, SessionMessage
from .services import calendar_for, cancel_token

logger = logging.getLogger(__name__)

# Which status an answer must still have for each kind of mail to go out.
KINDS = {
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
    return {
        "rsvp": answer,
        "session": session,
        "event": event,
        "cancel_url": cancel_url,
        "event_url": settings.TOCSIN_BASE_URL + event.get_absolute_url(),
        "their_zone": answer.time_zone if answer.local_zone else "",
    }


def _send(message: EmailMultiAlternatives, what: str, attempt: int) -> dict | None:
    """Send; when the mail server fails, the options for a retry with backoff (None once
    there have been enough tries)."""
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= MAX_ATTEMPTS:
            logger.error("%s not sent after %d tries", what, attempt)
            return None
        logger.warning("%s: mail server said %s; retrying", what, type(error).__name__)
        return {"run_after": timezone.now() + retry_delay(attempt)}
    return None


@task()
def send_rsvp_mail(rsvp_id: int, kind: str, attempt: int = 1) -> None:
    """Confirmation, waitlist, promotion or reminder mail, with a link to a Cancel page.
    A seat comes with an .ics file; nothing goes out once the answer changed meanwhile."""
    answer = (
        Rsvp.objects.select_related("session__event")
        .filter(pk=rsvp_id, status=KINDS.get(kind, "-"))
        .exclude(email__endswith="@invalid")
        .first()
    )
    if answer is None:
        return
    context = _context(answer) | {"kind": kind}
    with translation.override(answer.language or settings.LANGUAGE_CODE):
        subject = render_to_string("events/mail/rsvp_subject.txt", context).strip()
        body = render_to_string("events/mail/rsvp.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[answer.email],
        reply_to=[answer.session.event.organizer_email],
    )
    if answer.status == Rsvp.Status.CONFIRMED:
        message.attach(
            "event.ics",
            calendar_for([answer.session], answer.session.event.title),
            "text/calendar; charset=utf-8",
        )
    retry = _send(message, f"{kind} mail for RSVP {rsvp_id}", attempt)
    if retry:
        send_rsvp_mail.using(**retry).enqueue(rsvp_id, kind, attempt + 1)


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
    context = _context(answer) | {"note": note}
    with translation.override(answer.language or settings.LANGUAGE_CODE):
        body = render_to_string("events/mail/message.txt", context)
    message = EmailMultiAlternatives(
        subject=note.subject,
        body=body,
        to=[answer.email],
        reply_to=[answer.session.event.organizer_email],
    )
    retry = _send(message, f"message {message_id} to RSVP {rsvp_id}", attempt)
    if retry:
        send_session_message.using(**retry).enqueue(message_id, rsvp_id, attempt + 1)
