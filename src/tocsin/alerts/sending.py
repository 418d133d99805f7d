"""Sending an alert: the work of one sender task's slice.

A sender claims a batch of queued recipients with a conditional UPDATE that writes its own
claim token (so two workers never hold the same row), sends the batch over one connection to
the mail server, and marks each row sent, failed or skipped when the batch is done. A worker
killed in the middle of a batch leaves its rows "claimed"; once the claim is older than
TOCSIN_ALERT_CLAIM_LEASE_SECONDS they are marked "unknown" (the mail may or may not have gone
out) and never sent again. So a killed worker costs at most one batch of "unknown", and
everyone else gets exactly one mail.

A mail server that fails as a whole (refuses the connection, drops it, answers 421 or 451)
pauses the alert with the reason in plain words, and the batch's unsent rows go back to the
queue: the list is not burned through while the server is down.

The sending rate (TOCSIN_ALERT_RATE_PER_MINUTE) is a counter per minute in the shared cache,
which every sender reserves from before it claims a batch.
"""

import contextlib
import dataclasses
import datetime
import logging
import re
import smtplib
import time
import uuid
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from urllib.parse import urlsplit

from anymail.exceptions import (
    AnymailAPIError,
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
)
from django.conf import settings
from django.core.cache import cache
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.db import connection as database
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tocsin.supporters.models import Consent

from .models import Alert, AlertRecipient

logger = logging.getLogger(__name__)

QUEUED = AlertRecipient.State.QUEUED
CLAIMED = AlertRecipient.State.CLAIMED

# This many messages refused one after the other says more about the server (or the alert)
# than about the people: sending pauses rather than failing the whole list.
FAILURES_IN_A_ROW_BEFORE_PAUSING = 25
# How often a sender waiting for the next minute's allowance looks whether it was paused.
RATE_WAIT_STEP_SECONDS = 1.0
ERROR_LENGTH = AlertRecipient._meta.get_field("error").max_length
REASON_LENGTH = Alert._meta.get_field("stop_reason").max_length
ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>]+>?")


# ---------------------------------------------------------------------------- the message


def site_domain() -> str:
    return urlsplit(settings.TOCSIN_BASE_URL).hostname or "localhost"


def _one_line(text: str) -> str:
    """An organizer's text made safe for a header: line breaks and other control characters
    become spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def sender_address(alert: Alert) -> str:
    """The alert's (or its organization's) name, at the installation's own address: the
    address has to be one the mail server may send from."""
    organization = alert.organization
    name = _one_line(alert.from_name or organization.mail_from_name or organization.name)
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((name, address))


def list_id(alert: Alert) -> str:
    organization = alert.organization
    name = _one_line(organization.name).replace('"', "")
    return f'"{name}" <{organization.slug or organization.pk}.alerts.{site_domain()}>'


def build_message(prepared, recipient: AlertRecipient, connection) -> EmailMultiAlternatives:
    """The mail of one recipient, rendered in their language, with its one-click unsubscribe
    (RFC 8058) and a Message-ID of our own that tracking events can name."""
    from .unsubscribe import unsubscribe_url

    alert = prepared.alert
    supporter = recipient.supporter
    link = unsubscribe_url(recipient)
    rendered = prepared.render(supporter, unsubscribe_url=link)
    reply_to = alert.reply_to or alert.organization.mail_reply_to
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=sender_address(alert),
        to=[supporter.email],
        reply_to=[reply_to] if reply_to else None,
        headers={
            "Message-ID": make_msgid(domain=site_domain()),
            "Date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": list_id(alert),
            "Content-Language": rendered.language,
        },
        connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def sent_message_id(message: EmailMultiAlternatives) -> str:
    """The provider's own id when sent through one (its tracking events name it), else the
    Message-ID we set."""
    status = getattr(message, "anymail_status", None)
    provider_id = getattr(status, "message_id", None) if status is not None else None
    if isinstance(provider_id, set | frozenset):
        # Anymail gives a set when recipients got different ids; an alert has one recipient.
        provider_id = next(iter(provider_id)) if len(provider_id) == 1 else None
    if provider_id is not None and str(provider_id):
        return str(provider_id)[:255]
    return message.extra_headers["Message-ID"][:255]


def without_addresses(text: str, limit: int = ERROR_LENGTH) -> str:
    """A mail server's answer for the organizer, with any address in it left out (servers
    often repeat the recipient's)."""
    return ADDRESS.sub("…", " ".join(str(text).split()))[:limit]


