"""Webhooks: recording an event for each endpoint that asked for it, delivering it signed per
the Standard Webhooks specification, trying again with backoff, and the organizers' changes.

An event (`core.signals.happened`, sent by a domain service inside its transaction) writes one
`Delivery` per active endpoint of the organization that chose it, and enqueues its task in
that same transaction. Each try claims the delivery with a conditional UPDATE (its number of
tries and its due time), so two workers never make the same try; a try that fails leaves the
next one due after `SCHEDULE`, which a task enqueued for that moment and the periodic
`retry_due` job both look for (a dead worker loses nothing). 2xx is success; any other
answer, a timeout or a refused address is a failure. After the last try the delivery is given
up; an endpoint that has not succeeded for `DISABLE_AFTER` is disabled and its organization's
owners get a mail.
"""

import datetime
import json
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from standardwebhooks import Webhook

from tocsin.api import representations as osdi
from tocsin.core import audit
from tocsin.core.emails import normalize_email
from tocsin.organizations.models import Membership, Role

from . import transport
from .models import PING, Delivery, Endpoint

logger = logging.getLogger(__name__)

# The delay before each try, the first at once: Standard Webhooks' suggested schedule, about
# three days in all.
SCHEDULE = (
    datetime.timedelta(0),
    datetime.timedelta(seconds=5),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
    datetime.timedelta(hours=5),
    datetime.timedelta(hours=10),
    datetime.timedelta(hours=14),
    datetime.timedelta(hours=20),
    datetime.timedelta(hours=24),
)
MAX_ATTEMPTS = len(SCHEDULE)
# How long a claimed last try may take before the periodic job gives it up (its worker died).
LEASE = datetime.timedelta(minutes=5)
DISABLE_AFTER = datetime.timedelta(days=3)
SUCCEEDED_KEPT = datetime.timedelta(days=30)
GIVEN_UP_KEPT = datetime.timedelta(days=90)
RETRY_BATCH = 100


# ---------------------------------------------------------------------------- events


def person_digest(address: str) -> str:
    """The keyed digest of an address by which erasing a person finds their deliveries."""
    from tocsin.supporters.services import address_digest

    return address_digest(address) if address else ""


def _person_of(instance):
    person = getattr(instance, "supporter", None)
    if person is not None and person.erased_at is None:
        return person
    return None


def _address_of(instance) -> str:
    address = getattr(instance, "email", "") or getattr(instance, "donor_email", "") or ""
    if not address:
        person = getattr(instance, "supporter", None)
        address = getattr(person, "email", "") or ""
    return normalize_email(address) if address else ""


RESOURCES = {
    "person": ("osdi:person", osdi.person),
    "signature": ("osdi:signature", osdi.signature),
    "call": ("osdi:outreach", osdi.outreach),
    "letter": ("osdi:outreach", osdi.outreach),
    "rsvp": ("osdi:attendance", osdi.attendance),
    "donation": ("osdi:donation", osdi.donation),
}


def payload_for(event: str, instance, when: datetime.datetime) -> dict:
    """The Standard Webhooks envelope ({type, timestamp, data}); `data` holds the resource in
    its OSDI shape under its OSDI name, and the person it is about, as Action Network's
    webhooks do."""
    key, represent = RESOURCES[event.split(".", 1)[0]]
    data = {key: represent(instance)}
    person = _person_of(instance)
    if person is not None and key != "osdi:person":
        data["person"] = osdi.person(person)
    return {"type": event, "timestamp": osdi.iso(when), "data": data}


def on_happened(sender, *, organization, event: str, instance, **kwargs) -> int:
    """Receiver of `core.signals.happened`: one delivery per endpoint that chose `event`. The
    number of deliveries written."""
    organization_id = getattr(organization, "pk", organization)
    endpoints = [
        e
        for e in Endpoint.objects.filter(organization_id=organization_id, is_active=True)
        if event in e.events
    ]
    if not endpoints:
        return 0
    now = timezone.now()
    try:
        # In a savepoint: a fault here is logged and loses the webhook, never the action
        # (the signature, the gift) whose transaction sent the event.
        with transaction.atomic():
            # The row as it is now: the sender may hold a copy older than its last update.
            instance = type(instance)._default_manager.filter(pk=instance.pk).first() or instance
            payload = payload_for(event, instance, now)
            digest = person_digest(_address_of(instance))
            for endpoint in endpoints:
                queue(endpoint, event, payload, digest=digest, now=now)
    except Exception as error:
        logger.error(
            "webhook event %s for organization %s not recorded (%s)",
            event,
            organization_id,
            type(error).__name__,
        )
        return 0
    return len(endpoints)


