"""The life of an alert: start it now or at a time, pause, resume or cancel it, send a test,
see how far it got. Every change of status is a conditional UPDATE from the statuses it may
start from, so a double click, or two organizers at once, change it once.

Starting materialises the recipients (one row each, in the language they will read) and
enqueues TOCSIN_ALERT_SENDERS sender tasks in the same transaction: an alert is never
"sending" without its rows and its senders, nor the other way round. The senders'
work is in sending.py; `tick`, a scheduled job, starts alerts whose time came and looks after
the ones whose senders died.
"""

import copy
import datetime
import logging
import smtplib

from anymail.exceptions import AnymailError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tocsin.core.audit import record
from tocsin.supporters.models import Supporter

from . import audience, rendering, sending
from .models import Alert, AlertRecipient

logger = logging.getLogger(__name__)

Status = Alert.Status
State = AlertRecipient.State
# Rows are written in chunks of this many, so a large audience is neither held in one
# enormous INSERT nor sent one row at a time.
MATERIALISE_CHUNK = 2000
# Settled states: the row's mail went out, or never will.
SETTLED = (State.SENT, State.FAILED, State.UNKNOWN, State.SKIPPED, State.CANCELLED)


class AlertError(Exception):
    """Why an alert could not be started, changed or tested, in words for the organizer."""


# ---------------------------------------------------------------------------- checks


def _languages_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def problems_before_sending(alert: Alert) -> list[str]:
    """What stops the alert from going out as written."""
    problems = list(rendering.check_texts(alert))
    for code in _languages_codes():
        subject = getattr(alert, f"subject_{code.replace('-', '_')}", "") or ""
        if "\n" in subject or "\r" in subject:
            problems.append(_("The subject must be a single line."))
            break
    for text in (alert.from_name, alert.reply_to):
        if text and ("\n" in text or "\r" in text):
            problems.append(_("The sender's name and reply-to address must be a single line."))
            break
    # One message per problem, in the order found.
    return list(dict.fromkeys(problems))


def _refuse_if_not_ready(alert: Alert) -> None:
    problems = problems_before_sending(alert)
    if problems:
        raise AlertError(" ".join(str(problem) for problem in problems))


def _nobody() -> AlertError:
    return AlertError(
        _("Nobody matches this alert's audience: nothing was sent. Widen the filters.")
    )


def _cannot(alert_id: int, doing: str) -> AlertError:
    status = Alert.objects.filter(pk=alert_id).values_list("status", flat=True).first()
    already = {
        Status.SCHEDULED: _("This alert is scheduled."),
        Status.SENDING: _("This alert is being sent already."),
        Status.PAUSED: _("This alert is paused."),
        Status.CANCELLED: _("This alert was cancelled."),
        Status.SENT: _("This alert was sent already."),
        Status.DRAFT: _("This alert is a draft."),
    }.get(status, _("This alert no longer exists."))
    return AlertError(f"{already} {doing}")


# ---------------------------------------------------------------------------- starting


def materialise(alert: Alert) -> int:
    """Write one recipient row per person of the audience, in the language they will read,
    and set the alert's `audience_count`; how many. A second call writes nothing more."""
    with transaction.atomic():
        existing = AlertRecipient.objects.filter(alert_id=alert.pk).count()
        if existing:
            return existing
        written_in: dict[str, str] = {}

        def language_of(supporter_language: str) -> str:
            # The same answer as rendering.language_for, asked once per language spoken.
            if supporter_language not in written_in:
                person = Supporter(
                    organization_id=alert.organization_id, language=supporter_language
                )
                written_in[supporter_language] = rendering.language_for(alert, person)
            return written_in[supporter_language]

        people = (
            audience.people(alert.organization_id, alert.audience)
            .order_by("pk")
            .values_list("pk", "language")
        )
        total = 0
        chunk: list[AlertRecipient] = []
        for supporter_id, language in people.iterator(chunk_size=MATERIALISE_CHUNK):
            chunk.append(
                AlertRecipient(
                    alert_id=alert.pk, supporter_id=supporter_id, language=language_of(language)
                )
            )
            if len(chunk) >= MATERIALISE_CHUNK:
                AlertRecipient.objects.bulk_create(chunk, batch_size=MATERIALISE_CHUNK)
                total += len(chunk)
                chunk = []
        if chunk:
            AlertRecipient.objects.bulk_create(chunk, batch_size=MATERIALISE_CHUNK)
            total += len(chunk)
        Alert.objects.filter(pk=alert.pk).update(audience_count=total)
        alert.audience_count = total
    return total


