import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from .models import Signature
from .services import confirmation_token

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 8


def retry_delay(attempt: int) -> datetime.timedelta:
    """Backoff: the base delay doubling with each attempt, at most six hours."""
    seconds = settings.TOCSIN_MAIL_RETRY_SECONDS * 2 ** (attempt - 1)
    return datetime.timedelta(seconds=min(seconds, 6 * 3600))


@task()
def send_confirmation(signature_id: int, attempt: int = 1) -> None:
    """The mail links to a page with a Confirm button: opening the link confirms nothing.

    A failing mail server delays the mail: the task enqueues its own retry with backoff.
    """
    signature = (
        Signature.objects.select_related("petition__campaign")
        .filter(pk=signature_id, confirmed_at__isnull=True)
        .first()
    )
    if signature is None:
        return  # confirmed or expired before the mail went out
    if (
        signature.mail_sent_at
        and signature.mailed_at
        and signature.mail_sent_at >= signature.mailed_at
    ):
        return  # sent already, by a run of this task whose worker died before recording it
    url = settings.TOCSIN_BASE_URL + reverse(
        "petitions:confirm", kwargs={"token": confirmation_token(signature)}
    )
    context = {"signature": signature, "petition": signature.petition, "confirm_url": url}
    with translation.override(signature.language or settings.LANGUAGE_CODE):
        subject = render_to_string("petitions/mail/confirm_subject.txt", context).strip()
        body = render_to_string("petitions/mail/confirm.txt", context)
    try:
        # Recorded as sent before saying goodbye to the mail server: a worker killed after
        # the server took the mail and before the record would send it again when the task
        # is recovered, so that gap is kept to one local UPDATE.
        with get_connection() as connection:
            message = EmailMultiAlternatives(
                subject=subject, body=body, to=[signature.email], connection=connection
            )
            if message.send():
                Signature.objects.filter(pk=signature_id).update(mail_sent_at=timezone.now())
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= MAX_ATTEMPTS:
            logger.error("confirmation for signature %s not sent after %d tries", signature_id,
                         attempt)  # fmt: skip
            return
        logger.warning("confirmation for signature %s: mail server said %s; retrying",
                       signature_id, type(error).__name__)  # fmt: skip
        send_confirmation.using(run_after=timezone.now() + retry_delay(attempt)).enqueue(
            signature_id, attempt + 1
        )