def _server_answer(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error
        if isinstance(answer, bytes):
            answer = answer.decode("utf-8", "replace")
        return without_addresses(f"{error.smtp_code} {answer}")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = [
            f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"
            for code, text in error.recipients.values()
        ]
        return without_addresses("; ".join(answers))
    return without_addresses(str(error) or type(error).__name__)


# ---------------------------------------------------------------------------- the rate


@dataclasses.dataclass
class Allowance:
    """Messages a sender may send in the current minute; what it does not use it gives back."""

    granted: int
    key: str | None = None

    def give_back(self, unused: int) -> None:
        if self.key and unused > 0:
            # The minute's counter expired, or the cache is away: nothing to give back to.
            with contextlib.suppress(ValueError):
                cache.decr(self.key, unused)


def reserve(wanted: int) -> Allowance:
    """Reserve up to `wanted` messages of this minute's allowance, shared by every sender
    through the cache. 0 granted: the minute is used up."""
    limit = settings.TOCSIN_ALERT_RATE_PER_MINUTE
    if limit <= 0:
        return Allowance(wanted)
    key = f"alerts:sent-in-minute:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=180)
    try:
        after = cache.incr(key, wanted)
    except ValueError:
        # The cache is unreachable: limits are off while it is, as the site's other limits.
        return Allowance(wanted)
    granted = max(0, min(wanted, limit - (after - wanted)))
    allowance = Allowance(granted, key)
    allowance.give_back(wanted - granted)
    return allowance


def seconds_to_next_minute() -> float:
    return 60 - time.time() % 60


# ---------------------------------------------------------------------------- claims


def claim_batch(alert_id: int, size: int) -> tuple[str, list[AlertRecipient]]:
    """Claim up to `size` queued recipients of the alert for this sender: (claim, rows).

    The ids are picked, then taken with a conditional UPDATE, so a row another sender took
    meanwhile is simply not ours. On PostgreSQL the pick skips rows another sender is taking
    at that moment, so senders of one alert do not queue behind each other."""
    claim = uuid.uuid4().hex
    queued = AlertRecipient.objects.filter(alert_id=alert_id, state=QUEUED).order_by("id")
    for _attempt in range(5):
        with transaction.atomic():
            if database.features.has_select_for_update_skip_locked:
                queued_now = queued.select_for_update(skip_locked=True)
            else:
                queued_now = queued
            ids = list(queued_now.values_list("id", flat=True)[:size])
            if not ids:
                return claim, []
            taken = AlertRecipient.objects.filter(id__in=ids, state=QUEUED).update(
                state=CLAIMED, claim=claim, claimed_at=timezone.now()
            )
        if taken:
            break
        # Every row picked was taken by another sender between the pick and the update.
    rows = list(
        AlertRecipient.objects.filter(claim=claim, state=CLAIMED)
        .select_related("supporter")
        .order_by("id")
    )
    return claim, rows


def mark_stale_claims_unknown(alert_id: int, now: datetime.datetime | None = None) -> int:
    """Rows claimed longer ago than the lease belong to a sender that died mid-batch: the mail
    may or may not have gone out, so they are never sent again."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.TOCSIN_ALERT_CLAIM_LEASE_SECONDS)
    marked = AlertRecipient.objects.filter(
        alert_id=alert_id, state=CLAIMED, claimed_at__lt=cutoff
    ).update(state=AlertRecipient.State.UNKNOWN, claim="")
    if marked:
        logger.warning("alert %s: %s recipients left claimed by a dead sender", alert_id, marked)
    return marked


def finish_if_done(alert_id: int, now: datetime.datetime | None = None) -> bool:
    """Mark the alert sent once nobody is left waiting or being sent to."""
    now = now or timezone.now()
    mark_stale_claims_unknown(alert_id, now)
    remaining = AlertRecipient.objects.filter(alert_id=alert_id, state__in=[QUEUED, CLAIMED])
    if remaining.exists():
        return False
    return bool(
        Alert.objects.filter(pk=alert_id, status=Alert.Status.SENDING).update(
            status=Alert.Status.SENT, finished_at=now
        )
    )


def pause_for_server(alert_id: int, reason: str) -> None:
    """Stop sending because the mail server failed; the organizer resumes when it works."""
    Alert.objects.filter(pk=alert_id, status=Alert.Status.SENDING).update(
        status=Alert.Status.PAUSED, stop_reason=reason[:REASON_LENGTH]
    )
    logger.warning("alert %s paused: the mail server failed", alert_id)


def _server_failure_reason(error: Exception) -> str:
    answer = _server_answer(error)
    if isinstance(error, ConnectionRefusedError):
        what = _("The mail server refused the connection")
    elif isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError):
        what = _("The mail server closed the connection")
    elif isinstance(error, TimeoutError):
        what = _("The mail server did not answer in time")
    elif isinstance(error, smtplib.SMTPResponseException):
        what = _("The mail server refused to take mail")
    elif isinstance(error, AnymailError):
        what = _("The email provider refused to take mail")
    else:
        what = _("The mail server could not be reached")
    return _("%(what)s: %(answer)s; sending is paused. Resume when it works again.") % {
        "what": what,
        "answer": answer,
    }


# ---------------------------------------------------------------------------- a batch


@dataclasses.dataclass
class BatchOutcome:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    paused: bool = False


def _is_refusal_of_the_message(error: Exception) -> bool:
    """True when the server (or provider) turned down this one message or address for good;
    False when it failed as a whole, which pauses the alert."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(error, smtplib.SMTPDataError | smtplib.SMTPNotSupportedError):
        return getattr(error, "smtp_code", 0) >= 500
    return isinstance(error, AnymailRecipientsRefused | AnymailInvalidAddress)


def _may_have_been_delivered(error: Exception) -> bool:
    """The connection broke with no answer to the message: the server may have taken it."""
    if isinstance(error, smtplib.SMTPResponseException):
        return False  # the server answered, with a refusal
    if isinstance(error, AnymailAPIError):
        return getattr(error, "status_code", None) is None
    return isinstance(error, smtplib.SMTPServerDisconnected | OSError)


def still_reachable(organization_id: int, rows: list[AlertRecipient]) -> set[int]:
    """The rows' people who may still be mailed: not erased, mail not refused, and a consent
    to the organization still current (the audience's own rule, `audience.people`, without its
    filters). Read from the rows' people, already loaded, and one look at the consents by
    person, which the consents' index answers whatever the planner knows of the tables."""
    people = {
        row.supporter_id: row.supporter
        for row in rows
        if row.supporter is not None
        and row.supporter.email
        and row.supporter.erased_at is None
        and row.supporter.mail_refused_at is None
    }
    return set(
        Consent.objects.current()
        .filter(organization_id=organization_id, supporter_id__in=list(people))
        .values_list("supporter_id", flat=True)
    )


def send_batch(prepared, claim: str, rows: list[AlertRecipient], connection) -> BatchOutcome:
    """Send the claimed rows over one connection and mark each one. People who unsubscribed,
    or whose mail was refused, since the alert started are skipped."""
    alert = prepared.alert
    outcome = BatchOutcome()
    still_wanted = still_reachable(alert.organization_id, rows)
    done: list[AlertRecipient] = []
    to_send = []
    for row in rows:
        if row.supporter_id in still_wanted:
            to_send.append(row)
        else:
            row.state = AlertRecipient.State.SKIPPED
            done.append(row)
            outcome.skipped += 1
    returned: list[int] = []
    failures_in_a_row = 0
    if to_send:
        try:
            connection.open()
        except (smtplib.SMTPException, OSError, AnymailError) as error:
            pause_for_server(alert.pk, _server_failure_reason(error))
            outcome.paused = True
            returned = [row.pk for row in to_send]
            to_send = []
    try:
        for index, row in enumerate(to_send):
            try:
                message = build_message(prepared, row, connection)
            except Exception:
                # One person's mail that cannot be written fails alone; many in a row pause.
                logger.exception("alert %s: recipient %s's mail not written", alert.pk, row.pk)
                message = None
            try:
                accepted = 0 if message is None else connection.send_messages([message])
            except BadHeaderError:
                row.state, row.error = (
                    AlertRecipient.State.FAILED,
                    _("A line of the mail's header held a line break."),
                )
            except (smtplib.SMTPException, OSError, AnymailError) as error:
                if _is_refusal_of_the_message(error):
                    row.state, row.error = AlertRecipient.State.FAILED, _server_answer(error)
                else:
                    pause_for_server(alert.pk, _server_failure_reason(error))
                    outcome.paused = True
                    if _may_have_been_delivered(error):
                        row.state = AlertRecipient.State.UNKNOWN
                        row.error = _server_answer(error)
                        done.append(row)
                        unsent = to_send[index + 1 :]
                    else:
                        unsent = to_send[index:]
                    returned = [other.pk for other in unsent]
                    break
            else:
                if accepted:
                    row.state, row.sent_at = AlertRecipient.State.SENT, timezone.now()
                    row.message_id = sent_message_id(message)
                elif message is None:
                    row.state, row.error = (
                        AlertRecipient.State.FAILED,
                        _("The mail could not be written for this person."),
                    )
                else:
                    row.state, row.error = (
                        AlertRecipient.State.FAILED,
                        _("The mail server did not take the message."),
                    )
            done.append(row)
            if row.state == AlertRecipient.State.SENT:
                outcome.sent += 1
                failures_in_a_row = 0
            else:
                outcome.failed += 1
                failures_in_a_row += 1
                if failures_in_a_row >= FAILURES_IN_A_ROW_BEFORE_PAUSING:
                    pause_for_server(
                        alert.pk,
                        _(
                            "%(n)s messages in a row were refused (the last: %(answer)s); "
                            "sending is paused. Check the alert and the mail server, then "
                            "resume."
                        )
                        % {"n": failures_in_a_row, "answer": row.error},
                    )
                    outcome.paused = True
                    returned = [other.pk for other in to_send[index + 1 :]]
                    break
    finally:
        if to_send:
            # Saying goodbye may fail; every message's fate is known already.
            with contextlib.suppress(smtplib.SMTPException, OSError, AnymailError):
                connection.close()
        _record(claim, done, returned)
    return outcome


def _record(claim: str, done: list[AlertRecipient], returned: list[int]) -> None:
    """Mark the batch's rows, still under this claim (a row the lease gave up as unknown
    meanwhile stays unknown). The sent ones, nearly all, take one UPDATE and their message
    ids one more; the few others are written row by row."""
    sent = [row for row in done if row.state == AlertRecipient.State.SENT]
    others = [row for row in done if row.state != AlertRecipient.State.SENT]
    with transaction.atomic():
        if sent:
            AlertRecipient.objects.filter(pk__in=[row.pk for row in sent], claim=claim).update(
                state=AlertRecipient.State.SENT, claim="", sent_at=max(r.sent_at for r in sent)
            )
            AlertRecipient.objects.bulk_update(sent, ["message_id"], batch_size=500)
        for row in others:
            AlertRecipient.objects.filter(pk=row.pk, claim=claim).update(
                state=row.state, error=row.error, claim=""
            )
        if returned:
            AlertRecipient.objects.filter(pk__in=returned, claim=claim, state=CLAIMED).update(
                state=QUEUED, claim="", claimed_at=None
            )


# ---------------------------------------------------------------------------- a slice


@dataclasses.dataclass(frozen=True)
class SliceEnd:
    """Why a slice ended: "stopped" (not sending any more), "done" (nobody left to claim),
    "more" (time is up, more to send), "wait" (the minute's rate is used up: go on at
    `resume_at`)."""

    why: str
    sent: int = 0
    resume_at: datetime.datetime | None = None


def _status(alert_id: int) -> str | None:
    return Alert.objects.filter(pk=alert_id).values_list("status", flat=True).first()


def send_slice(alert_id: int, seconds: float | None = None) -> SliceEnd:
    """Send batches of the alert for about `seconds` (TOCSIN_ALERT_SLICE_SECONDS)."""
    from .rendering import prepare

    if seconds is None:
        seconds = settings.TOCSIN_ALERT_SLICE_SECONDS
    deadline = time.monotonic() + seconds
    alert = Alert.objects.select_related("organization", "campaign").filter(pk=alert_id).first()
    if alert is None or alert.status != Alert.Status.SENDING:
        return SliceEnd("stopped")
    prepared = prepare(alert)
    connection = get_connection()
    sent = 0
    while True:
        if _status(alert_id) != Alert.Status.SENDING:
            return SliceEnd("stopped", sent)
        allowance = reserve(settings.TOCSIN_ALERT_BATCH)
        if not allowance.granted:
            wait = seconds_to_next_minute()
            if time.monotonic() + wait > deadline:
                resume_at = timezone.now() + datetime.timedelta(seconds=wait)
                return SliceEnd("wait", sent, resume_at)
            time.sleep(min(wait, RATE_WAIT_STEP_SECONDS))
            continue
        claim, rows = claim_batch(alert_id, allowance.granted)
        allowance.give_back(allowance.granted - len(rows))
        if not rows:
            finish_if_done(alert_id)
            return SliceEnd("done", sent)
        outcome = send_batch(prepared, claim, rows, connection)
        sent += outcome.sent
        Alert.objects.filter(pk=alert_id).update(last_progress_at=timezone.now())
        if outcome.paused:
            return SliceEnd("stopped", sent)
        if time.monotonic() >= deadline:
            return SliceEnd("more", sent)