def _enqueue_senders(alert_id: int) -> None:
    from .tasks import send_alert_slice

    for _sender in range(max(1, settings.TOCSIN_ALERT_SENDERS)):
        send_alert_slice.enqueue(alert_id)


def send_now(alert: Alert, *, by=None) -> int:
    """Start sending: draft or scheduled → sending, the recipients materialised and the
    senders enqueued in one transaction. How many recipients. Raises AlertError (and changes
    nothing) when the texts have problems, nobody matches, or it was started already."""
    _refuse_if_not_ready(alert)
    now = timezone.now()
    with transaction.atomic():
        started = Alert.objects.filter(
            pk=alert.pk, status__in=[Status.DRAFT, Status.SCHEDULED]
        ).update(
            status=Status.SENDING,
            started_at=now,
            last_progress_at=now,
            finished_at=None,
            stop_reason="",
        )
        if not started:
            raise _cannot(alert.pk, _("It was not started again."))
        recipients = materialise(alert)
        if not recipients:
            raise _nobody()  # rolls the start back
        _enqueue_senders(alert.pk)
        # In the same transaction: a start rolled back leaves no entry. No actor when the
        # worker starts a scheduled alert.
        record(
            None, "alert_sent", alert, alert.organization_id, {"recipients": recipients}, actor=by
        )
    logger.info(
        "alert %s started by user %s: %s recipients",
        alert.pk,
        getattr(by, "pk", None),
        recipients,
    )
    alert.refresh_from_db()
    return recipients


def schedule(alert: Alert, when: datetime.datetime, *, by=None) -> None:
    """Send the alert at `when` (the `tick` job starts it); a scheduled alert may be moved."""
    if when is None or when <= timezone.now():
        raise AlertError(_("Choose a time in the future."))
    _refuse_if_not_ready(alert)
    if not audience.count(alert):
        raise _nobody()
    updated = Alert.objects.filter(pk=alert.pk, status__in=[Status.DRAFT, Status.SCHEDULED]).update(
        status=Status.SCHEDULED, scheduled_for=when, stop_reason=""
    )
    if not updated:
        raise _cannot(alert.pk, _("It cannot be scheduled."))
    logger.info("alert %s scheduled by user %s", alert.pk, getattr(by, "pk", None))
    alert.refresh_from_db()


def unschedule(alert: Alert) -> None:
    """Back to a draft, to edit or send later."""
    updated = Alert.objects.filter(pk=alert.pk, status=Status.SCHEDULED).update(
        status=Status.DRAFT, scheduled_for=None
    )
    if not updated:
        raise _cannot(alert.pk, _("Only a scheduled alert can go back to being a draft."))
    alert.refresh_from_db()


# ---------------------------------------------------------------------------- while it sends


def pause(alert: Alert) -> None:
    """The senders stop after the batch they are sending; nobody is left half-sent."""
    updated = Alert.objects.filter(pk=alert.pk, status=Status.SENDING).update(
        status=Status.PAUSED, stop_reason=""
    )
    if not updated:
        raise _cannot(alert.pk, _("Only an alert being sent can be paused."))
    alert.refresh_from_db()


def resume(alert: Alert) -> None:
    """Sending goes on with the people still waiting, with new senders."""
    with transaction.atomic():
        updated = Alert.objects.filter(pk=alert.pk, status=Status.PAUSED).update(
            status=Status.SENDING, stop_reason="", last_progress_at=timezone.now()
        )
        if not updated:
            raise _cannot(alert.pk, _("Only a paused alert can be resumed."))
        _enqueue_senders(alert.pk)
    alert.refresh_from_db()


def cancel(alert: Alert) -> None:
    """Nobody still waiting gets it; the batches being sent at this moment finish."""
    now = timezone.now()
    with transaction.atomic():
        updated = Alert.objects.filter(
            pk=alert.pk, status__in=[Status.SCHEDULED, Status.SENDING, Status.PAUSED]
        ).update(status=Status.CANCELLED, finished_at=now)
        if not updated:
            raise _cannot(
                alert.pk, _("Only a scheduled, sending or paused alert can be cancelled.")
            )
        AlertRecipient.objects.filter(alert_id=alert.pk, state=State.QUEUED).update(
            state=State.CANCELLED
        )
    alert.refresh_from_db()


