"""Sending a mail from a background task, and trying again later when the mail server fails.

Every task that mails someone sends through `deliver`. When the server cannot be reached or
refuses the message, the task is enqueued again to run later, the delay doubling from
`TOCSIN_MAIL_RETRY_SECONDS` up to six hours, for at most `MAX_ATTEMPTS` tries in all. The task
takes an `attempt` keyword (1 on the first run) and checks again, each run, whether the mail
is still wanted (a consent withdrawn or a signature confirmed meanwhile sends nothing)::

    @task()
    def send_confirmation(signature_id: int, attempt: int = 1) -> None:
        signature = ...  # None once confirmed: return
        message = EmailMultiAlternatives(subject=..., body=..., to=[signature.email])
        deliver(
            message,
            task=send_confirmation,
            args=[signature_id],
            attempt=attempt,
            what=f"confirmation for signature {signature_id}",
            on_sent=lambda: Signature.objects.filter(pk=signature_id).update(
                mail_sent_at=timezone.now()
            ),
        )

`on_sent` runs as soon as the server has taken the message, before the connection is closed:
a worker killed between the two would otherwise send the mail again when its task is
recovered. `what` names the mail in the log by kind and id, never by address; the mail
server's own reply is left out of the log too, as it often repeats the address.
"""

import datetime
import logging
import smtplib
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LONGEST_DELAY = datetime.timedelta(hours=6)


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after failed try number `attempt`: the base delay doubling each time."""
    seconds = settings.TOCSIN_MAIL_RETRY_SECONDS * 2 ** max(attempt - 1, 0)
    return min(datetime.timedelta(seconds=seconds), LONGEST_DELAY)


def deliver(
    message: EmailMessage,
    *,
    task,
    args: Sequence = (),
    attempt: int,
    what: str,
    on_sent: Callable[[], object] | None = None,
) -> bool:
    """Send `message`; True once the server took it. When the server fails, `task` is
    enqueued again with `args` and `attempt=attempt + 1` to run after a backoff, until
    MAX_ATTEMPTS tries have failed; then the failure is logged as an error and dropped."""
    try:
        with get_connection() as connection:
            message.connection = connection
            sent = bool(message.send())
            if sent and on_sent is not None:
                on_sent()
    except (smtplib.SMTPException, OSError) as error:
        if attempt >= MAX_ATTEMPTS:
            logger.error("%s not sent after %d tries (%s)", what, attempt, type(error).__name__)
            return False
        delay = retry_delay(attempt)
        logger.warning(
            "%s: the mail server failed (%s); trying again in %s",
            what,
            type(error).__name__,
            delay,
        )
        task.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1)
        return False
    return sent