def queue(endpoint: Endpoint, event: str, payload: dict, *, digest: str = "", now=None):
    """One delivery, due now, and its task, both in the caller's transaction."""
    from .tasks import deliver

    now = now or timezone.now()
    with transaction.atomic():
        delivery = Delivery.objects.create(
            endpoint=endpoint,
            event=event,
            payload=payload,
            person_digest=digest,
            next_attempt_at=now,
        )
        deliver.enqueue(delivery.pk)
    return delivery


def ping(endpoint: Endpoint) -> Delivery:
    """A test message, sent at once."""
    now = timezone.now()
    payload = {
        "type": PING,
        "timestamp": osdi.iso(now),
        "data": {"endpoint": endpoint.pk, "organization": endpoint.organization.name},
    }
    return queue(endpoint, PING, payload, now=now)


# ---------------------------------------------------------------------------- delivering


def sign(endpoint: Endpoint, delivery: Delivery, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers. The timestamp is the moment of this try."""
    moment = datetime.datetime.now(tz=datetime.UTC).replace(microsecond=0)
    return {
        "webhook-id": delivery.webhook_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(endpoint.secret).sign(delivery.webhook_id, moment, body),
    }


def body_of(delivery: Delivery) -> str:
    return json.dumps(delivery.payload, separators=(",", ":"), ensure_ascii=False)


def _claim(delivery: Delivery, now: datetime.datetime) -> bool:
    """Take this try: of two workers, one updates the row and the other finds it changed."""
    tried = delivery.attempts + 1
    retry_at = now + (SCHEDULE[tried] if tried < MAX_ATTEMPTS else LEASE)
    return bool(
        Delivery.objects.filter(
            pk=delivery.pk,
            attempts=delivery.attempts,
            status__in=Delivery.OPEN,
            next_attempt_at__lte=now,
            endpoint__is_active=True,
        ).update(attempts=tried, next_attempt_at=retry_at, last_attempt_at=now)
    )


def attempt(delivery_id: int, now: datetime.datetime | None = None) -> str | None:
    """Make the next try of one delivery if it is due; its status afterwards (None when there
    was nothing to do: not due, claimed by another worker, done or its endpoint disabled)."""
    now = now or timezone.now()
    delivery = Delivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or not _claim(delivery, now):
        return None
    delivery.refresh_from_db()
    endpoint = delivery.endpoint
    body = body_of(delivery)
    code, error = None, ""
    try:
        code = transport.post(endpoint.url, body.encode(), sign(endpoint, delivery, body)).status
    except transport.Refused as refusal:
        error = str(refusal)
    except TimeoutError:
        error = "timed out"
    except OSError as failure:
        error = f"connection failed ({type(failure).__name__})"
    except Exception as failure:  # http.client's protocol errors, a malformed answer
        error = f"bad answer ({type(failure).__name__})"
    if code is not None and 200 <= code < 300:
        _succeeded(delivery, code, now)
        return Delivery.Status.SUCCEEDED
    if code is not None:
        error = f"answered {code}"
    return _failed(delivery, code, error, now)


def _succeeded(delivery: Delivery, code: int, now) -> None:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.SUCCEEDED,
            last_response_code=code,
            last_error="",
            succeeded_at=now,
            next_attempt_at=None,
        )
        Endpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None)


def _failed(delivery: Delivery, code: int | None, error: str, now) -> str:
    from .tasks import deliver

    last = delivery.attempts >= MAX_ATTEMPTS
    status = Delivery.Status.GIVEN_UP if last else Delivery.Status.FAILED
    with transaction.atomic():
        fields = {"status": status, "last_response_code": code, "last_error": error[:200]}
        if last:
            fields["next_attempt_at"] = None
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
        Endpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=True).update(
            failing_since=now
        )
        endpoint = Endpoint.objects.get(pk=delivery.endpoint_id)
        if endpoint.failing_since <= now - DISABLE_AFTER or (
            last and endpoint.failing_since <= delivery.created_at
        ):
            disable_failing(endpoint, now)
        elif not last:
            deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    logger.info("webhook delivery %s failed, try %d: %s", delivery.pk, delivery.attempts, error)
    return status


def retry_due(now: datetime.datetime | None = None) -> int:
    """The periodic job: every delivery whose try is due (a worker that died or a task lost
    leaves them so) is tried, at most RETRY_BATCH a run; last tries whose worker died are
    given up. How many were tried."""
    now = now or timezone.now()
    Delivery.objects.filter(
        status__in=Delivery.OPEN, attempts__gte=MAX_ATTEMPTS, next_attempt_at__lte=now
    ).update(status=Delivery.Status.GIVEN_UP, next_attempt_at=None, last_error="no answer")
    due = list(
        Delivery.objects.due(now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
    return sum(attempt(pk, now) is not None for pk in due)


def prune(now: datetime.datetime | None = None) -> int:
    """Delete deliveries that succeeded over SUCCEEDED_KEPT ago, or were given up over
    GIVEN_UP_KEPT ago: their payloads hold people's details no longer needed."""
    now = now or timezone.now()
    deleted, _ = Delivery.objects.filter(
        Q(status=Delivery.Status.SUCCEEDED, succeeded_at__lt=now - SUCCEEDED_KEPT)
        | Q(status=Delivery.Status.GIVEN_UP, created_at__lt=now - GIVEN_UP_KEPT)
    ).delete()
    return deleted


def redeliver(delivery: Delivery) -> bool:
    """Try a finished delivery again now, with the same message id (a receiver that has it
    already can tell), and a new schedule of retries. False if it is still on its way."""
    from .tasks import deliver

    with transaction.atomic():
        changed = (
            Delivery.objects.filter(pk=delivery.pk)
            .exclude(status__in=Delivery.OPEN)
            .update(status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
        )
        if changed:
            deliver.enqueue(delivery.pk)
    return bool(changed)


# ---------------------------------------------------------------------------- endpoints


def owners_addresses(organization) -> list[str]:
    return sorted(
        {
            m.user.email
            for m in Membership.objects.filter(
                organization=organization, role=Role.OWNER
            ).select_related("user")
            if m.user.email and m.user.is_active
        }
    )


def disable_failing(endpoint: Endpoint, now) -> bool:
    """Disable an endpoint that has failed for days; its owners are told by mail."""
    from .tasks import send_disabled_notice

    reason = f"failing since {endpoint.failing_since.isoformat(timespec='minutes')}"
    if not _disable(endpoint, reason, now):
        return False
    audit.record(None, "webhook_disabled", endpoint, endpoint.organization, {"reason": reason})
    send_disabled_notice.enqueue(endpoint.pk)
    return True


def _disable(endpoint: Endpoint, reason: str, now) -> bool:
    with transaction.atomic():
        changed = Endpoint.objects.filter(pk=endpoint.pk, is_active=True).update(
            is_active=False, disabled_at=now, disabled_reason=reason[:300]
        )
        if changed:
            # What was still on its way is given up: it can be redelivered by hand.
            Delivery.objects.filter(endpoint=endpoint, status__in=Delivery.OPEN).update(
                status=Delivery.Status.GIVEN_UP,
                next_attempt_at=None,
                last_error="endpoint disabled",
            )
    return bool(changed)


def create_endpoint(request, organization, *, url: str, description: str, events) -> Endpoint:
    with transaction.atomic():
        endpoint = Endpoint.objects.create(
            organization=organization,
            url=url,
            description=description,
            events=sorted(events),
            created_by=request.user,
        )
        audit.record(request, "webhook_created", endpoint, organization, {"url": url})
    return endpoint


def update_endpoint(request, endpoint: Endpoint, *, url: str, description: str, events) -> None:
    with transaction.atomic():
        before = {"url": endpoint.url, "events": endpoint.events}
        endpoint.url, endpoint.description, endpoint.events = url, description, sorted(events)
        endpoint.save(update_fields=["url", "description", "events"])
        audit.record(
            request,
            "webhook_changed",
            endpoint,
            endpoint.organization,
            {"before": before, "after": {"url": url, "events": endpoint.events}},
        )


def set_active(request, endpoint: Endpoint, active: bool) -> None:
    with transaction.atomic():
        if active:
            Endpoint.objects.filter(pk=endpoint.pk).update(
                is_active=True, disabled_at=None, disabled_reason="", failing_since=None
            )
        else:
            _disable(endpoint, "disabled by an organizer", timezone.now())
        action = "webhook_enabled" if active else "webhook_revoked"
        audit.record(request, action, endpoint, endpoint.organization, {"url": endpoint.url})


def delete_endpoint(request, endpoint: Endpoint) -> None:
    with transaction.atomic():
        audit.record(
            request, "webhook_deleted", endpoint, endpoint.organization, {"url": endpoint.url}
        )
        endpoint.delete()


# ---------------------------------------------------------------------------- personal data


def _deliveries_of(address: str, organizations):
    rows = Delivery.objects.filter(person_digest=person_digest(address)).exclude(person_digest="")
    if organizations is not None:
        rows = rows.filter(endpoint__organization_id__in=organizations)
    return rows


def export_deliveries(address: str, organizations=None) -> list[dict]:
    return [
        {
            "event": d.event,
            "created_at": osdi.iso(d.created_at),
            "status": d.status,
            "endpoint": d.endpoint.url,
            "payload": d.payload,
        }
        for d in _deliveries_of(address, organizations).select_related("endpoint")
    ]


def erase_deliveries(address: str, organizations=None) -> int:
    """Blank the payloads sent or to be sent about the person; what was still on its way is
    given up (the log keeps the event, its date and the answers)."""
    rows = _deliveries_of(address, organizations)
    rows.filter(status__in=Delivery.OPEN).update(
        status=Delivery.Status.GIVEN_UP, next_attempt_at=None, last_error="erased"
    )
    return rows.update(payload={"erased": True}, person_digest="")