def progress(alert: Alert) -> dict:
    """The recipients' counts (RecipientQuerySet.counts), with how many are settled ("done")
    and the percentage of the audience that is."""
    counts = AlertRecipient.objects.filter(alert_id=alert.pk).counts()
    done = sum(counts[state] for state in SETTLED)
    total = counts["total"]
    counts["done"] = done
    if total:
        counts["percent"] = done * 100 // total
    else:
        counts["percent"] = 100 if alert.status == Status.SENT else 0
    return counts


# ---------------------------------------------------------------------------- a test mail


def _sample_person(alert: Alert, to_address: str, language: str | None) -> Supporter:
    """Someone to render the test for when no supporter is chosen (never saved)."""
    return Supporter(
        organization=alert.organization,
        email=to_address,
        name=_("Alex Sample"),
        language=language or "",
    )


def send_test(alert: Alert, to_address: str, *, supporter=None, language=None) -> None:
    """One mail, now, to `to_address`, marked [Test] and counted nowhere: rendered for
    `supporter` (or a sample person) in `language` (or theirs). Raises AlertError when the
    address is not one or the mail server refuses it."""
    try:
        validate_email(to_address)
    except ValidationError:
        raise AlertError(_("Enter a valid email address for the test.")) from None
    if supporter is not None and supporter.organization_id != alert.organization_id:
        raise AlertError(_("Choose a person of this alert's organization."))
    if supporter is None:
        person = _sample_person(alert, to_address, language)
    else:
        person = copy.copy(supporter)
        if language:
            person.language = language
    # An unsaved row: its unsubscribe link names nobody, so it unsubscribes nobody.
    recipient = AlertRecipient(
        alert=alert, supporter=person, language=rendering.language_for(alert, person)
    )
    try:
        with get_connection() as connection:
            message = sending.build_message(rendering.prepare(alert), recipient, connection)
            message.to = [to_address]
            message.subject = f"{_('[Test]')} {message.subject}"
            message.send()
    except BadHeaderError:
        raise AlertError(_("The subject must be a single line.")) from None
    except (smtplib.SMTPException, OSError, AnymailError) as error:
        raise AlertError(
            _("The mail server did not take the test: %(answer)s")
            % {"answer": sending.without_addresses(str(error) or type(error).__name__)}
        ) from None


# ---------------------------------------------------------------------------- the schedule job


def tick(now: datetime.datetime | None = None) -> dict:
    """The "alerts-tick" job: start the scheduled alerts whose time came; mark "unknown" the
    rows left claimed by senders that died; finish alerts with nobody left; give new senders
    to a sending alert whose senders all died (no progress for the claim lease)."""
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=settings.TOCSIN_ALERT_CLAIM_LEASE_SECONDS)
    report = {"started": 0, "not_started": 0, "unknown": 0, "finished": 0, "revived": 0}

    due = Alert.objects.filter(status=Status.SCHEDULED, scheduled_for__lte=now)
    for alert in due.select_related("organization", "campaign"):
        try:
            send_now(alert)
            report["started"] += 1
        except AlertError as error:
            # Back to a draft, saying why, for the organizer to fix and send again.
            Alert.objects.filter(pk=alert.pk, status=Status.SCHEDULED).update(
                status=Status.DRAFT,
                stop_reason=str(error)[: sending.REASON_LENGTH],
            )
            report["not_started"] += 1

    # A cancelled alert's last batches may have been claimed by a sender that died.
    watched = Alert.objects.filter(
        Q(status__in=[Status.SENDING, Status.PAUSED])
        | Q(status=Status.CANCELLED, finished_at__gte=now - 2 * lease)
    )
    for alert_id in watched.values_list("pk", flat=True):
        report["unknown"] += sending.mark_stale_claims_unknown(alert_id, now)

    for alert_id, last_progress_at in Alert.objects.filter(status=Status.SENDING).values_list(
        "pk", "last_progress_at"
    ):
        if sending.finish_if_done(alert_id, now):
            report["finished"] += 1
            continue
        if last_progress_at is not None and last_progress_at >= now - lease:
            continue
        if not AlertRecipient.objects.filter(alert_id=alert_id, state=State.QUEUED).exists():
            continue
        with transaction.atomic():
            # Conditional on the progress seen, so two ticks at once revive it once.
            revived = Alert.objects.filter(
                pk=alert_id, status=Status.SENDING, last_progress_at=last_progress_at
            ).update(last_progress_at=now)
            if revived:
                _enqueue_senders(alert_id)
                report["revived"] += 1
                logger.warning("alert %s: its senders had stopped; new ones enqueued", alert_id)
    return report
